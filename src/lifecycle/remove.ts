// Remove a process (docs/behaviour/commands.md §10.3): force-delete the container, its bundle and its pid file; also
// any staging mounts a killed bpm left behind (src/host/staging.ts). Both removals run on libuv's
// worker pool; the caller holds the process's lifecycle lock until they are done, so no start of
// the same process meets a half-removed bundle. With `keepBundle` (the supervisor's operations) the
// bundle stays: the next start reuses it when its spec is unchanged, or empties its rootfs first
// (src/host/bundle.ts); it holds root's config.json and empty mount-point directories only.
import { removeBundle } from '../host/bundle.ts';
import type { Logger } from '../log/logger.ts';
import type { HostPort, RuncPort } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';

export async function removeProcess(
  ref: ProcessRef,
  runc: RuncPort,
  host: Pick<HostPort, 'clearStaging' | 'removePidFile'>,
  log: Logger,
  keepBundle = false,
): Promise<void> {
  log.info('forcefully-deleting-container');
  await runc.delete(ref.cid);
  if (!keepBundle) {
    log.info('destroying-bundle');
    await removeBundle(ref.paths, ref.proc);
  }
  await host.clearStaging(ref.paths, ref.proc);
  log.info('deleting-pidfile');
  host.removePidFile(ref.paths, ref.proc);
}
