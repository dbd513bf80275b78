// What `bpm logs` lets tail see. bpm runs tail as root, but the job owns its log directory: it can
// replace PROC.stdout.log with a symlink to any file root can read, and swap it in between bpm's
// check and tail's open. So the names tail is given must lead to files bpm has already opened
// itself, without following a link:
//
// 1. bpm's main thread moves to a private mount namespace (tail is forked from that thread);
// 2. there it opens each log file O_NOFOLLOW (a symlink: one clear error) and checks its type;
// 3. it covers the log directory with a small tmpfs holding one placeholder per log file, and
//    bind-mounts each opened file (through /proc/self/fd/N, the very inode) onto its placeholder.
//
// tail then gets upstream's argv (the same paths, so `==> path <==` headers and tail's messages
// are byte-identical), but whatever the job does to the names afterwards, the paths in this
// namespace lead to what was checked. The host's mounts are untouched and the namespace goes away
// with bpm and tail.
import { closeSync, constants, fstatSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BpmError, messageOf } from '../errors.ts';
import { errnoText, goPathError, hasCode, SysError } from '../sys/errno.ts';
import {
  MNT_DETACH,
  MS_BIND,
  MS_NODEV,
  MS_NOEXEC,
  MS_NOSUID,
  mount,
  privateMountNamespace,
  unmount,
} from '../sys/mount.ts';

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

interface OpenedLog {
  path: string;
  fd: number;
  isDirectory: boolean;
}

/**
 * Open `path` for reading without following a symlink at it. Errors: `refusing to open symlink
 * at <path>: too many levels of symbolic links`, `refusing to read <path>: not a regular file`
 * (a FIFO would block tail), `open <path>: <text>`. A directory passes: tail reports it as before.
 */
function openLog(path: string): OpenedLog {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (err) {
    if (hasCode(err, 'ELOOP')) {
      throw new BpmError(`refusing to open symlink at ${path}: ${errnoText('ELOOP')}`, { cause: err });
    }
    throw goPathError('open', path, err);
  }
  const st = fstatSync(fd);
  if (!st.isFile() && !st.isDirectory()) {
    closeSync(fd);
    throw new BpmError(`refusing to read ${path}: not a regular file`);
  }
  return { path, fd, isDirectory: st.isDirectory() };
}

/** Cover `logDir` with a tmpfs and bind each opened log onto a placeholder of its name. */
function pin(logDir: string, logs: readonly OpenedLog[]): void {
  mount('tmpfs', logDir, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, 'mode=0755,size=64k,nr_inodes=64');
  try {
    for (const log of logs) {
      const placeholder = join(logDir, basename(log.path));
      if (log.isDirectory) mkdirSync(placeholder);
      else writeFileSync(placeholder, '', { flag: 'wx' });
      mount(`/proc/self/fd/${log.fd}`, placeholder, null, MS_BIND, null);
    }
  } catch (err) {
    unmount(logDir, MNT_DETACH);
    throw err;
  }
}

/** Attempts before giving up on log files that are replaced faster than bpm can pin them. */
const ATTEMPTS = 5;

/**
 * Make `files` (all in one directory) lead, for child processes started afterwards, to the files
 * that are there now, opened without following links. Throws the first refusal.
 */
export function pinLogFiles(files: readonly string[]): void {
  const logDir = dirname(files[0] ?? '.');
  if (files.some((f) => dirname(f) !== logDir)) throw new Error('log files must share one directory');
  const failed = (err: unknown): BpmError =>
    new BpmError(`failed to pin the log files in ${logDir}: ${messageOf(err)}`, { cause: err });
  try {
    privateMountNamespace();
  } catch (err) {
    throw failed(err);
  }
  for (let attempt = 1; ; attempt++) {
    const logs: OpenedLog[] = [];
    try {
      for (const f of files) logs.push(openLog(f));
      pin(logDir, logs);
      return;
    } catch (err) {
      if (!(err instanceof SysError)) throw err; // a refusal: its one line says it all
      // ENOENT: a name bpm opened was replaced before its bind mount (a bind needs a linked
      // dentry); open again. A job that keeps replacing its logs only keeps them from being shown.
      if (err.code !== 'ENOENT') throw failed(err);
      if (attempt === ATTEMPTS) throw failed(`they were replaced ${ATTEMPTS} times while bpm opened them`);
    } finally {
      for (const log of logs) closeSync(log.fd);
    }
  }
}
