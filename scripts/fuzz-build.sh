#!/usr/bin/env bash
# Builds every cargo-fuzz target (CI runs this). With FUZZ_SECONDS=N, also runs each target
# for N seconds from its committed seeds (fuzz/seeds/TARGET); new inputs go to the git-ignored
# fuzz/corpus/TARGET.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# cargo-fuzz needs nightly flags; use the nightly toolchain when the machine has one, else
# let the stable compiler accept them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  tc=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
  tc=()
fi
cargo "${tc[@]}" fuzz build
if [ -n "${FUZZ_SECONDS:-}" ]; then
  for t in $(cargo "${tc[@]}" fuzz list); do
    mkdir -p "fuzz/corpus/$t"
    cargo "${tc[@]}" fuzz run "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- -max_total_time="$FUZZ_SECONDS"
  done
fi
