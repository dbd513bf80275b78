// Builders for SpecInput in tests (not a test file itself).
import { RootPaths } from '../../src/bosh/paths.ts';
import { emptyProcess } from '../../src/config/decode-job.ts';
import type { ProcessConfig, Volume } from '../../src/config/types.ts';
import type { HostFeatures } from '../../src/host-facts.ts';
import type { SpecInput } from '../../src/oci/input.ts';

export function volume(path: string, o: Partial<Volume> = {}): Volume {
  return { path, writable: false, allowExecutions: false, mountOnly: false, shared: false, ...o };
}

/** docs/behaviour/container.md §7's process `myjob`. */
export function myjobProcess(): ProcessConfig {
  return {
    name: 'myjob',
    executable: '/bin/bash',
    args: ['-c', 'sleep 1000'],
    env: new Map([['FOO', 'bar']]),
    workdir: '',
    capabilities: [],
    limits: { memory: '256M', openFiles: 1000n, processes: 50n },
    ephemeralDisk: true,
    persistentDisk: false,
    additionalVolumes: [volume('/var/vcap/data/shared', { writable: true })],
    shutdownSignal: '',
  };
}

/** A process with nothing optional set. */
export function bareProcess(name = 'web'): ProcessConfig {
  return { ...emptyProcess(), name, executable: '/bin/server' };
}

/** Non-systemd host, swap accounting on, bpm in cgroup `/`, no resolvconf dirs (§7's host). */
export function features(o: Partial<HostFeatures> = {}): HostFeatures {
  return {
    swapLimit: true,
    seccomp: true,
    systemd: false,
    ownCgroup: '/',
    resolvconf: false,
    systemdResolve: false,
    ...o,
  };
}

export function specInput(
  process: ProcessConfig,
  o: { job?: string; root?: string; features?: Partial<HostFeatures>; unrestricted?: Volume[] } = {},
): SpecInput {
  const job = o.job ?? process.name;
  return {
    job,
    process,
    containerId: job === process.name ? `bpm-${job}` : `bpm-${job}.2e${process.name}`,
    paths: new RootPaths(o.root ?? '/var/vcap').job(job),
    user: { uid: 1000, gid: 1000 },
    features: features(o.features),
    unrestrictedVolumes: o.unrestricted ?? [],
  };
}
