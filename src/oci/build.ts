// buildSpec: SpecInput → the OCI config.json content (docs/behaviour/container.md §2–5). Pure: no fs, env or
// clock.
import { JobPaths } from '../bosh/paths.ts';
import { boshMounts, systemMounts, unrestrictedMounts, volumeMount } from './bind-mounts.ts';
import { buildCapabilities } from './capabilities.ts';
import { cgroupsPath } from './cgroups-path.ts';
import { buildEnv } from './env.ts';
import { fixedMounts } from './fixed-mounts.ts';
import type { SpecInput } from './input.ts';
import { dedupAndSort } from './mount-order.ts';
import { buildResources, buildRlimits } from './resources.ts';
import { seccompProfile } from './seccomp.ts';
import type { OciLinux, OciMount, OciNamespace, OciProcess, OciSpec } from './types.ts';

const OCI_VERSION = '1.3.0';

const MASKED_PATHS: readonly string[] = [
  '/etc/sv',
  '/proc/kcore',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/firmware',
];

const READONLY_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

export interface BuiltSpec {
  spec: OciSpec;
  /** Destinations of bind mounts dropped as duplicates (for `duplicate-mount` log lines). */
  duplicateMounts: string[];
}

function buildProcess(input: SpecInput, privileged: boolean): OciProcess {
  const { process: p, paths } = input;
  const proc: OciProcess = {
    user: privileged ? { uid: 0, gid: 0 } : { uid: input.user.uid, gid: input.user.gid, username: 'vcap' },
    args: [JobPaths.internalTini, '-w', '-s', '--', p.executable, ...p.args],
    env: buildEnv(p.env, paths),
    cwd: p.workdir !== '' ? p.workdir : paths.internalJobDir,
    capabilities: buildCapabilities(p.capabilities, privileged),
  };
  const rlimits = buildRlimits(p.limits);
  if (rlimits.length > 0) proc.rlimits = rlimits;
  if (!privileged) proc.noNewPrivileges = true;
  return proc;
}

function buildMounts(input: SpecInput): { mounts: OciMount[]; duplicates: string[] } {
  const bosh = boshMounts(input.paths, input.process);
  const collected = [
    ...systemMounts(input.features),
    ...bosh,
    ...input.process.additionalVolumes.map(volumeMount),
    ...unrestrictedMounts(input.unrestrictedVolumes, bosh),
  ];
  const { mounts, duplicates } = dedupAndSort(collected);
  const sources = input.mountSources;
  const staged =
    sources === undefined
      ? mounts
      : mounts.map((m) => {
          const source = m.source === undefined ? undefined : sources.get(m.source);
          return source === undefined ? m : { ...m, source };
        });
  return { mounts: [...fixedMounts(), ...staged], duplicates };
}

function buildLinux(input: SpecInput, privileged: boolean): OciLinux {
  const { process: p, features } = input;
  const linux: OciLinux = { resources: buildResources(p.limits, features.swapLimit) };
  const cgroups = cgroupsPath(features.ownCgroup, features.systemd, input.containerId);
  if (cgroups !== undefined) linux.cgroupsPath = cgroups;
  const namespaces: OciNamespace[] = [{ type: 'ipc' }, { type: 'mount' }, { type: 'uts' }];
  if (!p.unsafe?.hostPidNamespace) namespaces.push({ type: 'pid' });
  linux.namespaces = namespaces;
  if (!privileged && features.seccomp) linux.seccomp = seccompProfile();
  linux.rootfsPropagation = 'private';
  if (!privileged) {
    linux.maskedPaths = [...MASKED_PATHS];
    linux.readonlyPaths = [...READONLY_PATHS];
  }
  return linux;
}

/** Privileged mode: every mount, fixed or bind, loses `nosuid` (docs/behaviour/container.md §5). */
function dropNosuid(mounts: OciMount[]): OciMount[] {
  return mounts.map((m) => (m.options ? { ...m, options: m.options.filter((o) => o !== 'nosuid') } : m));
}

export function buildSpec(input: SpecInput): BuiltSpec {
  const privileged = input.process.unsafe?.privileged ?? false;
  const { mounts, duplicates } = buildMounts(input);
  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process: buildProcess(input, privileged),
    root: { path: input.paths.rootfs(input.process.name) },
    mounts: privileged ? dropNosuid(mounts) : mounts,
    linux: buildLinux(input, privileged),
  };
  return { spec, duplicateMounts: duplicates };
}
