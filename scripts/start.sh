#!/usr/bin/env bash
# Starts Layerlab: installs what it needs, builds the web app, serves it with the embedded
# store. Arguments go to `layerlab serve` (e.g. a workspace directory, --port).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

require_node
ensure_apt busybox-static
ensure_pnpm
ensure_deps

stamp=apps/web/dist/.source-hash
hash=$(find apps/web/src apps/web/index.html apps/web/vite.config.ts packages/core/src -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  log "building the web app"
  buildlog=$(mktemp)
  pnpm --filter @layerlab/web build >"$buildlog" 2>&1 || { cat "$buildlog"; die "the web app did not build"; }
  rm -f "$buildlog"
  echo "$hash" > "$stamp"
fi

exec pnpm --silent layerlab serve "$@"
