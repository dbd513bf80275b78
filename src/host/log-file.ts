// bpm's log files (bpm.log, PROC.stdout.log, PROC.stderr.log): append, create, O_NOFOLLOW, 0600,
// fchown to vcap on every open. A symlink at the path is refused (docs/behaviour/paths.md; policy since
// 1.4.30).
import { closeSync, constants, fchownSync, openSync } from 'node:fs';
import { BpmError } from '../errors.ts';
import type { User } from '../oci/input.ts';
import { errnoText, goPathError, hasCode } from '../sys/errno.ts';

const FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Open `path` for appending and give it to `user`; returns the descriptor (the caller closes it).
 * Errors: `refusing to open symlink at <path>: too many levels of symbolic links`,
 * `open <path>: <text>`, `chown <path>: <text>`.
 */
export function openLogFile(path: string, user: User): number {
  let fd: number;
  try {
    fd = openSync(path, FLAGS, 0o600);
  } catch (err) {
    if (hasCode(err, 'ELOOP')) {
      throw new BpmError(`refusing to open symlink at ${path}: ${errnoText('ELOOP')}`, { cause: err });
    }
    throw goPathError('open', path, err);
  }
  try {
    fchownSync(fd, user.uid, user.gid);
  } catch (err) {
    closeSync(fd);
    throw goPathError('chown', path, err);
  }
  return fd;
}
