// The OCI bundle on disk (docs/behaviour/container.md §1): B = R/data/bpm/bundles/JOB/PROC (0700, the JOB
// level too), B/rootfs (0755, empty), B/config.json (0600) written atomically — a temporary file in B renamed
// over config.json (docs/behaviour/policy.md fix #6), so runc never reads a half-written or stale-tailed
// spec.
//
// A bundle may outlive its container: the supervisor keeps a stopped process's bundle (the
// Operation's keepBundles, src/lifecycle/remove.ts), where `bpm stop` removes it as upstream does.
// writeBundle reuses a bundle whose config.json already holds the very spec, when the caller says
// the container could not have written into its root (src/oci/root-writable.ts): its rootfs then
// holds only the mount points runc made for that spec's mounts, which the next `runc run` finds in
// place instead of making them again (docs/performance.md, "The supervisor", change 15). Any other
// bundle (another config.json, none, or a root the container could write) gets an empty rootfs
// before the new spec is written, so a container never sees what an earlier one had in its root.
//
// Errors: writeBundle rejects with a BpmError `bundle build failure: <cause>` (final text of this step).
// removeBundle rejects with the bare Go-style cause; a missing bundle is fine.
import type { JobPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { readTextOnPool } from './pool-fs.ts';
import { mkdirAllOnPool, writeFileAtomicOnPool } from './pool-write.ts';
import { removeTree } from './remove-tree.ts';

/** The bundle's config.json; undefined when there is none or it cannot be read (it is written anew). */
async function currentSpec(file: string): Promise<string | undefined> {
  try {
    return await readTextOnPool(file);
  } catch {
    return undefined;
  }
}

/**
 * Create the bundle of `proc` with its serialised spec, or keep it when `reusable` and it already
 * holds that spec (see above); every call is a request on libuv's worker pool
 * (src/host/pool-write.ts), so the supervisor's thread goes on with other processes. True when the
 * bundle was kept.
 */
export async function writeBundle(
  paths: JobPaths,
  proc: string,
  specJson: string,
  reusable = false,
): Promise<boolean> {
  try {
    const dir = paths.bundle(proc);
    const rootfs = paths.rootfs(proc);
    if (reusable && (await currentSpec(paths.configJson(proc))) === specJson) {
      await mkdirAllOnPool(rootfs, 0o755);
      return true;
    }
    await mkdirAllOnPool(dir, 0o700); // and the levels above it, the JOB level too, 0700
    await removeTree(rootfs); // an earlier spec's mount points; none on a first start
    await mkdirAllOnPool(rootfs, 0o755);
    await writeFileAtomicOnPool(paths.configJson(proc), specJson, dir);
    return false;
  } catch (err) {
    throw new BpmError(`bundle build failure: ${messageOf(err)}`, { cause: err });
  }
}

/** `rm -rf` the bundle of `proc`, off the main thread (src/host/remove-tree.ts). */
export function removeBundle(paths: JobPaths, proc: string): Promise<void> {
  return removeTree(paths.bundle(proc));
}
