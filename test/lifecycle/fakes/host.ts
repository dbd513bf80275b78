// A fake HostPort (src/lifecycle/ports.ts): no root, no cgroups, no pidfds, no hook processes.
// The bundle's files, the pid file and the last-exit records are the real ones (plain files under the
// temporary BOSH root); prerequisites only open the two process logs; staging clears and cgroup
// set-ups are only counted.
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { JobPaths } from '../../../src/bosh/paths.ts';
import { BpmError } from '../../../src/errors.ts';
import { mkdirAll, writeFileAtomic } from '../../../src/go/os.ts';
import type { CgroupUsage } from '../../../src/host/cgroup-usage.ts';
import { readPidFile, removePidFile, writePidFile } from '../../../src/host/pid-file.ts';
import type { Prerequisites, PrerequisitesInput } from '../../../src/host/prerequisites.ts';
import type { HostFeatures, User } from '../../../src/host-facts.ts';
import { readLastExit, recordLastExit } from '../../../src/lifecycle/last-exit.ts';
import type { HostPort, InitHandle, RecordedProcess } from '../../../src/lifecycle/ports.ts';
import type { ProcessRef } from '../../../src/lifecycle/process-ref.ts';
import type { OciResources } from '../../../src/oci/types.ts';
import { readInitProcess } from '../../../src/runc/state-file.ts';
import type { FakeProcess, ProcessTable } from './processes.ts';
import type { FakeRunc } from './runc.ts';

export const VCAP: User = { uid: 1000, gid: 1000 };

export class FakeHost implements HostPort {
  features: HostFeatures = {
    swapLimit: true,
    seccomp: true,
    systemd: false,
    resolvconf: false,
    systemdResolve: false,
  };
  /** Set to make the probe, the prerequisites or the hook fail. */
  probeError: Error | undefined;
  prerequisitesError: Error | undefined;
  hookError: Error | undefined;
  readonly hooks: { command: string; env: readonly string[] }[] = [];
  /** Containers whose cgroups were SIGKILLed (broken-state recovery). */
  readonly cgroupKills: string[] = [];
  /** Init handles opened and not yet closed. */
  openHandles = 0;
  readonly fakeRunc: FakeRunc;
  private readonly procs: ProcessTable;

  constructor(runc: FakeRunc, procs: ProcessTable) {
    this.fakeRunc = runc;
    this.procs = procs;
  }

  probeFeatures(): HostFeatures {
    if (this.probeError !== undefined) throw this.probeError;
    return this.features;
  }

  /** The lifecycle lock descriptor each runc client was made with (`runc(features, lockFd)`). */
  readonly runcLockFds: (number | undefined)[] = [];

  runc(_features?: HostFeatures, lockFd?: number): FakeRunc {
    this.runcLockFds.push(lockFd);
    return this.fakeRunc;
  }

  openInit(stateFile: string): InitHandle | undefined {
    const init = readInitProcess(stateFile);
    const p = init === undefined ? undefined : this.procs.get(init.pid);
    if (p === undefined || !p.alive || p.startTime !== init?.startTime) return undefined;
    this.openHandles++;
    return {
      signal: async (signal) => this.procs.signal(p, signal),
      exited: (abort) => this.procs.exited(p, abort),
      close: () => {
        this.openHandles--;
      },
    };
  }

  processExited(pid: number, abort: AbortSignal): Promise<boolean> {
    return this.procs.pidExited(pid, abort);
  }

  /** Pids in each container's cgroups besides its init, by container id. */
  readonly cgroupPids = new Map<string, number[]>();

  async containerPids(ref: ProcessRef): Promise<number[]> {
    return this.cgroupPids.get(ref.cid) ?? [];
  }

  /** The fake runc's containers run as soon as they exist. */
  async containerRunning(stateFile: string, abort: AbortSignal): Promise<boolean> {
    return !abort.aborted && existsSync(stateFile);
  }

  /** This bpm, as a process of the table (made on first use). */
  private me: FakeProcess | undefined;

  self(): RecordedProcess {
    this.me ??= this.procs.spawn('');
    return { pid: this.me.pid, startTime: this.me.startTime };
  }

  /** The fake bpm's own process, once `self()` made it. */
  get selfProcess(): FakeProcess | undefined {
    return this.me;
  }

  openProcess(recorded: RecordedProcess): InitHandle | undefined {
    const p = this.procs.get(recorded.pid);
    if (p === undefined || !p.alive || p.startTime !== recorded.startTime) return undefined;
    return {
      signal: async (signal) => this.procs.signal(p, signal),
      exited: (abort) => this.procs.exited(p, abort),
      close: () => {},
    };
  }

  async killContainerProcesses(ref: ProcessRef): Promise<void> {
    this.cgroupKills.push(ref.cid);
    this.procs.killContainer(ref.cid);
  }

  lookupUser(name: string): User {
    if (name !== 'vcap') throw new Error(`user: unknown user ${name}`);
    return VCAP;
  }

  async createPrerequisites(input: PrerequisitesInput): Promise<Prerequisites> {
    if (this.prerequisitesError !== undefined) {
      throw new BpmError(`failed to create system files: ${this.prerequisitesError.message}`);
    }
    mkdirSync(input.paths.logDir, { recursive: true });
    mkdirSync(input.paths.pidDir, { recursive: true });
    return {
      stdout: openSync(input.paths.stdoutLog(input.proc), 'a'),
      stderr: openSync(input.paths.stderrLog(input.proc), 'a'),
      mountSources: new Map(),
    };
  }

  /**
   * The real bundle's files, written synchronously: the real writeBundle's requests on libuv's pool
   * would finish outside the virtual clock's view of what is pending.
   */
  async writeBundle(paths: JobPaths, proc: string, specJson: string, reusable = false): Promise<boolean> {
    const file = paths.configJson(proc);
    if (reusable && existsSync(file) && readFileSync(file, 'utf8') === specJson) return true;
    mkdirAll(paths.bundle(proc), 0o700);
    mkdirAll(paths.rootfs(proc), 0o755);
    writeFileAtomic(paths.configJson(proc), specJson, paths.bundle(proc));
    return false;
  }

  readPidFile = readPidFile;
  writePidFile = writePidFile;
  removePidFile = removePidFile;
  readLastExit = readLastExit;
  recordLastExit = recordLastExit;

  /** The processes whose staging points were cleared, as `JOB/PROC`, in order. */
  readonly stagingClears: string[] = [];
  /** Called as each clearing begins; it ends when the returned promise does (a slow removal). */
  stagingGate: (() => Promise<void>) | undefined;

  async clearStaging(paths: JobPaths, proc: string): Promise<void> {
    this.stagingClears.push(`${paths.job}/${proc}`);
    await this.stagingGate?.();
  }

  /** The resources each container's cgroup was prepared for, in order. */
  readonly cgroupSetups: (OciResources | undefined)[] = [];

  prepareContainerCgroup(_features: HostFeatures, resources: OciResources | undefined): void {
    this.cgroupSetups.push(resources);
  }

  /** What each container's cgroup tells, by container id (none: the state file names no cgroup). */
  readonly usage = new Map<string, CgroupUsage>();

  containerUsage(stateFile: string): CgroupUsage | undefined {
    return this.usage.get(basename(dirname(stateFile)));
  }

  becomeSubreaper(): void {}

  /** Set to report an early exit of the next started init. */
  earlyExit: Awaited<ReturnType<HostPort['watchEarlyExit']>>;

  async watchEarlyExit(): ReturnType<HostPort['watchEarlyExit']> {
    return this.earlyExit;
  }

  async runPreStartHook(command: string, env: readonly string[]): Promise<void> {
    this.hooks.push({ command, env });
    if (this.hookError !== undefined) throw new BpmError(`prestart hook failed: ${this.hookError.message}`);
  }
}
