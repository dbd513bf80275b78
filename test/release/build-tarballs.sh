#!/usr/bin/env bash
# The two tarballs test/release/agent-install.test.ts installs, built on the host (the VM is too
# slow to build them): dist/release/bpm-VERSION.tgz from the current tree, and
# dist/release/previous/bpm-X.Y.Z+dev.0.tgz, the same tree stamped with an older version, as "the
# previous build" a deploy replaces.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/node/bin:$PATH"
rm -rf dist/release
npm run --silent release -- --version "$(node -p 'require("./package.json").version')+dev.0" --out dist/release/previous >&2
npm run --silent release >&2
