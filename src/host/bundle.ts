// The OCI bundle on disk (docs/behaviour/container.md §1): B = R/data/bpm/bundles/JOB/PROC (0700, the JOB
// level too), B/rootfs (0755, empty), B/config.json (0600) written atomically — a temporary file in B renamed
// over config.json (docs/behaviour/policy.md fix #6), so runc never reads a half-written or stale-tailed
// spec.
//
// Errors: writeBundle rejects with a BpmError `bundle build failure: <cause>` (final text of this step).
// removeBundle rejects with the bare Go-style cause; a missing bundle is fine.
import type { JobPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { mkdirAllOnPool, writeFileAtomicOnPool } from './pool-write.ts';
import { removeTree } from './remove-tree.ts';

/**
 * Create the bundle of `proc` and write its serialised spec; every call is a request on libuv's
 * worker pool (src/host/pool-write.ts), so the supervisor's thread goes on with other processes.
 */
export async function writeBundle(paths: JobPaths, proc: string, specJson: string): Promise<void> {
  try {
    const dir = paths.bundle(proc);
    await mkdirAllOnPool(dir, 0o700); // and the levels above it, the JOB level too, 0700
    await mkdirAllOnPool(paths.rootfs(proc), 0o755);
    await writeFileAtomicOnPool(paths.configJson(proc), specJson, dir);
  } catch (err) {
    throw new BpmError(`bundle build failure: ${messageOf(err)}`, { cause: err });
  }
}

/** `rm -rf` the bundle of `proc`, off the main thread (src/host/remove-tree.ts). */
export function removeBundle(paths: JobPaths, proc: string): Promise<void> {
  return removeTree(paths.bundle(proc));
}
