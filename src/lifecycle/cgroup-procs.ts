// The processes of a container whose runc state is lost, found through its cgroups: runc cannot
// kill what it has no state for, so broken-state recovery kills them itself (docs/behaviour/policy.md fix
// #5).
import { readFileSync } from 'node:fs';
import { readMountinfo } from '../host/mountinfo.ts';
import type { HostFeatures } from '../host-facts.ts';
import { cgroupsPath as specCgroupsPath } from '../oci/cgroups-path.ts';
import { waitForExit } from '../sys/wait-exit.ts';
import type { ProcessRef } from './process-ref.ts';

/** The cgroupsPath the container was created with: from its bundle, else computed as the spec would. */
function containerCgroupPaths(ref: ProcessRef, features: HostFeatures): string[] {
  const paths = new Set<string>();
  try {
    const spec = JSON.parse(readFileSync(ref.paths.configJson(ref.proc), 'utf8')) as {
      linux?: { cgroupsPath?: unknown };
    };
    if (typeof spec.linux?.cgroupsPath === 'string') paths.add(spec.linux.cgroupsPath);
  } catch {
    // no readable bundle: fall back to what the spec builder would compute
  }
  const computed = specCgroupsPath(features.ownCgroup, features.systemd, ref.cid);
  if (computed !== undefined) paths.add(computed);
  paths.add(`/${ref.cid}`); // runc's default placement when no path is given
  return [...paths].map(toFsPath);
}

/** A systemd `slice:prefix:name` path lives at `/<slice>/<prefix>-<name>.scope`. */
function toFsPath(p: string): string {
  const parts = p.split(':');
  if (parts.length === 3 && !p.startsWith('/')) return `/${parts[0]}/${parts[1]}-${parts[2]}.scope`;
  return p;
}

function readPids(file: string): number[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

/** Pids in the container's cgroups, over every mounted cgroup hierarchy. */
export function containerPids(ref: ProcessRef, features: HostFeatures): number[] {
  const pids = new Set<number>();
  const hierarchies = readMountinfo().filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2');
  for (const rel of containerCgroupPaths(ref, features)) {
    for (const h of hierarchies) {
      for (const pid of readPids(`${h.mountPoint}${rel}/cgroup.procs`)) pids.add(pid);
    }
  }
  return [...pids];
}

/** SIGKILL every process left in the container's cgroups and wait (briefly) until they are gone. */
export async function killContainerProcesses(ref: ProcessRef, features: HostFeatures): Promise<void> {
  const pids = containerPids(ref, features);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(pids.map((pid) => waitForExit(pid, 2000)));
}
