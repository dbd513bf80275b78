// Remove a process (cli.md §10.3): force-delete the container, its bundle and its pid file.
import { rmSync } from 'node:fs';
import { removeBundle } from '../host/bundle.ts';
import { assertInsideRoot } from '../host/inside-root.ts';
import type { Logger } from '../log/logger.ts';
import type { RuncClient } from '../runc/client.ts';
import { goPathError } from '../sys/errno.ts';
import type { ProcessRef } from './context.ts';

export async function removeProcess(ref: ProcessRef, runc: RuncClient, log: Logger): Promise<void> {
  log.info('forcefully-deleting-container');
  await runc.delete(ref.cid);
  log.info('destroying-bundle');
  removeBundle(ref.paths, ref.proc);
  log.info('deleting-pidfile');
  removePidFile(ref);
}

/** Delete R/sys/run/bpm/JOB/PROC.pid; a missing file is fine. */
export function removePidFile(ref: ProcessRef): void {
  const file = ref.paths.pidFile(ref.proc);
  assertInsideRoot(ref.paths.rootPaths.root, ref.paths.pidDir);
  try {
    rmSync(file, { force: true });
  } catch (err) {
    throw goPathError('remove', file, err);
  }
}
