// The probes of one supervised process (docs/supervisor.md#probes): its readiness and liveness
// loops, started when the process runs and stopped when it ends, their transitions logged to the
// supervisor log and handed to the process (readiness → ready or back to running; liveness →
// restart).
import type { RootPaths } from '../../bosh/paths.ts';
import type { ProbeCheck, ProbeConfig } from '../../config/supervision.ts';
import type { HostPort } from '../../lifecycle/ports.ts';
import type { ProcessRef } from '../../lifecycle/process-ref.ts';
import type { Logger } from '../../log/logger.ts';
import { RuncClient } from '../../runc/client.ts';
import { controlDir } from '../control-protocol.ts';
import { execProbe, type ProbeExec } from './exec.ts';
import { httpProbe } from './http.ts';
import { ProbeLoop, type ProbeRunner, type Timers } from './loop.ts';
import { tcpProbe } from './tcp.ts';
import type { ProbeStatus, ProbeView } from './tracker.ts';

export type ProbeKind = 'readiness' | 'liveness';

export interface ProbesSnapshot {
  readiness?: ProbeView;
  liveness?: ProbeView;
}

export interface ProbeDeps {
  log: Logger;
  timers: Timers;
  /** The runc client for exec probes, made on first use. */
  runc: () => ProbeExec;
}

/** What a status change of each kind means to the process. */
export interface ProbeListener {
  readinessChanged(status: ProbeStatus): void;
  livenessFailed(detail: string): void;
}

/** The real runc client for exec probes, made (probing the host once) on first use. */
export function probeRunc(root: RootPaths, host: Pick<HostPort, 'probeFeatures'>): () => ProbeExec {
  let client: RuncClient | undefined;
  return () => {
    client ??= RuncClient.forRoot(root, host.probeFeatures().systemd);
    return client;
  };
}

function runnerFor(ref: ProcessRef, kind: ProbeKind, check: ProbeCheck, deps: ProbeDeps): ProbeRunner {
  switch (check.kind) {
    case 'http':
      return httpProbe(check.port, check.path);
    case 'tcp':
      return tcpProbe(check.port);
    case 'exec':
      // The supervisor's control directory is root's and 0700 (control-server.ts checks it).
      return execProbe(deps.runc, ref.cid, check.argv, `${controlDir(ref.root)}/${ref.cid}.${kind}.pid`);
  }
}

export class ProcessProbes {
  private readonly ref: ProcessRef;
  private readonly configs: Partial<Record<ProbeKind, ProbeConfig>>;
  private readonly deps: ProbeDeps;
  private loops: Partial<Record<ProbeKind, ProbeLoop>> = {};

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
    for (const kind of ['readiness', 'liveness'] as const) {
      const config = this.configs[kind];
      if (config === undefined) continue;
      const run = runnerFor(this.ref, kind, config.check, this.deps);
      const loop = new ProbeLoop(config, run, this.deps.timers, (outcome, changed, view) => {
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
      this.loops[kind] = loop;
      loop.start();
    }
  }

  /** Stop probing (the process ended or is being stopped); the last results stay visible. */
  stop(): void {
    for (const loop of Object.values(this.loops)) loop.stop();
  }

  /** Each configured probe's view; `unknown` before the process first ran. */
  snapshot(): ProbesSnapshot {
    const s: ProbesSnapshot = {};
    for (const kind of ['readiness', 'liveness'] as const) {
      if (this.configs[kind] === undefined) continue;
      s[kind] = this.loops[kind]?.view() ?? { status: 'unknown', consecutiveFailures: 0 };
    }
    return s;
  }
}
