#!/usr/bin/env bash
# `npm run test:release-vm`: builds the release tarballs on this machine (build-tarballs.sh) and
# runs the install test (test/release/agent-install.test.ts) in a fresh Noble VM, with the
# repository shared read-only. The VM emulates its CPU: about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
vm=${NOBLE_VM_DIR:-$PWD/../shared/noble-vm}
bash test/release/build-tarballs.sh
"$vm/build.sh" >&2
exec "$vm/run.sh" -r -t "${BPM_VM_TIMEOUT:-1500}" . \
  node_modules/node/bin/node --test --test-concurrency=1 --test-timeout=1200000 test/release/agent-install.test.ts
