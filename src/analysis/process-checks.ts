// Per-process rules of `bpm validate` beyond upstream's own validation (docs/validate.md).

import type { JobPaths } from '../bosh/paths.ts';
import { parseMemoryLimit } from '../config/memory.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import { cleanPath, joinPath } from '../go/path.ts';
import { validateProcessName } from '../ids/names.ts';
import { isKnownCapability, LINUX_CAPABILITIES } from './capability-names.ts';
import type { FindingSink } from './finding.ts';
import type { FileStatus, HostView } from './host-view.ts';
import { type AnalysedMount, hostPathOf } from './mounts.ts';
import { closest } from './suggest.ts';

/** Below this a container cannot reliably start (runc's init plus tini need a few MiB). */
const MEMORY_FLOOR_BYTES = 8n * 1024n * 1024n;

export function checkName(p: ProcessConfig, i: number, out: FindingSink): void {
  try {
    validateProcessName(p.name);
  } catch (err) {
    out.error(`processes[${i}].name`, 'process-name-invalid', messageOf(err), 'use a plain file name');
  }
}

export function checkCapabilities(p: ProcessConfig, i: number, out: FindingSink): void {
  p.capabilities.forEach((cap, j) => {
    const field = `processes[${i}].capabilities[${j}]`;
    if (cap.startsWith('CAP_')) {
      out.warning(
        field,
        'capability-cap-prefix',
        `capability ${JSON.stringify(cap)} has the CAP_ prefix: bpm prepends it again (CAP_${cap}), which runc rejects or ignores`,
        `write ${cap.slice(4)}`,
      );
      return;
    }
    if (isKnownCapability(cap)) return;
    const near = closest(cap, LINUX_CAPABILITIES);
    out.warning(
      field,
      'capability-unknown',
      `capability ${JSON.stringify(cap)} is not a Linux capability`,
      near !== undefined ? `did you mean ${near}?` : 'see capabilities(7) for the names (without CAP_)',
    );
  });
}

/** Memory limit format (upstream only checks it at start) and a floor below which nothing starts. */
export function checkMemory(p: ProcessConfig, i: number, out: FindingSink): void {
  const text = p.limits?.memory;
  if (text === undefined) return;
  const field = `processes[${i}].limits.memory`;
  let bytes: bigint;
  try {
    bytes = parseMemoryLimit(text);
  } catch (err) {
    out.error(field, 'memory-limit-invalid', messageOf(err), 'write a number and a unit, e.g. 256M or 1.5G');
    return;
  }
  if (bytes === 0n) {
    out.warning(
      field,
      'memory-limit-zero',
      `memory limit ${JSON.stringify(text)} is 0, which runc treats as no limit`,
    );
  } else if (bytes < MEMORY_FLOOR_BYTES) {
    out.warning(
      field,
      'memory-limit-too-low',
      `memory limit ${JSON.stringify(text)} (${bytes} bytes) is below 8 MiB, the least the runtime (runc init, tini) needs to start`,
      'raise it to at least 8M',
    );
  }
}

export function checkUnsafe(p: ProcessConfig, i: number, out: FindingSink): void {
  const u = p.unsafe;
  if (u === undefined) return;
  if (u.privileged) {
    out.warning(
      `processes[${i}].unsafe.privileged`,
      'unsafe-privileged',
      'process runs privileged: as root, with 38 capabilities, no seccomp filter and no masked paths',
      'grant only the capabilities it needs instead',
    );
  }
  if (u.hostPidNamespace) {
    out.warning(
      `processes[${i}].unsafe.host_pid_namespace`,
      'unsafe-host-pid-namespace',
      "process shares the host's pid namespace and sees every process on the machine",
    );
  }
  if (u.unrestrictedVolumes.length > 0) {
    out.warning(
      `processes[${i}].unsafe.unrestricted_volumes`,
      'unsafe-unrestricted-volumes',
      `process mounts ${u.unrestrictedVolumes.length} unrestricted volume(s) from anywhere on the host`,
      'prefer additional_volumes inside the BOSH root',
    );
  }
}

/** The container's working directory must exist in the container: inside some mount. */
export function checkWorkdir(
  p: ProcessConfig,
  i: number,
  paths: JobPaths,
  mounts: readonly AnalysedMount[],
  out: FindingSink,
): void {
  if (p.workdir === '') return; // the job directory, always mounted
  const field = `processes[${i}].workdir`;
  if (!p.workdir.startsWith('/')) {
    out.error(
      field,
      'workdir-relative',
      `workdir ${JSON.stringify(p.workdir)} is not an absolute path; runc refuses to start the container`,
      `use an absolute container path such as ${paths.internalJobDir}`,
    );
    return;
  }
  if (hostPathOf(p.workdir, mounts) === undefined) {
    out.warning(
      field,
      'workdir-outside-mounts',
      `workdir ${p.workdir} is outside every mount of the container, in its empty root file system`,
      `use a directory under a mounted path such as ${paths.internalJobDir} or ${paths.internalDataDir}`,
    );
  }
}

function searchPath(envPath: string): string[] {
  return envPath.split(':').map((d) => (d === '' ? '.' : d));
}

type Resolution = { status: FileStatus; host?: string; unmounted?: boolean };

/** Resolves a container program the way execvp would, each candidate mapped to its host path. */
function resolveInContainer(
  program: string,
  cwd: string,
  pathEnv: string,
  mounts: readonly AnalysedMount[],
  host: HostView,
): Resolution {
  const candidates = program.includes('/')
    ? [program.startsWith('/') ? cleanPath(program) : joinPath(cwd, program)]
    : searchPath(pathEnv).map((d) => joinPath(d === '.' ? cwd : d, program));
  let first: Resolution | undefined;
  for (const c of candidates) {
    const h = hostPathOf(c, mounts);
    if (h === undefined) {
      first ??= { status: 'missing', unmounted: true };
      continue;
    }
    const status = host.fileStatus(h);
    if (status === 'ok') return { status, host: h };
    if (first === undefined || (first.status === 'missing' && status !== 'missing'))
      first = { status, host: h };
  }
  return first ?? { status: 'missing' };
}

function describe(status: FileStatus): string {
  return status === 'directory'
    ? 'is a directory'
    : status === 'missing'
      ? 'does not exist'
      : 'is not executable';
}

export function checkExecutable(
  p: ProcessConfig,
  i: number,
  paths: JobPaths,
  mounts: readonly AnalysedMount[],
  host: HostView,
  out: FindingSink,
): void {
  if (p.executable === '') return;
  const field = `processes[${i}].executable`;
  const cwd = p.workdir !== '' ? p.workdir : paths.internalJobDir;
  const pathEnv =
    p.env.get('PATH') ??
    `${paths.internalBinDir}:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.`;
  const r = resolveInContainer(p.executable, cwd, pathEnv, mounts, host);
  if (r.status === 'ok') return;
  if (r.unmounted === true && r.host === undefined) {
    out.warning(
      field,
      'executable-not-mounted',
      `executable ${p.executable} is not inside any mount of the container, so the container cannot see it`,
      'put it in a package or the job, or mount its directory as a volume',
    );
    return;
  }
  const where = r.host !== undefined ? ` (host path ${r.host})` : ' in the container PATH';
  out.warning(
    field,
    r.status === 'missing' ? 'executable-missing' : 'executable-not-executable',
    `executable ${p.executable} ${describe(r.status)}${where}`,
    r.status === 'missing' ? 'check the path and that the package is installed' : 'chmod +x it',
  );
}

/** The hook runs on the host; /var/vcap/... is read as R/... (the path bpm's caller means). */
export function checkPreStart(
  p: ProcessConfig,
  i: number,
  paths: JobPaths,
  hostPathEnv: string,
  host: HostView,
  out: FindingSink,
): void {
  const hook = p.hooks?.preStart ?? '';
  if (hook === '') return;
  const field = `processes[${i}].hooks.pre_start`;
  const toHost = (c: string): string =>
    c === '/var/vcap' || c.startsWith('/var/vcap/')
      ? joinPath(paths.rootPaths.root, c.slice('/var/vcap'.length))
      : c;
  const candidates = hook.includes('/')
    ? [toHost(cleanPath(hook))]
    : searchPath(hostPathEnv).map((d) => joinPath(d, hook));
  let worst: { status: FileStatus; host: string } | undefined;
  for (const c of candidates) {
    const status = host.fileStatus(c);
    if (status === 'ok') return;
    if (worst === undefined || (worst.status === 'missing' && status !== 'missing'))
      worst = { status, host: c };
  }
  const status = worst?.status ?? 'missing';
  const where = hook.includes('/') ? ` (host path ${worst?.host ?? hook})` : " in bpm's PATH";
  out.warning(
    field,
    status === 'missing' ? 'pre-start-missing' : 'pre-start-not-executable',
    `pre_start hook ${hook} ${describe(status)}${where}`,
    status === 'missing' ? 'check the path; start fails when the hook cannot run' : 'chmod +x it',
  );
}

/** Host facts that make start fail: a persistent disk without R/store, a missing mount_only path. */
export function checkHostPrerequisites(
  p: ProcessConfig,
  i: number,
  paths: JobPaths,
  host: HostView,
  out: FindingSink,
): void {
  if (p.persistentDisk && !host.exists(paths.rootPaths.storeRoot)) {
    out.error(
      `processes[${i}].persistent_disk`,
      'persistent-disk-unavailable',
      `persistent_disk is set but ${paths.rootPaths.storeRoot} does not exist; start fails`,
      'attach a persistent disk to the instance or set persistent_disk: false',
    );
  }
  const ceiling = host.openFilesCeiling();
  const openFiles = p.limits?.openFiles;
  if (openFiles !== undefined && ceiling !== undefined && openFiles > BigInt(ceiling)) {
    out.error(
      `processes[${i}].limits.open_files`,
      'open-files-above-host-limit',
      `open_files ${openFiles} is above this host's limit of ${ceiling}; start fails with "error setting rlimit type 7: operation not permitted"`,
      `use at most ${ceiling}`,
    );
  }
  p.additionalVolumes.forEach((v, j) => {
    if (v.shared && v.path !== '' && !host.exists(v.path)) {
      out.error(
        `processes[${i}].additional_volumes[${j}].path`,
        'shared-volume-missing',
        `shared volume ${v.path} does not exist; bpm does not create shared volumes and start fails`,
        'create it (another job or a pre-start script) before this job starts, or drop shared',
      );
      return;
    }
    if (v.mountOnly && v.path !== '' && !host.exists(v.path)) {
      out.error(
        `processes[${i}].additional_volumes[${j}].path`,
        'mount-only-missing',
        `mount_only volume ${v.path} does not exist; bpm does not create it and the mount fails`,
        'create it before starting, or drop mount_only',
      );
    }
  });
}

/** monit's default timeout for a stop program; bpm stop needs shutdown_timeout + 2 s (QUIT grace) in it. */
const MONIT_STOP_BUDGET_MS = 30_000;

/** A `shutdown_timeout` that makes `bpm stop` outlast monit's stop timeout. */
export function checkShutdownTimeout(p: ProcessConfig, i: number, out: FindingSink): void {
  const ms = p.shutdownTimeoutMs;
  if (ms === undefined || ms + 2_000 < MONIT_STOP_BUDGET_MS) return;
  out.warning(
    `processes[${i}].shutdown_timeout`,
    'shutdown-timeout-over-monit',
    `shutdown_timeout ${ms / 1000} s plus bpm's 2 s QUIT grace does not fit in monit's 30 s stop timeout: monit gives up while bpm stop still waits`,
    'keep it below 28 s under monit, or raise the stop timeout in the monit file',
  );
}
