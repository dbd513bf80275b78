// What the pure spec builder needs to know; gathered by lifecycle from config, paths and the host.
import type { JobPaths } from '../bosh/paths.ts';
import type { ProcessConfig, Volume } from '../config/types.ts';

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

export interface User {
  uid: number;
  gid: number;
}

export interface SpecInput {
  job: string;
  process: ProcessConfig;
  containerId: string;
  paths: JobPaths;
  /** The vcap user (ignored for privileged processes, which run as root). */
  user: User;
  features: HostFeatures;
  /** unsafe.unrestricted_volumes after glob expansion, in order, each with its volume's options. */
  unrestrictedVolumes: Volume[];
}
