// Every path bpm derives from the BOSH root (docs/behaviour/paths.md). External paths live on the host under
// R; internal paths are what the container sees, always under /var/vcap.
import { joinPath as join } from '../go/path.ts';

const DEFAULT_BOSH_ROOT = '/var/vcap';
const INTERNAL_ROOT = '/var/vcap';

/** R: BPM_BOSH_ROOT when set and non-empty, else /var/vcap. Cleaned lexically. */
export function boshRoot(env: NodeJS.ProcessEnv = process.env): string {
  const r = env['BPM_BOSH_ROOT'];
  return join(r === undefined || r === '' ? DEFAULT_BOSH_ROOT : r);
}

/** Paths shared by all jobs under one root. */
export class RootPaths {
  readonly root: string;
  constructor(root: string) {
    this.root = join(root);
  }
  external(...rel: string[]): string {
    return join(this.root, ...rel);
  }
  get jobsDir(): string {
    return this.external('jobs');
  }
  get packagesDir(): string {
    return this.external('packages');
  }
  get dataPackagesDir(): string {
    return this.external('data', 'packages');
  }
  get storeRoot(): string {
    return this.external('store');
  }
  get runcBinary(): string {
    return this.external('packages', 'bpm', 'bin', 'runc');
  }
  get tiniBinary(): string {
    return this.external('packages', 'bpm', 'bin', 'tini');
  }
  get runcRoot(): string {
    return this.external('sys', 'run', 'bpm-runc');
  }
  get bpmDataDir(): string {
    return this.external('data', 'bpm');
  }
  get locksDir(): string {
    return this.external('data', 'bpm', 'locks');
  }
  get bundlesRoot(): string {
    return this.external('data', 'bpm', 'bundles');
  }
  get pidRoot(): string {
    return this.external('sys', 'run', 'bpm');
  }
  /** The directory under which bpm keeps V8's compile cache (root-owned, 0700). */
  get compileCacheDir(): string {
    return this.external('data', 'bpm', 'cache');
  }
  /** The pre-start hook's HOME and TMPDIR (root-only, exists only while the hook runs). */
  hookScratch(containerId: string): string {
    return join(this.bpmDataDir, 'hooks', containerId);
  }
  /** `<session id> <start time>` of a pre-start hook while it runs (see lifecycle/hook.ts). */
  hookSession(containerId: string): string {
    return join(this.bpmDataDir, 'hooks', `${containerId}.session`);
  }
  lockFile(lockName: string): string {
    return join(this.locksDir, lockName);
  }
  runcStateFile(containerId: string): string {
    return join(this.runcRoot, containerId, 'state.json');
  }
  job(job: string): JobPaths {
    return new JobPaths(this, job);
  }
}

/** Paths of one job (external on the host, internal in the container). */
export class JobPaths {
  readonly rootPaths: RootPaths;
  readonly job: string;
  constructor(rootPaths: RootPaths, job: string) {
    this.rootPaths = rootPaths;
    this.job = job;
  }
  private ext(...rel: string[]): string {
    return this.rootPaths.external(...rel);
  }
  get jobDir(): string {
    return this.ext('jobs', this.job);
  }
  get configFile(): string {
    return this.ext('jobs', this.job, 'config', 'bpm.yml');
  }
  get logDir(): string {
    return this.ext('sys', 'log', this.job);
  }
  get bpmLog(): string {
    return this.ext('sys', 'log', this.job, 'bpm.log');
  }
  stdoutLog(proc: string): string {
    return this.ext('sys', 'log', this.job, `${proc}.stdout.log`);
  }
  stderrLog(proc: string): string {
    return this.ext('sys', 'log', this.job, `${proc}.stderr.log`);
  }
  get runDir(): string {
    return this.ext('sys', 'run', this.job);
  }
  get dataDir(): string {
    return this.ext('data', this.job);
  }
  get tmpDir(): string {
    return this.ext('data', this.job, 'tmp');
  }
  get storeDir(): string {
    return this.ext('store', this.job);
  }
  get pidDir(): string {
    return this.ext('sys', 'run', 'bpm', this.job);
  }
  pidFile(proc: string): string {
    return this.ext('sys', 'run', 'bpm', this.job, `${proc}.pid`);
  }
  /** How PROC last ended, as bpm saw it (root-only, beside the pid file; docs/last-exit.md). */
  lastExitFile(proc: string): string {
    return this.ext('sys', 'run', 'bpm', this.job, `${proc}.last-exit.json`);
  }
  get bundlesDir(): string {
    return this.ext('data', 'bpm', 'bundles', this.job);
  }
  bundle(proc: string): string {
    return this.ext('data', 'bpm', 'bundles', this.job, proc);
  }
  configJson(proc: string): string {
    return join(this.bundle(proc), 'config.json');
  }
  /** runc's own log of the last `run` (`--log`), inside the root-only bundle directory. */
  runcLog(proc: string): string {
    return join(this.bundle(proc), 'runc.log');
  }
  rootfs(proc: string): string {
    return join(this.bundle(proc), 'rootfs');
  }
  /** Root-only staging points of job-writable mount sources (src/host/staging.ts). */
  get stagingJobDir(): string {
    return this.ext('data', 'bpm', 'mounts', this.job);
  }
  stagingDir(proc: string): string {
    return this.ext('data', 'bpm', 'mounts', this.job, proc);
  }

  // Internal (in-container) twins, always under /var/vcap.
  get internalJobDir(): string {
    return join(INTERNAL_ROOT, 'jobs', this.job);
  }
  get internalBinDir(): string {
    return join(INTERNAL_ROOT, 'jobs', this.job, 'bin');
  }
  get internalLogDir(): string {
    return join(INTERNAL_ROOT, 'sys', 'log', this.job);
  }
  get internalDataDir(): string {
    return join(INTERNAL_ROOT, 'data', this.job);
  }
  get internalTmpDir(): string {
    return join(INTERNAL_ROOT, 'data', this.job, 'tmp');
  }
  get internalStoreDir(): string {
    return join(INTERNAL_ROOT, 'store', this.job);
  }
  static get internalPackagesDir(): string {
    return join(INTERNAL_ROOT, 'packages');
  }
  static get internalDataPackagesDir(): string {
    return join(INTERNAL_ROOT, 'data', 'packages');
  }
  static get internalTini(): string {
    return join(INTERNAL_ROOT, 'packages', 'bpm', 'bin', 'tini');
  }
}
