// Go's os.MkdirAll with Go-worded errors: the error names the level that failed (a file in the
// way: `mkdir <that file>: not a directory`), not the full path asked for.
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { goPathError, SysError } from '../sys/errno.ts';

function isDirectory(path: string, stat: typeof statSync): boolean | undefined {
  try {
    return stat(path).isDirectory();
  } catch {
    return undefined;
  }
}

/** `mkdir -p dir` with `mode` for every created level; a non-directory in the way is ENOTDIR. */
export function mkdirAll(dir: string, mode: number): void {
  const exists = isDirectory(dir, statSync);
  if (exists === true) return;
  if (exists === false) throw new SysError('mkdir', 'ENOTDIR', dir);
  let i = dir.length;
  while (i > 0 && dir[i - 1] === '/') i--;
  let j = i;
  while (j > 0 && dir[j - 1] !== '/') j--;
  if (j > 1) mkdirAll(dir.slice(0, j - 1), mode);
  try {
    mkdirSync(dir, mode);
  } catch (err) {
    // Lost a race, or "foo/.": Go double-checks with Lstat.
    if (isDirectory(dir, lstatSync) === true) return;
    throw goPathError('mkdir', dir, err);
  }
}
