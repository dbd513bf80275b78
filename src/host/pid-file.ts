// The pid file R/sys/run/bpm/JOB/PROC.pid when bpm writes it itself (a running container whose pid
// file is missing or stale, repaired by `bpm start`); runc writes it otherwise. Written as runc
// does: a temporary PROC.pid.<bpm pid>.tmp created with O_CREAT|O_EXCL|O_NOFOLLOW (mode 0644)
// beside it, renamed over it, no newline. The pid dir is reached with openBeneath (root-owned 0700
// levels created if missing) and both files are opened relative to its descriptor, so a link
// planted at either name, or at the directory, is never followed (issue #10 item 3).
import { closeSync, constants, readSync, unlinkSync, writeSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import { remove } from '../go/os.ts';
import { fdPath, openAt, renameAt } from '../sys/at.ts';
import { assertInsideRoot } from './inside-root.ts';
import { openBeneath } from './open-beneath.ts';

/** The pid file's contents; a symlink there is an error (ELOOP), a FIFO reads as nothing. */
export function readPidFile(paths: JobPaths, proc: string): string {
  const dir = openBeneath(paths.rootPaths.root, paths.pidDir);
  try {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    const fd = openAt(dir, `${proc}.pid`, flags, 0, paths.pidFile(proc));
    try {
      const buf = Buffer.alloc(64);
      return buf.subarray(0, readSync(fd, buf)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } finally {
    closeSync(dir);
  }
}

/** Replace the pid file of `proc` with `pid`. Errors are Go-worded SysErrors. */
export function writePidFile(paths: JobPaths, proc: string, pid: number): void {
  const dir = openBeneath(paths.rootPaths.root, paths.pidDir, { create: 0o700 });
  const tmp = `${proc}.pid.${process.pid}.tmp`;
  const shownTmp = `${paths.pidDir}/${tmp}`;
  try {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fd = openAt(dir, tmp, flags, 0o644, shownTmp);
    try {
      const data = Buffer.from(String(pid));
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off);
    } catch (err) {
      closeSync(fd);
      unlinkSync(`${fdPath(dir)}/${tmp}`);
      throw err;
    }
    closeSync(fd);
    renameAt(dir, tmp, `${proc}.pid`, shownTmp);
  } finally {
    closeSync(dir);
  }
}

/** Delete R/sys/run/bpm/JOB/PROC.pid (the name only: unlink follows no link); a missing file is fine. */
export function removePidFile(paths: JobPaths, proc: string): void {
  assertInsideRoot(paths.rootPaths.root, paths.pidDir);
  remove(paths.pidFile(proc));
}
