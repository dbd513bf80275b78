// /proc/self/mountinfo, parsed (proc(5)): the mount table used by cgroup setup, the swap probe and
// shared-volume mount-point detection.
import { readFileSync } from 'node:fs';
import { goPathError } from '../sys/errno.ts';

export const MOUNTINFO_FILE = '/proc/self/mountinfo';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options, e.g. `rw,memory` for a cgroup v1 memory hierarchy. */
  superOptions: string[];
}

/** The kernel escapes space, tab, newline and backslash in paths as `\ooo`. */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 4) continue;
    entries.push({
      mountPoint: unescapeOctal(fields[4] ?? ''),
      fsType: fields[sep + 1] ?? '',
      source: unescapeOctal(fields[sep + 2] ?? ''),
      superOptions: (fields[sep + 3] ?? '').split(','),
    });
  }
  return entries;
}

/** Read and parse the mount table; a read error reads `open <file>: <errno text>`. */
export function readMountinfo(file: string = MOUNTINFO_FILE): MountEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw goPathError('open', file, err);
  }
  return parseMountinfo(text);
}
