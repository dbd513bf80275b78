// Where bpm keeps V8's code cache for its own bundle (src/startup/code-cache.ts, docs/performance.md).
// A root process that loads code cached in a directory another user can write would run that
// user's code as root, so the cache is used only when every directory on its real path is safe,
// and it is never a reason to fail.
//
// Safe: the cache directory itself is ours (owned by our effective uid, no group/other access);
// every ancestor is owned by root or us and either not writable by group/other, or sticky (then
// its child on the path must be owned by root or us, so nobody else can rename it away).
// The cache lives in R/data/bpm/cache; it is only created once R/data/bpm exists (made by an
// earlier pre-run), so commands that never run the pre-run (`--help`) create nothing.
import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { hasCode } from '../sys/errno.ts';

const GROUP_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

function ownedByTrusted(st: Stats, uid: number): boolean {
  return st.uid === 0 || st.uid === uid;
}

/** Whether `dir` (a real path) and all its ancestors are safe for `uid` (see the header). */
export function isSafeCacheDir(dir: string, uid: number): boolean {
  const self = lstatSync(dir);
  if (!self.isDirectory() || self.uid !== uid || (self.mode & 0o077) !== 0) return false;
  let child = self;
  for (let p = dir; p !== '/'; ) {
    p = p.slice(0, p.lastIndexOf('/')) || '/';
    const st = lstatSync(p);
    if (!st.isDirectory() || !ownedByTrusted(st, uid)) return false;
    if ((st.mode & GROUP_OTHER_WRITE) !== 0 && ((st.mode & STICKY) === 0 || !ownedByTrusted(child, uid))) {
      return false;
    }
    child = st;
  }
  return true;
}

/** The cache directory to use, or undefined when there is none or it is not safe. */
export function compileCacheDir(root: RootPaths, uid: number): string | undefined {
  let parent: string;
  try {
    parent = realpathSync(root.bpmDataDir);
  } catch {
    return undefined; // no R/data/bpm yet
  }
  const dir = `${parent}/${root.compileCacheDir.slice(root.bpmDataDir.length + 1)}`;
  try {
    mkdirSync(dir, 0o700);
  } catch (err) {
    if (!hasCode(err, 'EEXIST')) return undefined;
  }
  try {
    return isSafeCacheDir(dir, uid) ? dir : undefined;
  } catch {
    return undefined;
  }
}
