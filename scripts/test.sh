#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run): setup --test, then fmt, clippy, native tests, release build,
# size report + budget, and the browser end-to-end tests against dist/. Every check runs even when an earlier
# one failed (except those that need the build), and the summary names each failed step; exit 1 if any failed.
set -euo pipefail
KV_SCRIPT=test
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KV_ROOT"

start_all=$SECONDS
failed=()
step() {
  local name="$1"; shift
  local start=$SECONDS
  echo
  kv_log "=== $name: $* ==="
  if "$@"; then
    kv_log "=== $name: ok ($((SECONDS - start)) s) ==="
    return 0
  else
    local rc=$?
    kv_log "=== $name: FAILED (exit $rc, $((SECONDS - start)) s) ==="
    failed+=("$name")
    return 1
  fi
}

step setup bash scripts/setup.sh --test || { kv_log "FAILED: setup; nothing else can run"; exit 1; }

step fmt cargo fmt --check || true
step clippy cargo clippy --all-targets -- -D warnings || true
step native-tests cargo test --no-fail-fast || true
step mermaid node --test tests/mermaid/ || true
if step build trunk build --release; then
  step size bash scripts/size-report.sh || true
  step e2e node --test tests/e2e/ || true
else
  kv_log "skipping size and e2e: they need the build"
  failed+=("size (skipped)" "e2e (skipped)")
fi

echo
if ((${#failed[@]} > 0)); then
  kv_log "FAILED steps: ${failed[*]} (total $((SECONDS - start_all)) s)"
  exit 1
fi
kv_log "all steps passed: setup fmt clippy native-tests mermaid build size e2e (total $((SECONDS - start_all)) s)"
