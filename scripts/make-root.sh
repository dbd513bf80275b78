#!/bin/sh
# Create the BOSH root layout bpm needs in DIR, for running bpm outside a BOSH VM
# (docs/bosh-root.md):   scripts/make-root.sh DIR   then   export BPM_BOSH_ROOT=DIR
#
#   BPM_RUNC  the runc binary to use (default: runc on PATH, else /usr/sbin/runc)
#   BPM_TINI  the tini binary to copy (default: tini-static on PATH, else tini)
#
# Safe to run again: existing directories are kept (their modes are set), the runc link and tini
# are replaced. Exit status 2 for a usage error, 1 when something needed is missing.
set -eu

die() {
  echo "make-root: $*" >&2
  exit 1
}

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi

runc=${BPM_RUNC:-$(command -v runc 2>/dev/null || echo /usr/sbin/runc)}
tini=${BPM_TINI:-$(command -v tini-static 2>/dev/null || command -v tini 2>/dev/null || echo /usr/bin/tini-static)}
[ -x "$runc" ] || die "runc not found at $runc (install runc, or set BPM_RUNC)"
[ -x "$tini" ] || die "tini not found at $tini (install tini, or set BPM_TINI)"
case $runc in /*) ;; *) runc=$(cd "$(dirname "$runc")" && pwd)/$(basename "$runc") ;; esac

mkdir -p "$1"
R=$(cd "$1" && pwd -P)

# Read by bpm and mounted into every container (docs/behaviour/paths.md): each must exist before a start.
#   packages/bpm/bin  runc (run on the host) and tini (pid 1 in the container)
#   data/packages     mounted read-only at /var/vcap/data/packages: runc fails the start without it
#   jobs              one directory per job with config/bpm.yml; `bpm list` reads it
#   store             the persistent disk: needed by jobs with persistent_disk: true
#   sys/log, sys/run  created by bpm as needed; made here so the tree is complete
for d in "" packages packages/bpm packages/bpm/bin data data/packages jobs store sys sys/log sys/run; do
  mkdir -p "$R/$d"
  chmod 0755 "$R/$d"
done

ln -sfn "$runc" "$R/packages/bpm/bin/runc"
# A copy, not a link: the container sees R/packages at /var/vcap/packages and must find tini there.
cp "$tini" "$R/packages/bpm/bin/tini.tmp.$$"
chmod 0755 "$R/packages/bpm/bin/tini.tmp.$$"
mv -f "$R/packages/bpm/bin/tini.tmp.$$" "$R/packages/bpm/bin/tini"

if ! grep -q '^vcap:' /etc/passwd; then
  echo "make-root: warning: there is no vcap user; bpm runs every job as vcap (scripts/setup.sh creates it)" >&2
fi
echo "BOSH root ready: export BPM_BOSH_ROOT=$R"
