// Shared by the tests that need a systemd host with the unified cgroup v2 hierarchy (the Noble VM
// of `npm run test:noble`): the skip reason, and where runc's systemd driver puts a container.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { containerId } from '../../../src/ids/container-id.ts';
import { isCgroup2 } from '../../../src/sys/mount.ts';
import { skipReason } from '../../helpers/bosh-root.ts';

export const CGROUP_ROOT = '/sys/fs/cgroup';

function unified(): boolean {
  try {
    return isCgroup2(CGROUP_ROOT);
  } catch {
    return false;
  }
}

function runsSystemd(): boolean {
  try {
    return lstatSync('/run/systemd/system').isDirectory();
  } catch {
    return false;
  }
}

/** Why these tests cannot run here (pass it to `describe(…, { skip })`), or undefined. */
export function systemdV2SkipReason(): string | undefined {
  const base = skipReason();
  if (base !== undefined) return base;
  if (!unified() || !runsSystemd())
    return 'needs systemd with the unified cgroup v2 hierarchy: npm run test:noble runs it in the Noble VM';
  return undefined;
}

/** This process's cgroup v2 path (the `0::` line); bpm started by the test inherits it. */
export function ownCgroup(): string {
  const line = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('0::'));
  return (line ?? '0::/').slice(3);
}

/** The cgroupsPath upstream derives on a systemd host, for a bpm in the `/system.slice/X` cgroup. */
export function expectedCgroupsPath(job: string, proc = job): string {
  const m = /^\/system\.slice\/([^/]+)$/.exec(ownCgroup());
  if (m?.[1] === undefined) throw new Error(`test runner not in a system.slice unit: ${ownCgroup()}`);
  return `system.slice:${m[1].replace(/[^A-Za-z0-9_-]/g, '-')}-bpm:${containerId(job, proc)}`;
}

/** The systemd scope unit runc makes for `slice:prefix:name`, and its cgroup directory. */
export function scopeOf(cgroupsPath: string): { unit: string; dir: string } {
  const [slice, prefix, name] = cgroupsPath.split(':');
  const unit = `${prefix}-${name}.scope`;
  return { unit, dir: `${CGROUP_ROOT}/${slice}/${unit}` };
}

/** `systemctl show -p ActiveState --value UNIT` ('inactive' for a unit systemd does not know). */
export function unitState(unit: string): string {
  const r = spawnSync('systemctl', ['show', '-p', 'ActiveState', '--value', unit], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** Loaded units whose name contains `text` (any state). */
export function unitsMatching(text: string): string[] {
  const r = spawnSync('systemctl', ['list-units', '--all', '--plain', '--no-legend', `*${text}*`], {
    encoding: 'utf8',
  });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((u) => u !== '');
}

/** A cgroup interface file's content, trimmed; undefined when it does not exist. */
export function cgroupFile(dir: string, file: string): string | undefined {
  const path = `${dir}/${file}`;
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}
