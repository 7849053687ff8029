#!/usr/bin/env bash
# Runs every test: type checks, unit and integration tests. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

require_node
ensure_pnpm
ensure_deps

log "type checking every package"
pnpm -r typecheck
log "unit and integration tests (vitest)"
pnpm exec vitest run
