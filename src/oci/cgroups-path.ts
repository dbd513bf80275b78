// linux.cgroupsPath (docs/behaviour/container.md §2.4), from bpm's own cgroup v2 path S.
import { joinPath } from '../bosh/clean.ts';

/** Every character other than ASCII letters, digits, `-` and `_` becomes one `-`. */
function normalise(part: string): string {
  let out = '';
  for (const ch of part) out += /^[A-Za-z0-9_-]$/.test(ch) ? ch : '-';
  return out;
}

/** The systemd `slice:prefix:name` form upstream derives from S for the container CID. */
export function toSystemdCgroupsPath(ownCgroup: string, containerId: string): string {
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
