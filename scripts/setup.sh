# Shared set-up for scripts/start.sh and scripts/test.sh: idempotent, safe to run every time.
# Sourced, not executed.

PNPM_VERSION=10.34.9

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is required (https://nodejs.org); install it and run this again."
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20 or newer is required; this machine has $(node --version)."
}

# pnpm from the npm registry, pinned to the version in package.json's packageManager.
ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$PNPM_VERSION" ]; then return; fi
  log "installing pnpm $PNPM_VERSION"
  if ! npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    corepack enable pnpm 2>/dev/null || die "could not install pnpm: run 'npm install -g pnpm@$PNPM_VERSION' as a user allowed to install global packages"
  fi
}

# Workspace dependencies exactly as the lockfile says; skipped when nothing changed.
ensure_deps() {
  local stamp=node_modules/.layerlab-lock
  if [ -f "$stamp" ] && cmp -s pnpm-lock.yaml "$stamp"; then return; fi
  log "installing dependencies (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile
  cp pnpm-lock.yaml "$stamp"
}

# Debian packages, installed only when missing. Needs root (or sudo).
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get here: install them with your package manager"
  log "installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A Docker daemon for the interoperability tests, when none answers yet. Its output goes to a
# file and it is stopped when the calling script exits, so it never holds CI's output open.
start_dockerd() {
  if /usr/bin/docker info >/dev/null 2>&1; then return; fi
  [ "$(id -u)" -eq 0 ] || die "the Docker interop tests need a running dockerd; start it as root, or run this script as root"
  local log=${TMPDIR:-/tmp}/layerlab-dockerd.log
  log "starting dockerd (log: $log)"
  dockerd --data-root "${TMPDIR:-/tmp}/layerlab-docker" --pidfile "${TMPDIR:-/tmp}/layerlab-dockerd.pid" >"$log" 2>&1 &
  DOCKERD_PID=$!
  trap 'kill "$DOCKERD_PID" 2>/dev/null; wait "$DOCKERD_PID" 2>/dev/null' EXIT
  for _ in $(seq 1 60); do
    /usr/bin/docker info >/dev/null 2>&1 && return
    kill -0 "$DOCKERD_PID" 2>/dev/null || die "dockerd exited; see $log"
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $log"
}
