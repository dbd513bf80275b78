#!/usr/bin/env bash
# `npm run test:release-vm`: builds the release tarball twice on this machine (the current build,
# and the same tree stamped with an older version as "the previous build") and runs the install
# test (test/release/agent-install.test.ts) in a fresh Noble VM, with the repository shared
# read-only. The VM emulates its CPU, so this takes several minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/node/bin:$PATH"
vm=${NOBLE_VM_DIR:-$PWD/../shared/noble-vm}

rm -rf dist/release
npm run --silent release -- --version "$(node -p 'require("./package.json").version')+dev.0" --out dist/release/previous
npm run --silent release
"$vm/build.sh" >&2
exec "$vm/run.sh" -r -t "${BPM_VM_TIMEOUT:-1500}" . \
  node_modules/node/bin/node --test --test-concurrency=1 --test-timeout=1200000 test/release/agent-install.test.ts
