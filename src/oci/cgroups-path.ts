// linux.cgroupsPath (docs/behaviour/container.md §2.4), from bpm's own cgroup v2 path S.
import { cleanPath, joinPath } from '../go/path.ts';

/** Every character other than ASCII letters, digits, `-` and `_` becomes one `-`. */
function normalise(part: string): string {
  let out = '';
  for (const ch of part) out += /^[A-Za-z0-9_-]$/.test(ch) ? ch : '-';
  return out;
}

/** The slice and the unique part of the scope prefix upstream derives from S. */
function systemdPlacement(ownCgroup: string): { slice: string; unique: string } {
  const parts = (ownCgroup.startsWith('/') ? ownCgroup.slice(1) : ownCgroup).split('/');
  let slice = 'system.slice';
  let unique = '';
  const sliceAt = parts.findIndex((p) => p.endsWith('.slice'));
  if (sliceAt >= 0) {
    slice = parts[sliceAt]!;
    const next = parts[sliceAt + 1];
    if (next !== undefined) unique = normalise(next);
  }
  if (unique === '') unique = parts.map(normalise).find((n) => n !== '') ?? '';
  return { slice, unique };
}

/** The systemd `slice:prefix:name` form upstream derives from S for the container CID. */
export function toSystemdCgroupsPath(ownCgroup: string, containerId: string): string {
  const { slice, unique } = systemdPlacement(ownCgroup);
  return unique === '' ? `${slice}:bpm:${containerId}` : `${slice}:${unique}-bpm:${containerId}`;
}

/** undefined (key omitted) when bpm has no cgroup v2 path; the systemd form on systemd hosts. */
export function cgroupsPath(
  ownCgroup: string | undefined,
  systemd: boolean,
  containerId: string,
): string | undefined {
  if (ownCgroup === undefined) return undefined;
  return systemd ? toSystemdCgroupsPath(ownCgroup, containerId) : joinPath(ownCgroup, containerId);
}

/**
 * systemd's cgroup directory of a slice unit: every `-` opens a nested slice, so `a-b.slice` is
 * `/a.slice/a-b.slice`; the root slice `-.slice` is `/`.
 */
export function sliceDir(slice: string): string {
  if (slice === '-.slice') return '/';
  const name = slice.endsWith('.slice') ? slice.slice(0, -'.slice'.length) : slice;
  const parts = name.split('-');
  return `/${parts.map((_, i) => `${parts.slice(0, i + 1).join('-')}.slice`).join('/')}`;
}

/**
 * The cgroup v2 directory (relative to the cgroup root) the container's own cgroup is made in: the
 * slice of its scope on systemd hosts, bpm's own cgroup otherwise. Without a cgroup v2 path of
 * bpm's own, runc's default placement (`system.slice`, or the root).
 */
export function containerParentCgroup(ownCgroup: string | undefined, systemd: boolean): string {
  if (systemd) return sliceDir(ownCgroup === undefined ? 'system.slice' : systemdPlacement(ownCgroup).slice);
  return ownCgroup === undefined ? '/' : cleanPath(`/${ownCgroup}`);
}
