// The OCI bundle on disk (docs/behaviour/container.md §1): B = R/data/bpm/bundles/JOB/PROC (0700, the JOB
// level too), B/rootfs (0755, empty), B/config.json (0600) written atomically — a temporary file in B renamed
// over config.json (docs/behaviour/policy.md fix #6), so runc never reads a half-written or stale-tailed
// spec.
//
// Errors: writeBundle throws a BpmError `bundle build failure: <cause>` (final text of this step).
// removeBundle throws the bare Go-style cause; a missing bundle is fine.
import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { JobPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { goPathError } from '../sys/errno.ts';
import { mkdirAll } from './mkdir-all.ts';
import { removeAll } from './remove-all.ts';

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // The original error matters more than a leftover temporary file.
  }
}

/** Write `contents` to `file` (mode 0600) by temp file (`.NAME.*.tmp` in `dir`) + rename. */
export function writeFileAtomic(file: string, contents: string | Uint8Array, dir: string): void {
  // Unique per process and call; O_EXCL guards the rest (no node:crypto: ~3 ms to load).
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${process.hrtime.bigint()}.tmp`);
  let fd: number;
  try {
    fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (err) {
    throw goPathError('open', tmp, err);
  }
  try {
    const data = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw goPathError('write', tmp, err);
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    unlinkQuietly(tmp);
    throw goPathError('rename', tmp, err);
  }
}

/** Create the bundle of `proc` and write its serialised spec. */
export function writeBundle(paths: JobPaths, proc: string, specJson: string): void {
  try {
    const dir = paths.bundle(proc);
    mkdirAll(paths.bundlesDir, 0o700);
    mkdirAll(dir, 0o700);
    mkdirAll(paths.rootfs(proc), 0o755);
    writeFileAtomic(paths.configJson(proc), specJson, dir);
  } catch (err) {
    throw new BpmError(`bundle build failure: ${messageOf(err)}`, { cause: err });
  }
}

/** `rm -rf` the bundle of `proc`. */
export function removeBundle(paths: JobPaths, proc: string): void {
  const dir = paths.bundle(proc);
  removeAll(dir);
}
