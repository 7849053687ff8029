#!/usr/bin/env bash
# Runs every test: type checks, unit and integration tests. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

require_node
ensure_apt chromium busybox-static docker.io docker-registry skopeo openssl python3
ensure_pnpm
ensure_deps
start_dockerd

log "type checking every package"
pnpm -r typecheck
log "unit and integration tests (vitest)"
pnpm exec vitest run
log "building the web app for the end-to-end tests"
pnpm --filter @layerlab/web build >/dev/null
log "end-to-end tests (Playwright driving Debian's Chromium)"
pnpm exec vitest run --config e2e/vitest.config.ts
