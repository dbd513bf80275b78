// bpm's log files (bpm.log, PROC.stdout.log, PROC.stderr.log): append, create, O_NOFOLLOW, 0600,
// fchown to vcap on every open. A symlink at the path is refused (docs/behaviour/paths.md; policy
// since 1.4.30). The job owns the log directory, so what is found there is checked on the open
// descriptor before root gives it to vcap: only a regular file with one link (not a FIFO whose
// writes would block forever, not a hard link to a file elsewhere) is accepted.
import { closeSync, constants, fchownSync, fstatSync, openSync, writeSync } from 'node:fs';
import { BpmError } from '../errors.ts';
import type { User } from '../host-facts.ts';
import { errnoText, goPathError, hasCode } from '../sys/errno.ts';

const FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Throw unless the open `fd` is a regular file with a single link. */
function assertPlainFile(fd: number, path: string): void {
  const st = fstatSync(fd);
  if (!st.isFile()) throw new BpmError(`refusing to open ${path}: not a regular file`);
  if (st.nlink !== 1) throw new BpmError(`refusing to open ${path}: it has ${st.nlink} hard links`);
}

/**
 * Open `path` for appending and give it to `user`; returns the descriptor (the caller closes it).
 * `nonBlocking` adds O_NONBLOCK (bpm.log; the process logs are handed to the container as they are).
 * Errors: `refusing to open symlink at <path>: too many levels of symbolic links`,
 * `refusing to open <path>: not a regular file` (or `: it has N hard links`),
 * `open <path>: <text>`, `chown <path>: <text>`.
 */
export function openLogFile(path: string, user: User, nonBlocking = false): number {
  let fd: number;
  try {
    fd = openSync(path, FLAGS | (nonBlocking ? constants.O_NONBLOCK : 0), 0o600);
  } catch (err) {
    if (hasCode(err, 'ELOOP')) {
      throw new BpmError(`refusing to open symlink at ${path}: ${errnoText('ELOOP')}`, { cause: err });
    }
    throw goPathError('open', path, err);
  }
  try {
    assertPlainFile(fd, path);
    try {
      fchownSync(fd, user.uid, user.gid);
    } catch (err) {
      throw goPathError('chown', path, err);
    }
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/** Append `line` with one write(2) on `fd` (opened by openLogFile). Errors: `write <path>: <text>`. */
export function writeLogLine(fd: number, path: string, line: string): void {
  const buf = Buffer.from(line, 'utf8');
  try {
    writeSync(fd, buf, 0, buf.length);
  } catch (err) {
    throw goPathError('write', path, err);
  }
}
