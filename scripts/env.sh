# shellcheck shell=bash
# Sourced by the other scripts: the repo root, the environment every step needs, and a logging helper.
# Nothing here is specific to one machine: paths come from the script's own location and $HOME/$CARGO_HOME.

KV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KV_ROOT

# Trunk must not try the network for its update check (only the package registries are reachable).
export TRUNK_SKIP_VERSION_CHECK=true

# cargo-installed tools (trunk, wasm-bindgen) and the npm-installed wasm-opt (binaryen) must be found by Trunk.
case ":$PATH:" in
  *":$KV_ROOT/www/node_modules/.bin:"*) ;;
  *) export PATH="$KV_ROOT/www/node_modules/.bin:$PATH" ;;
esac
KV_CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
  *":$KV_CARGO_BIN:"*) ;;
  *) export PATH="$KV_CARGO_BIN:$PATH" ;;
esac

# Pinned tool versions (wasm-bindgen's comes from Cargo.lock, see setup.sh).
KV_TRUNK_VERSION="0.21.14"
KV_WASM_TARGET="wasm32-unknown-unknown"

kv_log() { printf '%s: %s\n' "${KV_SCRIPT:-kafkaviz}" "$*"; }
kv_die() { printf '%s: ERROR: %s\n' "${KV_SCRIPT:-kafkaviz}" "$*" >&2; exit 1; }
