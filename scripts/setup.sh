#!/usr/bin/env bash
# One idempotent set-up step for a fresh Debian machine, as root: system packages bpm drives,
# the vcap user, the pinned Node runtime and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "scripts/setup.sh must run as root (it installs packages and creates the vcap user)" >&2
  exit 1
fi

missing=()
command -v runc >/dev/null 2>&1 || missing+=(runc)
[ -x /usr/bin/tini-static ] || missing+=(tini)
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v monit >/dev/null 2>&1 || missing+=(monit)
command -v script >/dev/null 2>&1 || missing+=(bsdutils) # `script`: the pty for the shell test
command -v npm >/dev/null 2>&1 || missing+=(npm)         # only to run `npm ci`; bpm runs on the pinned Node
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! getent group vcap >/dev/null; then groupadd --system vcap; fi
if ! getent passwd vcap >/dev/null; then
  useradd --system --gid vcap --home-dir /var/vcap --no-create-home --shell /usr/sbin/nologin vcap
fi

if [ ! -x node_modules/node/bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
