#!/usr/bin/env bash
# Installs everything kafkaviz needs on a fresh machine; every step is skipped when already done.
#   bash scripts/setup.sh          build/serve tools: wasm target, trunk, wasm-bindgen-cli, www/ npm packages
#   bash scripts/setup.sh --test   also rustfmt + clippy, and Debian's chromium + chromium-driver for the browser tests
# See docs/tooling.md.
set -euo pipefail
KV_SCRIPT=setup
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KV_ROOT"

with_test=false
for arg in "$@"; do
  case "$arg" in
    --test) with_test=true ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) kv_die "unknown argument: $arg (usage: scripts/setup.sh [--test])" ;;
  esac
done

# Run a long install quietly, show its tail only if it fails.
run_logged() {
  local what="$1"; shift
  local log; log="$(mktemp)"
  local start=$SECONDS
  if "$@" >"$log" 2>&1; then
    kv_log "$what: done in $((SECONDS - start)) s"
    rm -f "$log"
  else
    local rc=$?
    tail -n 40 "$log" >&2
    rm -f "$log"
    kv_die "$what: failed (exit $rc): $*"
  fi
}

command -v rustup >/dev/null || kv_die "rustup not found: install the Rust toolchain first"
command -v cargo >/dev/null || kv_die "cargo not found: install the Rust toolchain first"
command -v npm >/dev/null || kv_die "npm not found: install node 20+ and npm first"

# 1. The WebAssembly target.
if rustup target list --installed | grep -qx "$KV_WASM_TARGET"; then
  kv_log "rust target $KV_WASM_TARGET: already installed"
else
  run_logged "rust target $KV_WASM_TARGET: installing" rustup target add "$KV_WASM_TARGET"
fi

# 2. Trunk, pinned: 0.22.x needs a newer rustc than this project's 1.95.
trunk_have="$( (trunk --version 2>/dev/null || true) | awk '{print $2}')"
if [[ "$trunk_have" == "$KV_TRUNK_VERSION" ]]; then
  kv_log "trunk $KV_TRUNK_VERSION: already installed"
else
  kv_log "trunk $KV_TRUNK_VERSION: installing with cargo (found '${trunk_have:-none}'; takes about 5 min on 2 cores) ..."
  run_logged "trunk $KV_TRUNK_VERSION" cargo install --locked trunk --version "$KV_TRUNK_VERSION"
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (otherwise Trunk tries to download one).
#    No --locked: its lock file names a crate version the registry does not have.
[[ -f Cargo.lock ]] || kv_die "Cargo.lock is missing: it is committed and pins wasm-bindgen"
wb_want="$(awk '/^\[\[package\]\]/{n=""} /^name = /{n=$3} /^version = /{ if (n=="\"wasm-bindgen\"") {gsub(/"/,"",$3); print $3; exit} }' Cargo.lock)"
[[ -n "$wb_want" ]] || kv_die "could not find the wasm-bindgen version in Cargo.lock"
wb_have="$( (wasm-bindgen --version 2>/dev/null || true) | awk '{print $2}')"
if [[ "$wb_have" == "$wb_want" ]]; then
  kv_log "wasm-bindgen-cli $wb_want (from Cargo.lock): already installed"
else
  kv_log "wasm-bindgen-cli $wb_want (from Cargo.lock): installing with cargo (found '${wb_have:-none}'; about 1.5 min) ..."
  run_logged "wasm-bindgen-cli $wb_want" cargo install wasm-bindgen-cli --version "$wb_want"
fi

# 4. The JS-side tooling in www/: binaryen (wasm-opt for Trunk), playwright-core, mermaid.
stamp="www/node_modules/.kafkaviz-setup-stamp"
want_stamp="$(cat www/package.json www/package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1) node-$(node --version)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_stamp" && -x www/node_modules/.bin/wasm-opt ]]; then
  kv_log "npm packages in www/: already installed ($(wasm-opt --version 2>/dev/null || echo 'wasm-opt ?'))"
else
  if [[ -f www/package-lock.json ]]; then npm_cmd=(npm ci); else npm_cmd=(npm install); fi
  run_logged "npm packages in www/: ${npm_cmd[*]}" \
    "${npm_cmd[@]}" --prefix www --no-audit --no-fund --loglevel=error
  echo "$want_stamp" > "$stamp"
fi
wasm-opt --version >/dev/null 2>&1 || kv_die "wasm-opt from www/node_modules does not run"

if $with_test; then
  # 5. rustfmt and clippy for the checks in scripts/test.sh.
  missing_components=()
  cargo fmt --version >/dev/null 2>&1 || missing_components+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing_components+=(clippy)
  if ((${#missing_components[@]} == 0)); then
    kv_log "rustfmt and clippy: already installed"
  else
    run_logged "rust components ${missing_components[*]}: installing" rustup component add "${missing_components[@]}"
  fi

  # 6. The browser for the end-to-end tests (no tool may download its own browser here).
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    kv_log "chromium and chromium-driver: already installed ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
  else
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null || kv_die "chromium is missing and this is not root: apt-get install chromium chromium-driver"
      sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    run_logged "apt-get update" "${sudo_cmd[@]}" apt-get update
    run_logged "chromium and chromium-driver: apt-get install" \
      "${sudo_cmd[@]}" apt-get install -y chromium chromium-driver
  fi
fi

kv_log "ready"
