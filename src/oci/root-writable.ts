// Whether a container's process could write into its root directory: the bundle's rootfs, root's
// and 0755, holding only the mount points runc made there (root's too). Only a process running as
// root, or holding any capability (DAC_OVERRIDE, FOWNER, CHOWN and their kin; a privileged job has
// them all), could. A bundle is kept from one start to the next only when it could not, so that no
// container finds what an earlier one left in its root (src/host/bundle.ts).
import type { OciSpec } from './types.ts';

export function mayWriteItsRoot(spec: OciSpec): boolean {
  const process = spec.process;
  if (process === undefined || process.user.uid === 0) return true;
  const sets = Object.values(process.capabilities ?? {}) as Array<string[] | undefined>;
  return sets.some((set) => set !== undefined && set.length > 0);
}
