// bpm.yml → a Kubernetes Pod that runs the job's processes with the same guarantees as far as
// Kubernetes can express them (docs/export-k8s.md). Pure: globs are expanded by the caller.
// Whatever Kubernetes cannot express is returned in `notExpressible` (and put in an annotation),
// never silently dropped.
import type { JobPaths } from '../bosh/paths.ts';
import { parseMemoryLimit } from '../config/memory.ts';
import type { JobConfig, ProcessConfig, Volume } from '../config/types.ts';
import { ConfigError, messageOf } from '../errors.ts';
import type { User } from '../host-facts.ts';
import { boshMounts, systemMounts, unrestrictedMounts, volumeMount } from '../oci/bind-mounts.ts';
import { buildEnv } from '../oci/env.ts';
import type { OciMount } from '../oci/types.ts';
import { dnsLabel, uniqueNamer } from './k8s-names.ts';
import { byteQuantity } from './k8s-quantity.ts';
import type { K8sContainer, K8sPod, K8sSecurityContext, K8sVolume, K8sVolumeMount } from './k8s-types.ts';

const ANNOTATION_PREFIX = 'bpm.bosh.io';
export const NOT_EXPRESSIBLE_ANNOTATION = `${ANNOTATION_PREFIX}/not-expressible`;
/** bpm waits 20 s after the shutdown signal before escalating (docs/behaviour/policy.md fix #8). */
const GRACE_SECONDS = 20;

export interface PodInput {
  job: string;
  config: JobConfig;
  paths: JobPaths;
  image: string;
  /** vcap on the host (or the documented default). */
  user: User;
  /** unsafe.unrestricted_volumes of each process (by index), glob-expanded, each with its volume's options. */
  unrestricted: readonly (readonly Volume[])[];
}

export interface PodExport {
  pod: K8sPod;
  notExpressible: string[];
}

interface VolumeTable {
  volumes: K8sVolume[];
  /** Pod volume name by key (`tmp`, `host:/path`, …), created on first use. */
  nameFor(key: string, make: (name: string) => K8sVolume, hint: string): string;
}

function volumeTable(): VolumeTable {
  const volumes: K8sVolume[] = [];
  const byKey = new Map<string, string>();
  const namer = uniqueNamer();
  return {
    volumes,
    nameFor(key, make, hint) {
      const known = byKey.get(key);
      if (known !== undefined) return known;
      const name = namer(hint);
      byKey.set(key, name);
      volumes.push(make(name));
      return name;
    },
  };
}

const emptyDir = (name: string): K8sVolume => ({ name, emptyDir: {} });

function memoryLimit(p: ProcessConfig, i: number, config: JobConfig): bigint | undefined {
  if (p.limits?.memory === undefined) return undefined;
  try {
    return parseMemoryLimit(p.limits.memory);
  } catch (err) {
    const field = `processes[${i}].limits.memory`;
    const at = config.locate(field);
    throw new ConfigError(messageOf(err), at === undefined ? undefined : { ...at, field });
  }
}

function securityContext(p: ProcessConfig, user: User): K8sSecurityContext {
  if (p.unsafe?.privileged) {
    return {
      runAsUser: 0,
      runAsGroup: 0,
      privileged: true,
      allowPrivilegeEscalation: true,
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'Unconfined' },
    };
  }
  const ctx: K8sSecurityContext = {
    runAsUser: user.uid,
    runAsGroup: user.gid,
    ...(user.uid !== 0 ? { runAsNonRoot: true } : {}),
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  if (p.capabilities.length > 0) ctx.capabilities = { drop: ['ALL'], add: [...new Set(p.capabilities)] };
  return ctx;
}

/** The container's volume mounts, in bpm's collection order, duplicates dropped as bpm does. */
function mountsFor(
  p: ProcessConfig,
  unrestricted: readonly Volume[],
  paths: JobPaths,
  table: VolumeTable,
  job: string,
): { mounts: K8sVolumeMount[]; noexec: string[]; shared: string[] } {
  const bosh = boshMounts(paths, p);
  const seen = new Set<string>(
    systemMounts({
      swapLimit: false,
      seccomp: true,
      systemd: false,
      resolvconf: false,
      systemdResolve: false,
    }).map((m) => m.destination),
  );
  const mounts: K8sVolumeMount[] = [];
  const noexec: string[] = [];
  const add = (m: OciMount, volume: string): void => {
    if (seen.has(m.destination)) return;
    seen.add(m.destination);
    const mount: K8sVolumeMount = { name: volume, mountPath: m.destination };
    if (m.options?.includes('ro')) mount.readOnly = true;
    mounts.push(mount);
    if (m.options?.includes('noexec')) noexec.push(m.destination);
  };
  for (const m of bosh) {
    const d = m.destination;
    if (d === '/tmp' || d === '/var/tmp' || d === paths.internalTmpDir)
      add(m, table.nameFor('tmp', emptyDir, 'tmp'));
    else if (d === paths.internalLogDir) add(m, table.nameFor('log', emptyDir, 'log'));
    else if (d === paths.internalDataDir) add(m, table.nameFor('data', emptyDir, 'ephemeral-disk'));
    else if (d === paths.internalStoreDir) {
      const claim = `${dnsLabel(job)}-store`;
      add(
        m,
        table.nameFor(
          'store',
          (name) => ({ name, persistentVolumeClaim: { claimName: claim } }),
          'persistent-disk',
        ),
      );
    }
    // jobs/JOB, packages and data/packages come from the image (read-only root file system);
    // their destinations stay taken, so volumes repeating them are dropped as bpm drops them.
    else seen.add(d);
  }
  const hostVolume =
    (path: string, type?: string) =>
    (name: string): K8sVolume =>
      type === undefined ? { name, hostPath: { path } } : { name, hostPath: { path, type } };
  for (const v of p.additionalVolumes) {
    add(
      volumeMount(v),
      table.nameFor(
        `host:${v.path}`,
        hostVolume(v.path, v.mountOnly ? undefined : 'DirectoryOrCreate'),
        `volume-${v.path}`,
      ),
    );
  }
  for (const m of unrestrictedMounts(unrestricted, bosh)) {
    add(
      m,
      table.nameFor(`host:${m.destination}`, hostVolume(m.destination), `unrestricted-${m.destination}`),
    );
  }
  const shared = p.additionalVolumes.filter((v) => v.shared).map((v) => v.path);
  return { mounts, noexec, shared };
}

function envOf(p: ProcessConfig, paths: JobPaths): { name: string; value: string }[] {
  return buildEnv(p.env, paths).map((kv) => {
    const eq = kv.indexOf('=');
    return { name: kv.slice(0, eq), value: kv.slice(eq + 1) };
  });
}

export function buildPod(input: PodInput): PodExport {
  const { job, config, paths, image, user } = input;
  const notes: string[] = [];
  const table = volumeTable();
  const containerName = uniqueNamer();
  const containers: K8sContainer[] = [];
  const initContainers: K8sContainer[] = [];
  const pidHost = config.processes.filter((p) => p.unsafe?.hostPidNamespace === true);

  config.processes.forEach((p, i) => {
    const name = containerName(p.name);
    const note = (text: string): void => {
      notes.push(`${p.name}: ${text}`);
    };
    if (name !== p.name) note(`container name ${name} stands for process ${JSON.stringify(p.name)}`);
    const { mounts, noexec, shared } = mountsFor(p, input.unrestricted[i] ?? [], paths, table, job);
    const memory = memoryLimit(p, i, config);
    const c: K8sContainer = {
      name,
      image,
      command: [p.executable],
      ...(p.args.length > 0 ? { args: [...p.args] } : {}),
      env: envOf(p, paths),
      workingDir: p.workdir !== '' ? p.workdir : paths.internalJobDir,
      securityContext: securityContext(p, user),
      ...(memory !== undefined && memory > 0n
        ? { resources: { limits: { memory: byteQuantity(memory) } } }
        : {}),
      volumeMounts: mounts,
    };
    containers.push(c);

    if (!p.unsafe?.privileged)
      note("bpm's seccomp allow-list is approximated by the runtime's default profile (RuntimeDefault)");
    if (p.limits?.processes !== undefined)
      note(`limits.processes=${p.limits.processes}: no per-container pids limit in Kubernetes`);
    if (p.limits?.openFiles !== undefined)
      note(`limits.open_files=${p.limits.openFiles}: no per-container RLIMIT_NOFILE in Kubernetes`);
    if (p.limits?.coreFileSize !== undefined)
      note(`limits.core_file_size=${p.limits.coreFileSize}: no per-container RLIMIT_CORE in Kubernetes`);
    if (memory === 0n) note('limits.memory=0 means no limit under runc; no limit is set');
    if (noexec.length > 0)
      note(`noexec on volumes: ${noexec.join(', ')} (Kubernetes cannot mount volumes noexec)`);
    if (shared.length > 0) note(`shared volumes (mount propagation to the host): ${shared.join(', ')}`);
    if (p.shutdownSignal === 'INT') note('shutdown_signal INT: Kubernetes always sends SIGTERM');
    if (pidHost.length > 0 && pidHost.length < config.processes.length && !pidHost.includes(p)) {
      note('hostPID is pod-wide: this process also sees the host pid namespace');
    }
    const hook = p.hooks?.preStart ?? '';
    if (hook !== '') {
      initContainers.push({
        name: containerName(`${p.name}-pre-start`),
        image,
        command: [hook],
        env: c.env,
        workingDir: c.workingDir,
        securityContext: {
          runAsUser: 0,
          runAsGroup: 0,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: mounts,
      });
      note(
        'pre_start runs on the host as root under bpm; here it is an init container running as root inside the pod',
      );
    }
  });
  if (config.processes.some((p) => (p.unsafe?.unrestrictedVolumes.length ?? 0) > 0)) {
    notes.push('*: unrestricted volume globs were expanded on the exporting host');
  }
  notes.push(
    `*: the stop escalation (SIGQUIT ${GRACE_SECONDS} s after the shutdown signal, SIGKILL 2 s later) becomes SIGKILL after ${GRACE_SECONDS} s`,
  );

  const annotations: Record<string, string> = { [`${ANNOTATION_PREFIX}/job`]: job };
  if (notes.length > 0) annotations[NOT_EXPRESSIBLE_ANNOTATION] = notes.join('\n');
  const pod: K8sPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: dnsLabel(job, 253),
      labels: { 'app.kubernetes.io/name': dnsLabel(job), 'app.kubernetes.io/managed-by': 'bpm' },
      annotations,
    },
    spec: {
      hostPID: pidHost.length > 0,
      shareProcessNamespace: false,
      hostNetwork: true,
      dnsPolicy: 'Default',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: GRACE_SECONDS,
      ...(initContainers.length > 0 ? { initContainers } : {}),
      containers,
      volumes: table.volumes,
    },
  };
  return { pod, notExpressible: notes };
}
