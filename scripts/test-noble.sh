#!/usr/bin/env bash
# npm run test:noble: the integration tests that matter on a systemd + cgroup v2 host, run inside
# the Noble VM (../shared/noble-vm, docs/noble-vm-tests.md).
#
#   npm run test:noble                    the `ci` set of scripts/test-noble.list (what CI runs)
#   npm run test:noble -- --full          every file of the list (`ci` and `full`)
#   npm run test:noble -- FILE...         just these test files (while writing a test)
#
# Builds the project here, copies the checkout to a temporary directory (the guest writes there as
# root), boots a fresh VM on it and runs `node --test` over the chosen files, with timeouts scaled
# for the emulated CPU (BPM_TEST_TIME_SCALE, default 20). stdout is node's test report and ends
# with its summary; everything this script says goes to stderr. The exit status is node's (124:
# the VM run timed out; 125: the VM died, see ../shared/noble-vm/README.md).
#
# Environment: NOBLE_VM_DIR (default ../shared/noble-vm), BPM_TEST_TIME_SCALE, NOBLE_TEST_TIMEOUT
# (seconds for the whole VM run, default 3600; 5400 with --full), NOBLE_TEST_CPUS (guest CPUs,
# default 1) and run.sh's own NOBLE_VM_* knobs. The guest gets no environment of this shell but
# what is passed with run.sh -e: BPM_TEST_TIME_SCALE, BPM_TEST_ROOT_PARENT=/var/tmp, and, when
# set here, BPM_RELIABILITY_SCALE and BPM_RELIABILITY_SEED (test/reliability/support.ts: the
# full trial counts, a replayed seed).
set -euo pipefail
# The whole script is one { } block: bash parses it before running, so editing this file during a
# run (which lasts minutes) cannot change what the run does.
{
cd "$(dirname "$0")/.."
repo=$PWD
list=scripts/test-noble.list
vm=${NOBLE_VM_DIR:-$repo/../shared/noble-vm}
scale=${BPM_TEST_TIME_SCALE:-20}
timeout=${NOBLE_TEST_TIMEOUT:-}
# One vCPU: about as fast here (the tests run one at a time), and it rules out the guest-kernel
# oops of multi-threaded TCG (../shared/noble-vm/README.md, "Known flake"), which a long run hit.
cpus=${NOBLE_TEST_CPUS:-1}

say() { echo "test:noble: $*" >&2; }

full=0
files=()
for arg in "$@"; do
  case $arg in
    --full) full=1 ;;
    -h | --help)
      sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 0
      ;;
    -*)
      say "unknown flag $arg (--full, or test files)"
      exit 2
      ;;
    *)
      [ -f "$arg" ] || { say "no such test file: $arg"; exit 2; }
      files+=("$arg")
      ;;
  esac
done
[ -n "$timeout" ] || { [ $full = 1 ] && timeout=5400 || timeout=3600; }
if [ ${#files[@]} -eq 0 ]; then
  # Lines are `<set> <path>`; `#` starts a comment.
  while read -r set path _; do
    case $set in '' | '#'*) continue ;; esac
    [ -f "$path" ] || { say "$list names a missing file: $path"; exit 2; }
    case $set in
      ci) files+=("$path") ;;
      full) [ $full = 1 ] && files+=("$path") ;;
      *) say "$list: unknown set '$set' for $path (ci or full)"; exit 2 ;;
    esac
  done <"$list"
fi

[ -d "$vm" ] || { say "no VM tools at $vm (set NOBLE_VM_DIR)"; exit 2; }
say "building the VM image if needed ($vm/build.sh, cached)"
"$vm/build.sh" >&2

copy=$(mktemp -d /tmp/bpm-noble.XXXXXX)
trap 'rm -rf "$copy"' EXIT
# Two runs in one checkout must not copy a dist/ the other is rebuilding: build and copy under a
# lock on the checkout directory itself (flock(1) on a descriptor of it; no file is created).
exec 9<"$repo"
flock 9
say "building bpm"
PATH=$repo/node_modules/node/bin:$PATH npm run --silent build >&2
if printf '%s\n' "${files[@]}" | grep -q '^test/release/'; then
  # The release install test installs tarballs built here: the VM is too slow to build them.
  say "building the release tarballs (test/release/build-tarballs.sh)"
  bash test/release/build-tarballs.sh
fi
# The guest needs the sources, dist/ and the runtime modules; not the dev tools (~100 MB less).
# Nor the release's blobs and generated sources: the release test needs only the tarballs in dist/.
tar -C "$repo" --exclude=./.git --exclude=./node_modules/@biomejs --exclude=./node_modules/typescript \
  --exclude=./node_modules/@esbuild --exclude=./node_modules/esbuild \
  --exclude=./release/blobs --exclude=./release/src -cf - . | tar -C "$copy" -xf -
flock -u 9
exec 9<&-

# What reaches the guest's environment (nothing else does).
guest_env=(-e "BPM_TEST_TIME_SCALE=$scale" -e BPM_TEST_ROOT_PARENT=/var/tmp)
for name in BPM_RELIABILITY_SCALE BPM_RELIABILITY_SEED; do
  if [ -n "${!name:-}" ]; then guest_env+=(-e "$name=${!name}"); fi
done
say "${#files[@]} test files in the VM, time scale ${scale}x${BPM_RELIABILITY_SCALE:+, BPM_RELIABILITY_SCALE=$BPM_RELIABILITY_SCALE}: ${files[*]}"
# Nothing is printed after this: the output ends with node's summary (its duration_ms is the time).
set +e
"$vm/run.sh" -t "$timeout" -c "$cpus" "${guest_env[@]}" "$copy" \
  node_modules/node/bin/node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
rc=$?
exit $rc
}
