// cgroup v1 setup of the global pre-run (docs/behaviour/locking-and-recovery.md §6.2), for hosts that do not
// run systemd. The caller checks hostRunsSystemd() first; this function does the rest, including the cgroup2
// check.
//
// Errors: a BpmError `unable to setup cgroups: <cause>` with showUsage set (docs/behaviour/commands.md §1.2
// step 5), i.e. the final message; do not wrap it again.
//
// Fast path: when every enabled subsystem already has a cgroup mount at /sys/fs/cgroup/<grouping>
// per /proc/self/mountinfo, no mount is attempted (the kernel would answer EBUSY anyway) and koffi
// is never loaded.
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError, messageOf } from '../errors.ts';
import { goPathError, hasCode, SysError } from '../sys/errno.ts';
import { isCgroup2, MS_NODEV, MS_NOEXEC, MS_NOSUID, mount } from '../sys/mount.ts';
import { HOST_FILES } from './features.ts';
import { type MountEntry, readMountinfo } from './mountinfo.ts';

export interface CgroupFiles {
  cgroupRoot: string;
  mountinfo: string;
  procCgroups: string;
  selfCgroup: string;
}

export const CGROUP_FILES: CgroupFiles = {
  cgroupRoot: HOST_FILES.cgroupRoot,
  mountinfo: HOST_FILES.mountinfo,
  procCgroups: '/proc/cgroups',
  selfCgroup: HOST_FILES.selfCgroup,
};

class Step extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw goPathError('open', file, err);
  }
}

/** Enabled v1 subsystems in /proc/cgroups order (column 1 of lines whose 4th column is not 0). */
export function enabledSubsystems(procCgroups: string): string[] {
  const result: string[] = [];
  for (const line of readText(procCgroups).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split(/\s+/);
    if (cols.length >= 4 && cols[3] !== '0' && cols[0]) result.push(cols[0]);
  }
  return result;
}

/** The controllers field of the first /proc/self/cgroup line listing `subsystem`, else itself. */
export function subsystemGrouping(subsystem: string, selfCgroup: string): string {
  if (!existsSync(selfCgroup)) return subsystem;
  for (const line of readText(selfCgroup).split('\n')) {
    const parts = line.split(':');
    if (parts.length < 3) continue;
    const controllers = parts[1] ?? '';
    if (controllers.split(',').includes(subsystem)) return controllers;
  }
  return subsystem;
}

function isMountedAt(mounts: MountEntry[], point: string, fsType?: string): boolean {
  return mounts.some((m) => m.mountPoint === point && (fsType === undefined || m.fsType === fsType));
}

function mkdir0755(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw goPathError('mkdir', dir, err);
  }
}

function setup(files: CgroupFiles): void {
  const root = files.cgroupRoot;
  if (existsSync(root) && isCgroup2(root)) return;

  let mounts: MountEntry[];
  try {
    mounts = readMountinfo(files.mountinfo);
  } catch (err) {
    throw new Step(`unable to retrieve mounts: ${messageOf(err)}`);
  }
  if (!isMountedAt(mounts, root)) {
    try {
      mkdir0755(root);
      mount('tmpfs', root, 'tmpfs', MS_NOSUID | MS_NOEXEC | MS_NODEV, 'mode=755');
    } catch (err) {
      throw new Step(`unable to mount cgroup tmpfs: ${messageOf(err)}`);
    }
  }

  let subsystems: string[];
  try {
    subsystems = enabledSubsystems(files.procCgroups);
  } catch (err) {
    throw new Step(`unable to retrieve cgroup subsystems: ${messageOf(err)}`);
  }
  for (const s of subsystems) {
    let grouping: string;
    try {
      grouping = subsystemGrouping(s, files.selfCgroup);
    } catch (err) {
      throw new Step(`unable to retrieve subsystem grouping for ${s}: ${messageOf(err)}`);
    }
    const point = join(root, grouping);
    if (isMountedAt(mounts, point, 'cgroup')) continue;
    try {
      if (!existsSync(point)) {
        mkdir0755(point);
        try {
          chmodSync(point, 0o755);
        } catch (err) {
          throw goPathError('chmod', point, err);
        }
      }
      try {
        mount('cgroup', point, 'cgroup', 0, grouping);
      } catch (err) {
        if (!hasCode(err, 'EBUSY')) {
          const text = err instanceof SysError ? err.message : messageOf(err);
          throw new Error(`unable to mount ${point}: ${text}`);
        }
      }
    } catch (err) {
      throw new Step(`unable to mount subsystem for ${s}: ${messageOf(err)}`);
    }
  }
}

/** Make sure the cgroup v1 hierarchies runc expects are mounted. Idempotent. */
export function setupCgroups(files: CgroupFiles = CGROUP_FILES): void {
  try {
    setup(files);
  } catch (err) {
    throw new BpmError(`unable to setup cgroups: ${messageOf(err)}`, { showUsage: true, cause: err });
  }
}
