// The bind mounts of a container in collection order (docs/behaviour/container.md §3.3–3.5): system identity
// mounts, BOSH mounts, additional volumes, unrestricted volumes.
import { JobPaths } from '../bosh/paths.ts';
import type { ProcessConfig, Volume } from '../config/types.ts';
import type { HostFeatures } from '../host-facts.ts';
import { bindMount } from './bind-mount.ts';
import { isAtOrBelow } from './path-within.ts';
import type { OciMount } from './types.ts';

const SYSTEM_DIRS = ['/bin', '/etc', '/lib', '/lib64', '/sbin', '/usr'];

export function systemMounts(features: HostFeatures): OciMount[] {
  const ro = { recursive: false, exec: true, writable: false };
  const mounts = SYSTEM_DIRS.map((d) => bindMount(d, d, ro));
  const resolv = { recursive: false, exec: false, writable: false };
  if (features.resolvconf) mounts.push(bindMount('/run/resolvconf', '/run/resolvconf', resolv));
  if (features.systemdResolve) mounts.push(bindMount('/run/systemd/resolve', '/run/systemd/resolve', resolv));
  return mounts;
}

/** External source on the host, internal destination in the container. */
export function boshMounts(paths: JobPaths, process: ProcessConfig): OciMount[] {
  const rw = { recursive: true, exec: false, writable: true };
  const roExec = { recursive: false, exec: true, writable: false };
  const root = paths.rootPaths;
  const mounts = [
    bindMount(paths.tmpDir, '/tmp', rw),
    bindMount(paths.tmpDir, '/var/tmp', rw),
    bindMount(paths.tmpDir, paths.internalTmpDir, rw),
    bindMount(root.dataPackagesDir, JobPaths.internalDataPackagesDir, roExec),
    bindMount(root.packagesDir, JobPaths.internalPackagesDir, roExec),
    bindMount(paths.jobDir, paths.internalJobDir, roExec),
    bindMount(paths.logDir, paths.internalLogDir, rw),
  ];
  if (process.ephemeralDisk) mounts.push(bindMount(paths.dataDir, paths.internalDataDir, rw));
  if (process.persistentDisk) mounts.push(bindMount(paths.storeDir, paths.internalStoreDir, rw));
  return mounts;
}

/** Identity mount of a user volume: always recursive, exec/rw per the volume. */
export function volumeMount(v: Volume): OciMount {
  return bindMount(v.path, v.path, { recursive: true, exec: v.allowExecutions, writable: v.writable });
}

/**
 * Unrestricted volumes (already glob-expanded) minus those equal to or below any BOSH mount's
 * internal destination, compared component by component.
 */
export function unrestrictedMounts(volumes: readonly Volume[], bosh: readonly OciMount[]): OciMount[] {
  const guarded = bosh.map((m) => m.destination);
  return volumes.filter((v) => !guarded.some((g) => isAtOrBelow(v.path, g))).map(volumeMount);
}
