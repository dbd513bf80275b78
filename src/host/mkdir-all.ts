// Go's os.MkdirAll with Go-worded errors.
import { mkdirSync } from 'node:fs';
import { goPathError, hasCode, SysError } from '../sys/errno.ts';

/** `mkdir -p dir` with `mode` for every created level; a non-directory in the way is ENOTDIR. */
export function mkdirAll(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { recursive: true, mode });
  } catch (err) {
    if (hasCode(err, 'EEXIST')) throw new SysError('mkdir', 'ENOTDIR', dir);
    throw goPathError('mkdir', dir, err);
  }
}
