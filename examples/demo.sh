#!/usr/bin/env bash
# bpm demo: a two-process BOSH job (examples/jobs/guestbook) under bpm, end to end, in a local
# BOSH root. Run as root on a fresh Debian machine:   bash examples/demo.sh
#
#   DEMO_ROOT  the BOSH root to use (default: .demo-root in the repository; never /var/vcap).
#              It is wiped at the start of every run; logs stay there afterwards.
#   DEMO_PORT  the server's port on 127.0.0.1 (default: a free one).
#
# Exits non-zero if any step fails; a trap then stops the job and removes every container and
# mount it made. Running it again is safe.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
R=${DEMO_ROOT:-$repo/.demo-root}
JOB=guestbook
node=$repo/node_modules/node/bin/node
step_name=

step() {
  step_name=$*
  printf '\n==> %s\n' "$*"
}
die() {
  echo "demo: $*" >&2
  exit 1
}
# bpm as an operator types it (monit runs /var/vcap/jobs/bpm/bin/bpm the same way), echoed.
bpm() {
  echo "# bpm $*"
  BPM_BOSH_ROOT=$R "$repo/bin/bpm" "$@"
}
quiet_bpm() { BPM_BOSH_ROOT=$R "$repo/bin/bpm" "$@" >/dev/null 2>&1; }

runc_bin=$(command -v runc || echo /usr/sbin/runc)
runc_root() { echo "$R/sys/run/bpm-runc"; }
containers() { [ -d "$(runc_root)" ] && find "$(runc_root)" -mindepth 1 -maxdepth 1 -printf '%f\n' || true; }
mounts_under_r() { awk -v r="$R" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo; }

# Stop the job and remove anything it may have left: containers in our runc root, host mounts
# under R. Safe to call at any point, including before anything was created.
teardown() {
  [ -d "$R" ] || return 0
  if [ -f "$R/jobs/$JOB/config/bpm.yml" ] && [ -f "$repo/dist/main.js" ]; then
    quiet_bpm stop "$JOB" -p worker || true
    quiet_bpm stop "$JOB" || true
  fi
  local id
  for id in $(containers); do
    [ -n "$runc_bin" ] && "$runc_bin" --root "$(runc_root)" delete --force "$id" >/dev/null 2>&1 || true
  done
  local m
  for m in $(mounts_under_r | sort -r); do umount -l "$m" 2>/dev/null || true; done
}

on_exit() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" -ne 0 ]; then
    echo >&2
    echo "demo: FAILED during: ${step_name:-start-up} (exit status $status)" >&2
    local f
    for f in "$R"/sys/log/$JOB/*.stderr.log; do
      [ -s "$f" ] || continue
      echo "--- last lines of $f" >&2
      tail -n 15 "$f" >&2
    done
    if grep -qs '"level":"error"' "$R/sys/log/$JOB/bpm.log"; then
      echo "--- errors in $R/sys/log/$JOB/bpm.log" >&2
      grep '"level":"error"' "$R/sys/log/$JOB/bpm.log" | tail -n 5 >&2
    fi
    teardown
    echo "demo: stopped the job and removed its containers and mounts" >&2
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || die "run me as root (bpm runs containers): sudo bash examples/demo.sh"
case "$R" in
/var/vcap | /var/vcap/*) die "DEMO_ROOT must not be the real BOSH root ($R)" ;;
/*) ;;
*) die "DEMO_ROOT must be an absolute path, got '$R'" ;;
esac

step "Setting up the machine: runc, tini, the vcap user, Node 24, the bpm build (scripts/setup.sh)"
bash "$repo/scripts/setup.sh"
runc_bin=$(command -v runc || echo /usr/sbin/runc)
[ -x "$runc_bin" ] || die "runc not found after setup"

step "Creating a fresh BOSH root at $R (BPM_BOSH_ROOT)"
teardown
[ -z "$(mounts_under_r)" ] || die "mounts are still active under $R; refusing to delete it"
rm -rf --one-file-system "$R"
mkdir -p "$R"/{jobs,packages,data/packages,sys/log,sys/run}
chmod 0755 "$R"

step "Installing runc and tini into $R/packages/bpm/bin"
install -D -m 0755 "$runc_bin" "$R/packages/bpm/bin/runc"
install -D -m 0755 /usr/bin/tini-static "$R/packages/bpm/bin/tini"

step "Installing the job's packages: node (the pinned Node 24) and guestbook (the server code)"
mkdir -p "$R/packages/node/bin" "$R/packages/guestbook"
# The container sees only /bin /etc /lib /lib64 /sbin /usr and R's packages and jobs, so the
# interpreter must live inside R: a hard link costs nothing (a symlink out of R would dangle).
ln -f "$node" "$R/packages/node/bin/node" 2>/dev/null || cp "$node" "$R/packages/node/bin/node"
install -m 0644 "$repo/examples/packages/guestbook/server.mjs" "$R/packages/guestbook/server.mjs"

port=${DEMO_PORT:-$("$node" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
step "Rendering the job into $R/jobs/$JOB (host paths under R, server port $port)"
cp -R "$repo/examples/jobs/$JOB" "$R/jobs/$JOB"
shared=$R/data/$JOB/shared
sed -i \
  -e "s#/var/vcap/data/$JOB/shared#$shared#g" \
  -e "s#pre_start: /var/vcap/#pre_start: $R/#" \
  -e "s#PORT: \"8080\"#PORT: \"$port\"#" \
  "$R/jobs/$JOB/config/bpm.yml"
# A shared additional volume: bpm creates it on start (vcap, 0700) and mounts it in both containers.

step "Starting both processes, as monit would (see examples/jobs/$JOB/monit)"
bpm start "$JOB"
bpm start "$JOB" -p worker

step "Listing bpm's containers"
bpm list

step "Asking the server for its page over HTTP (127.0.0.1:$port)"
server_pid=$(cat "$R/sys/run/bpm/$JOB/$JOB.pid")
# Wait until the worker has written twice, then GET / (retrying until the server listens).
for _ in $(seq 100); do
  [ "$(wc -l <"$shared/ticks.log" 2>/dev/null || echo 0)" -ge 2 ] && break
  sleep 0.1
done
"$node" -e '
const [url, pid] = process.argv.slice(1);
const deadline = Date.now() + 15000;
const fs = require("node:fs");
const alive = () => { try { return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return false; } };
(async () => {
  for (;;) {
    if (!alive()) { console.error("the server process exited (see: bpm logs guestbook -e)"); process.exit(1); }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      process.stdout.write(`HTTP ${res.status}\n${await res.text()}`);
      process.exit(res.ok ? 0 : 1);
    } catch (err) {
      if (Date.now() > deadline) { console.error(`no answer from ${url}: ${err.cause?.code ?? err}`); process.exit(1); }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
})();' "http://127.0.0.1:$port/" "$server_pid"

step "Limits the kernel enforces on the server (from bpm.yml's limits:)"
server_child=$(cut -d' ' -f1 </proc/"$server_pid"/task/"$server_pid"/children)
cgroup_file() { # controller, v1 file, v2 file
  local path
  path=$(awk -F: -v c="$1" '$2 == c { print $3 }' /proc/"$server_pid"/cgroup)
  if [ -n "$path" ]; then cat "/sys/fs/cgroup/$1$path/$2"; else
    path=$(awk -F: '$1 == "0" { print $3 }' /proc/"$server_pid"/cgroup)
    cat "/sys/fs/cgroup$path/$3"
  fi 2>/dev/null || echo '?'
}
echo "memory: $(cgroup_file memory memory.limit_in_bytes memory.max) bytes," \
  "processes: $(cgroup_file pids pids.max pids.max)," \
  "open files: $(awk '/^Max open files/ { print $4 }' /proc/"$server_child"/limits)," \
  "user: $(stat -c %U /proc/"$server_child")"

step "Reading the logs bpm captured (stdout of each process, including the pre-start hook)"
bpm logs "$JOB" -n 5
bpm logs "$JOB" -p worker -n 5

step "What the worker wrote into the shared volume $shared"
ls -l "$shared"
tail -n 3 "$shared/ticks.log"
[ "$(wc -l <"$shared/ticks.log")" -ge 1 ] || die "the worker wrote nothing to $shared/ticks.log"

# Every process of both containers, to prove below that none survives the stop.
tree_pids() {
  local p=$1 c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
job_pids=$(for p in "$server_pid" "$(cat "$R/sys/run/bpm/$JOB/worker.pid")"; do tree_pids "$p"; done)

step "Stopping both processes (TERM, as monit's stop program does)"
bpm stop "$JOB" -p worker
bpm stop "$JOB"
bpm list

step "Checking that nothing is left behind"
left=$(containers)
[ -z "$left" ] || die "containers left in $(runc_root): $left"
[ -z "$(mounts_under_r)" ] || die "mounts left under $R: $(mounts_under_r)"
alive=0
# A zombie (exited, waiting for the host's pid 1 to reap it) is not running.
running() { local st; st=$(cat /proc/"$1"/stat 2>/dev/null) && [ "$(echo "${st##*) }" | cut -c1)" != Z ]; }
for p in $job_pids; do running "$p" && alive=$((alive + 1)); done
[ "$alive" -eq 0 ] || die "$alive process(es) of the job are still running"
[ ! -e "$R/sys/run/bpm/$JOB/$JOB.pid" ] && [ ! -e "$R/sys/run/bpm/$JOB/worker.pid" ] || die "pid files left behind"
echo "no container, no mount, none of the job's $(echo "$job_pids" | wc -w) processes, no pid file left"

step "Done. Logs stay in $R/sys/log/$JOB; run me again any time."
