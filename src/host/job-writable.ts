// Whether the job's user (vcap) could redirect a bind mount of a host path outside bpm's own tree
// (unsafe.unrestricted_volumes, issue #10 item 4). runc mounts such a path by name, later: it is
// safe only when nothing on the way can be changed by the job. Checked with lstat, component by
// component from `/`: the path itself must not be a symlink; no directory on the way may let vcap
// replace the next entry (it can write there — owner, group or other bits — and no sticky bit
// protects an entry vcap does not own); a symlink on the way is followed only when root owns it,
// and its target is checked the same way. What passes can only change by root's hand.
import { lstatSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { User } from '../host-facts.ts';

export const GROUP_FILE = '/etc/group';
const S_ISVTX = 0o1000;
const MAX_LINKS = 40;

/** The job's user: its uid and every group it is in. */
export interface JobWriter {
  uid: number;
  gids: number[];
}

/** vcap's primary group plus the groups /etc/group lists it in. */
export function jobWriter(user: User, name = 'vcap', groupFile = GROUP_FILE): JobWriter {
  const gids = [user.gid];
  let text = '';
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    // no group file: the primary group only
  }
  for (const line of text.split('\n')) {
    const [, , gid, members] = line.split(':');
    if (members?.split(',').includes(name)) gids.push(Number(gid));
  }
  return { uid: user.uid, gids };
}

function writableBy(st: Stats, w: JobWriter): boolean {
  if (st.uid === w.uid) return true; // the owner may chmod it writable anyway
  if (w.gids.includes(st.gid)) return (st.mode & 0o020) !== 0;
  return (st.mode & 0o002) !== 0;
}

/** vcap can rename or remove `entry` in `dir` (and put something else there). */
function canReplace(dir: Stats, entry: Stats, w: JobWriter): boolean {
  if (!writableBy(dir, w)) return false;
  return (dir.mode & S_ISVTX) === 0 || entry.uid === w.uid || dir.uid === w.uid;
}

/** Why vcap could redirect a mount of `path` (absolute), or undefined when it cannot. */
export function jobRedirect(path: string, w: JobWriter, links = 0): string | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let dir = '/';
  let dirSt = lstatSync('/');
  for (let k = 0; k < parts.length; k++) {
    const here = join(dir, parts[k] as string);
    let st: Stats;
    try {
      st = lstatSync(here);
    } catch {
      return `${here} cannot be checked`;
    }
    if (canReplace(dirSt, st, w)) return `vcap can replace ${here} (it can write ${dir})`;
    if (st.isSymbolicLink()) {
      if (k === parts.length - 1) return `${here} is a symlink`;
      if (st.uid !== 0) return `${here} is a symlink owned by uid ${st.uid}`;
      if (links >= MAX_LINKS) return `${here}: too many levels of symbolic links`;
      const target = resolve(dirname(here), readlinkSync(here));
      return jobRedirect(join(target, ...parts.slice(k + 1)), w, links + 1);
    }
    dir = here;
    dirSt = st;
  }
  return undefined;
}
