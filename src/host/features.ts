// Host feature probe (docs/behaviour/locking-and-recovery.md §6.1, §6.3; docs/behaviour/container.md §3.3).
// Cheap: a few synchronous stats and reads, no spawns, no FFI.
//
// Errors: probeFeatures throws the bare cause; the caller (lifecycle/context.ts) wraps it as
// `failed to fetch system features: <cause>`. The only causes are a missing v1 memory controller
// (`mountpoint for memory not found`), an unreadable mount table, and a stat of /run/resolvconf or
// /run/systemd/resolve failing other than with ENOENT (upstream reports that last one unwrapped
// while building the spec; it cannot happen to root in practice).
import { type Dirent, existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError } from '../errors.ts';
import type { HostFeatures } from '../host-facts.ts';
import { containerParentCgroup } from '../oci/cgroups-path.ts';
import { goPathError, hasCode } from '../sys/errno.ts';
import { isCgroup2 } from '../sys/mount.ts';
import { MOUNTINFO_FILE, readMountinfo } from './mountinfo.ts';

/** Where the probe looks; tests point these into temporary directories. */
export interface HostFiles {
  cgroupRoot: string;
  mountinfo: string;
  selfCgroup: string;
  rosetta: string;
  systemdDir: string;
  resolvconf: string;
  systemdResolve: string;
}

export const HOST_FILES: HostFiles = {
  cgroupRoot: '/sys/fs/cgroup',
  mountinfo: MOUNTINFO_FILE,
  selfCgroup: '/proc/self/cgroup',
  rosetta: '/proc/sys/fs/binfmt_misc/rosetta',
  systemdDir: '/run/systemd/system',
  resolvconf: '/run/resolvconf',
  systemdResolve: '/run/systemd/resolve',
};

/** The host "runs systemd" iff lstat(/run/systemd/system) is a directory (a symlink does not count). */
export function hostRunsSystemd(dir: string = HOST_FILES.systemdDir): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** cgroup v2 unified mode: the cgroup root is itself a cgroup2 file system. */
export function isUnifiedCgroupHost(cgroupRoot: string = HOST_FILES.cgroupRoot): boolean {
  try {
    return isCgroup2(cgroupRoot);
  } catch {
    return false;
  }
}

/** runc's FindCgroupMountpoint("", subsystem) for cgroup v1. */
function findV1Mountpoint(subsystem: string, mountinfoFile: string): string {
  for (const m of readMountinfo(mountinfoFile)) {
    if (m.fsType === 'cgroup' && m.superOptions.includes(subsystem)) return m.mountPoint;
  }
  throw new BpmError(`mountpoint for ${subsystem} not found`);
}

/**
 * cgroup v2 swap limiting (docs/behaviour/policy.md fix #12): `memory.swap.max` exists only in
 * non-root cgroups that have the memory controller, on kernels that account swap. Upstream probes
 * the root, where it never exists, so it never limits swap on v2. We probe the cgroup the
 * container's own cgroup is made in (`parent`, relative to the cgroup root); when that is the root
 * itself, whether any child of the root has the file says what the kernel does.
 */
export function v2SwapLimitSupported(cgroupRoot: string, parent: string): boolean {
  if (parent !== '/') return existsSync(join(cgroupRoot, parent, 'memory.swap.max'));
  let children: Dirent[];
  try {
    children = readdirSync(cgroupRoot, { withFileTypes: true });
  } catch {
    return false;
  }
  return children.some((c) => c.isDirectory() && existsSync(join(cgroupRoot, c.name, 'memory.swap.max')));
}

function swapLimitSupported(files: HostFiles, systemd: boolean, cgroup: string | undefined): boolean {
  if (isUnifiedCgroupHost(files.cgroupRoot))
    return v2SwapLimitSupported(files.cgroupRoot, containerParentCgroup(cgroup, systemd));
  return existsSync(join(findV1Mountpoint('memory', files.mountinfo), 'memory.memsw.limit_in_bytes'));
}

/** Text after `0::` in /proc/self/cgroup (trailing CR/LF removed); undefined without such a line or file. */
export function ownCgroup(selfCgroup: string = HOST_FILES.selfCgroup): string | undefined {
  let text: string;
  try {
    text = readFileSync(selfCgroup, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    if (line.startsWith('0::')) return line.slice(3).replace(/\r+$/, '');
  }
  return undefined;
}

/** stat succeeds → true; ENOENT → false; any other error is an error. */
function statExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return false;
    throw goPathError('stat', path, err);
  }
}

export function probeFeatures(files: HostFiles = HOST_FILES): HostFeatures {
  const systemd = hostRunsSystemd(files.systemdDir);
  const cgroup = ownCgroup(files.selfCgroup);
  const features: HostFeatures = {
    swapLimit: swapLimitSupported(files, systemd, cgroup),
    seccomp: !existsSync(files.rosetta),
    systemd,
    resolvconf: statExists(files.resolvconf),
    systemdResolve: statExists(files.systemdResolve),
  };
  if (cgroup !== undefined) features.ownCgroup = cgroup;
  return features;
}
