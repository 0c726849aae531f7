#!/usr/bin/env bash
# Capture benchmark: writes a synthetic capture of SIZE_MB (default 2048; mostly ESP with IKE
# exchanges, NAT-T keepalives and fragmented IKE mixed in), then prints the release binary's
# wall time, MB/s and peak RSS on it, and the same for `tshark -r FILE -Y "isakmp || esp"`
# (tshark is installed when missing) on a 256 MB capture of the same mix (tshark is linear in
# size; 2 GB would take minutes), with the ratio of the two throughputs.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-2048}"
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
mkdir -p bench-data
big=bench-data/big.pcap
small=bench-data/small.pcap
[ -f "$big" ] && [ "$(stat -c %s "$big")" -ge $((size_mb << 20)) ] || python3 scripts/gen-pcap.py "$size_mb" "$big"
[ -f "$small" ] || python3 scripts/gen-pcap.py 256 "$small"
cat "$big" "$small" > /dev/null  # into the page cache: the target is analysis, not disk speed
run() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
read -r secs rss < <(run target/release/ipsec-doctor diagnose --format json "$big")
bytes=$(stat -c %s "$big")
python3 -c "print(f'ipsec-doctor: {$bytes/1e6:.0f} MB in {$secs} s = {$bytes/1e6/max($secs,0.01):.0f} MB/s, peak RSS {$rss/1024:.1f} MiB')"
if ! command -v tshark >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tshark >/dev/null
fi
read -r s_tshark _ < <(run tshark -r "$small" -Y "isakmp || esp")
sb=$(stat -c %s "$small")
python3 -c "o=$bytes/1e6/max($secs,0.01); t=$sb/1e6/max($s_tshark,0.01); print(f'tshark -Y \"isakmp || esp\": {t:.0f} MB/s on {$sb/1e6:.0f} MB; ipsec-doctor {o:.0f} MB/s: {o/t:.0f}x faster')"
