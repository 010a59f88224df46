#!/usr/bin/env bash
# Prints the raw and gzipped size of the .wasm and .js files in dist/ (after `trunk build --release`), and fails
# only if the gzipped wasm is over the budget: $WASM_GZIP_BUDGET_KB, default 600 (KB = 1024 bytes).
set -euo pipefail
KV_SCRIPT=size
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KV_ROOT"

dist="${1:-dist}"
budget_kb="${WASM_GZIP_BUDGET_KB:-600}"
shopt -s nullglob
files=("$dist"/*.wasm "$dist"/*.js)
wasm=("$dist"/*.wasm)
((${#wasm[@]} > 0)) || kv_die "no .wasm file in $dist/: run 'trunk build --release' first"

kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
wasm_gz_max=0
wasm_gz_name=""
for f in "${files[@]}"; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  # Drop Trunk's content hash so the lines compare across builds: kafkaviz-0123456789abcdef_bg.wasm -> kafkaviz_bg.wasm
  name=$(basename "$f" | sed -E 's/-[0-9a-f]{6,16}(_bg\.wasm|\.js)$/\1/')
  echo "size: $name $(kb "$raw") KB raw, $(kb "$gz") KB gzip"
  if [[ "$f" == *.wasm ]] && ((gz > wasm_gz_max)); then wasm_gz_max=$gz; wasm_gz_name=$name; fi
done

if ((wasm_gz_max > budget_kb * 1024)); then
  echo "size: BUDGET EXCEEDED: $wasm_gz_name is $(kb "$wasm_gz_max") KB gzipped, over the ${budget_kb} KB budget" >&2
  exit 1
fi
echo "size: budget ok: gzipped wasm $(kb "$wasm_gz_max") KB <= ${budget_kb} KB"
