// Remove a process (docs/behaviour/commands.md §10.3): force-delete the container, its bundle and its pid file; also
// any staging mounts a killed bpm left behind (src/host/staging.ts).
import { removeBundle } from '../host/bundle.ts';
import type { Logger } from '../log/logger.ts';
import type { HostPort, RuncPort } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';

export async function removeProcess(
  ref: ProcessRef,
  runc: RuncPort,
  host: Pick<HostPort, 'clearStaging' | 'removePidFile'>,
  log: Logger,
): Promise<void> {
  log.info('forcefully-deleting-container');
  await runc.delete(ref.cid);
  log.info('destroying-bundle');
  removeBundle(ref.paths, ref.proc);
  host.clearStaging(ref.paths, ref.proc);
  log.info('deleting-pidfile');
  host.removePidFile(ref.paths, ref.proc);
}
