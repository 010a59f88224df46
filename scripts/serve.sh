#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and serves the app, the default scenario, on http://127.0.0.1:$PORT/ (default 8080).
# Trunk rebuilds and reloads the page when a source file changes. Stop with Ctrl-C.
set -euo pipefail
KV_SCRIPT=serve
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KV_ROOT"

bash scripts/setup.sh

port="${PORT:-8080}"
[[ "$port" =~ ^[0-9]+$ ]] || kv_die "PORT must be a number, got '$port'"
kv_log "building (release) and serving kafkaviz at http://127.0.0.1:$port/  (first build takes a few minutes; Ctrl-C stops)"
exec trunk serve --release --address 127.0.0.1 --port "$port"
