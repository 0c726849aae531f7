#!/usr/bin/env bash
# Benchmark: a hub with N (default 2000) crypto map entries against N spoke configs.
# Prints wall time and peak RSS of the release binary, then runs the criterion bench.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
rm -rf bench-data/hub
cargo run --release --quiet --example gen_hub -- bench-data/hub "$n"
/usr/bin/time -v target/release/ipsec-doctor diagnose --format json bench-data/hub \
  > bench-data/hub-report.json 2> bench-data/hub-time.txt || true
grep -E "Elapsed \(wall clock\)|Maximum resident set size" bench-data/hub-time.txt
python3 - <<'PY'
import json
r = json.load(open("bench-data/hub-report.json"))
errs = [f for f in r["findings"] if f["severity"] == "error"]
print(f'verdict {r["verdict"]}; {len(r["directions"])} directions walked; {len(errs)} error findings:',
      sorted({f["code"] for f in errs}))
PY
if [ "${SKIP_CRITERION:-}" = "" ]; then
  cargo bench --bench hub_spokes
fi
