// Plain facts about the host that bpm gathers once per command and hands down: the vcap user and
// the probed host features. host/ produces them, oci/ builds the spec from them, log/, export/ and
// lifecycle/ pass them on; none of those layers has to import another for the types.

/** A user as the passwd database gives it: uid and primary gid. */
export interface User {
  uid: number;
  gid: number;
}

/** Facts about the host, probed once per command (docs/behaviour/locking-and-recovery.md §6). */
export interface HostFeatures {
  /** The host can limit memory+swap (memsw on v1, memory.swap.max on v2). */
  swapLimit: boolean;
  /** seccomp usable (false under Rosetta binfmt). */
  seccomp: boolean;
  /** /run/systemd/system is a directory: runc gets --systemd-cgroup. */
  systemd: boolean;
  /** Text after `0::` in /proc/self/cgroup, undefined when there is no such line. */
  ownCgroup?: string;
  /** /run/resolvconf and /run/systemd/resolve exist on the host. */
  resolvconf: boolean;
  systemdResolve: boolean;
}
