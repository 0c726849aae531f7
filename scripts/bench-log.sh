#!/usr/bin/env bash
# Benchmark: a synthetic debug/syslog file of SIZE_MB (default 1024) made of the reference
# chapter's debug examples and ASA syslog with varying peer addresses; prints the release
# binary's wall time, throughput and peak RSS (memory must stay flat whatever the size).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-1024}"
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
mkdir -p bench-data
out=bench-data/big-debug.log
python3 - "$size_mb" "$out" <<'PY'
import glob, sys
size = int(sys.argv[1]) << 20
parts = [open(f).read() for f in sorted(glob.glob("tests/fixtures/logs/book/*.log") + glob.glob("tests/fixtures/logs/asa/*.log"))]
with open(sys.argv[2], "w") as f:
    written, i = 0, 0
    while written < size:
        # Vary the peer so the file is not one repeated block.
        chunk = parts[i % len(parts)].replace("172.16.6.2", f"172.16.{(i // 250) % 250}.{i % 250 + 1}")
        f.write(chunk)
        written += len(chunk)
        i += 1
PY
bytes=$(stat -c %s "$out")
/usr/bin/time -v target/release/ipsec-doctor diagnose --format json "$out" > bench-data/big-debug.json 2> bench-data/big-debug-time.txt || true
secs=$(grep "Elapsed (wall clock)" bench-data/big-debug-time.txt | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
grep -E "Elapsed \(wall clock\)|Maximum resident set size" bench-data/big-debug-time.txt
python3 -c "print(f'{$bytes/1e6:.0f} MB in {$secs} s = {$bytes/1e6/$secs:.0f} MB/s')"
