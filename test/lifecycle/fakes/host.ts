// A fake HostPort (src/lifecycle/ports.ts): no root, no cgroups, no pidfds, no hook processes.
// The bundle is the real one (plain files under the temporary BOSH root); prerequisites only
// open the two process logs.
import { mkdirSync, openSync } from 'node:fs';
import { BpmError } from '../../../src/errors.ts';
import { writeBundle } from '../../../src/host/bundle.ts';
import type { Prerequisites, PrerequisitesInput } from '../../../src/host/prerequisites.ts';
import type { HostFeatures, User } from '../../../src/host-facts.ts';
import type { HostPort, InitHandle } from '../../../src/lifecycle/ports.ts';
import type { ProcessRef } from '../../../src/lifecycle/process-ref.ts';
import { readInitProcess } from '../../../src/runc/state-file.ts';
import type { ProcessTable } from './processes.ts';
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

  runc(): FakeRunc {
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

  writeBundle = writeBundle;

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
