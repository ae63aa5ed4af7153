#!/usr/bin/env bash
# Fuzzes gops-core's binary parser (and the module-text parser) with cargo-fuzz on the nightly
# toolchain. Not part of CI: run it by hand, e.g. `scripts/fuzz.sh 180` for three minutes per target.
set -euo pipefail

seconds="${1:-120}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/crates/gops-core"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# Seed the corpus with real executables so the fuzzer starts from valid headers.
corpus="fuzz/corpus/inspect_file"
mkdir -p "$corpus"
for seed in /bin/true /usr/local/go/bin/gofmt "$root"/.cache/go/*/*; do
  [ -f "$seed" ] && head -c 65536 "$seed" > "$corpus/seed-$(basename "$seed")"
done

for target in inspect_file module_info; do
  echo "== fuzzing $target for ${seconds}s"
  cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=131072 -timeout=5 -rss_limit_mb=1024
done
