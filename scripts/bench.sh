#!/usr/bin/env bash
# Engine performance figures on the large scenario (docs/performance.md):
#   frame time and snapshot time (divan), then the soak run's memory, queue and speed figures.
# Usage: scripts/bench.sh [SOAK_SECONDS [tuned]]   (default 3600 simulated seconds; a short run shows the trend;
#        `tuned` soaks the variant whose producers linger 100 ms)
# Environment: KAFKAVIZ_BENCH_WARMUP_S (simulated seconds of warm-up before the frame benchmarks, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
soak_seconds="${1:-3600}"
soak_variant=("${@:2}")

echo "== frame benchmarks (cargo bench --bench engine) =="
nice cargo bench --bench engine

echo
echo "== soak: ${soak_seconds} simulated seconds (cargo run --profile bench --example soak) =="
nice cargo run --profile bench --example soak -- "${soak_seconds}" "${soak_variant[@]}"
