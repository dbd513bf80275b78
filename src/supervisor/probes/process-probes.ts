// The probes of one supervised process (docs/supervisor.md#probes): its readiness and liveness
// loops (on the probe thread, or the main thread: probe-host.ts), started when the process runs and stopped when it ends, their
// transitions logged to the supervisor log and handed to the process (readiness → ready or back
// to running; liveness → restart).
import type { RootPaths } from '../../bosh/paths.ts';
import type { ProbeConfig } from '../../config/supervision.ts';
import type { HostPort } from '../../lifecycle/ports.ts';
import type { ProcessRef } from '../../lifecycle/process-ref.ts';
import type { Logger } from '../../log/logger.ts';
import { RuncClient, type RuncOptions } from '../../runc/client.ts';
import type { ProbeThread } from './probe-thread.ts';
import type { ExecTarget } from './thread-protocol.ts';
import type { ProbeStatus, ProbeView } from './tracker.ts';

export type ProbeKind = 'readiness' | 'liveness';

export interface ProbesSnapshot {
  readiness?: ProbeView;
  liveness?: ProbeView;
}

export interface ProbeDeps {
  log: Logger;
  /** Where the loops run (probe-host.ts). */
  thread: Pick<ProbeThread, 'start' | 'stop'>;
  /** The runc that exec probes use. */
  runc: () => RuncOptions;
}

/** What a status change of each kind means to the process. */
export interface ProbeListener {
  readinessChanged(status: ProbeStatus): void;
  livenessFailed(detail: string): void;
}

/** The runc exec probes enter the container with (probing the host once, on first use). */
export function probeRunc(root: RootPaths, host: Pick<HostPort, 'probeFeatures'>): () => RuncOptions {
  let options: RuncOptions | undefined;
  return () => {
    options ??= RuncClient.forRoot(root, host.probeFeatures().systemd).options;
    return options;
  };
}

export class ProcessProbes {
  private readonly ref: ProcessRef;
  private readonly configs: Partial<Record<ProbeKind, ProbeConfig>>;
  private readonly deps: ProbeDeps;
  /** The running loops' ids on their host. */
  private running: number[] = [];
  private views: Partial<Record<ProbeKind, ProbeView>> = {};

  constructor(ref: ProcessRef, configs: Partial<Record<ProbeKind, ProbeConfig>>, deps: ProbeDeps) {
    this.ref = ref;
    this.configs = configs;
    this.deps = deps;
  }

  get hasReadiness(): boolean {
    return this.configs.readiness !== undefined;
  }

  /** Begin probing a process that now runs (fresh counts: every run starts `unknown`). */
  start(listener: ProbeListener): void {
    this.stop();
    this.views = {};
    for (const kind of ['readiness', 'liveness'] as const) {
      const config = this.configs[kind];
      if (config === undefined) continue;
      let exec: ExecTarget | undefined;
      if (config.check.kind === 'exec') {
        try {
          exec = { cid: this.ref.cid, runc: this.deps.runc() };
        } catch (err) {
          this.deps.log.error('failed-to-probe', err, {
            job: this.ref.job,
            process: this.ref.proc,
            probe: kind,
          });
        }
      }
      const id = this.deps.thread.start(config, exec, ({ outcome, changed, view }) => {
        this.views[kind] = view;
        if (changed === undefined) return;
        this.deps.log.info(`probe-${changed}`, {
          job: this.ref.job,
          process: this.ref.proc,
          probe: kind,
          detail: outcome.detail,
          consecutive_failures: String(view.consecutiveFailures),
        });
        if (kind === 'readiness') listener.readinessChanged(changed);
        else if (changed === 'failing') listener.livenessFailed(outcome.detail);
      });
      this.running.push(id);
    }
  }

  /** Stop probing (the process ended or is being stopped); the last results stay visible. */
  stop(): void {
    for (const id of this.running) this.deps.thread.stop(id);
    this.running = [];
  }

  /** Each configured probe's view; `unknown` before its first result. */
  snapshot(): ProbesSnapshot {
    const s: ProbesSnapshot = {};
    for (const kind of ['readiness', 'liveness'] as const) {
      if (this.configs[kind] === undefined) continue;
      s[kind] = this.views[kind] ?? { status: 'unknown', consecutiveFailures: 0 };
    }
    return s;
  }
}
