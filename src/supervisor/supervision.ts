// The set of supervised processes and how it changes: the first start, a reload (re-read every
// bpm.yml: start what is new, stop what went, restart what changed, leave the rest), and the
// shutdown. Starts wait for dependencies to be ready (SupervisedProcess); stops go dependents
// first, each process as soon as everything depending on it is down, in parallel otherwise.
import { isDeepStrictEqual } from 'node:util';
import type { RootPaths } from '../bosh/paths.ts';
import { processKey } from '../config/depends-on.ts';
import type { ProcessConfig } from '../config/types.ts';
import { processRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';
import { resolveDependencies, stopDependentsFirst } from './dependencies.ts';
import { jobsWithConfig, loadJobs, type SupervisedSpec } from './jobs.ts';
import type { ExitWatch, SupervisorPorts } from './process-port.ts';
import { SupervisedProcess } from './supervised-process.ts';

export interface SupervisionOptions {
  root: RootPaths;
  /** The jobs named with --job; empty: every job with a bpm.yml, looked up at each (re)load. */
  jobs: readonly string[];
  watcher: ExitWatch;
  log: Logger;
  ports: SupervisorPorts;
}

/** What a (re)load does, by `JOB/PROC`. */
export interface ReloadPlan {
  started: string[];
  stopped: string[];
  restarted: string[];
  unchanged: string[];
}

export interface ReloadSummary extends ReloadPlan {
  /** Resolves once the starts asked for are through (they wait for their dependencies). */
  ups: Promise<void>;
}

/** Compare the configs supervised now with the ones just loaded (deep, Maps included: env). */
export function planReload(
  current: ReadonlyMap<string, ProcessConfig>,
  next: ReadonlyMap<string, ProcessConfig>,
): ReloadPlan {
  const plan: ReloadPlan = { started: [], stopped: [], restarted: [], unchanged: [] };
  for (const [key, config] of current) {
    const now = next.get(key);
    if (now === undefined) plan.stopped.push(key);
    else if (isDeepStrictEqual(now, config)) plan.unchanged.push(key);
    else plan.restarted.push(key);
  }
  for (const key of next.keys()) if (!current.has(key)) plan.started.push(key);
  return plan;
}

interface Loaded {
  specs: Map<string, SupervisedSpec>;
  dependencies: Map<string, string[]>;
}

export class Supervision {
  private readonly opts: SupervisionOptions;
  private readonly byKey = new Map<string, SupervisedProcess>();
  /** Key → the keys it depends on, for the processes in byKey. */
  private dependencies = new Map<string, string[]>();
  /** The reload in progress; the next one waits for it. */
  private applying: Promise<unknown> = Promise.resolve();

  constructor(opts: SupervisionOptions) {
    this.opts = opts;
  }

  get processes(): SupervisedProcess[] {
    return [...this.byKey.values()];
  }

  find(job: string, process: string): SupervisedProcess | undefined {
    return this.byKey.get(processKey(job, process));
  }

  /**
   * Read every bpm.yml and converge on it. Resolves once every stop is done and every start has
   * been asked for (`ups` resolves when those starts are through, however long dependencies take).
   */
  reload(): Promise<ReloadSummary> {
    const next = this.applying.then(() => this.apply());
    this.applying = next.catch(() => {});
    return next;
  }

  private load(): Loaded {
    const { root, jobs, log } = this.opts;
    const names = jobs.length > 0 ? jobs : jobsWithConfig(root);
    const loaded = loadJobs(root, names, log);
    const specs = new Map<string, SupervisedSpec>();
    for (const s of loaded.specs) specs.set(processKey(s.job, s.config.name), s);
    // A bpm.yml that no longer loads keeps its job's processes as they are.
    for (const [key, p] of this.byKey) {
      if (loaded.failed.has(p.ref.job)) specs.set(key, { job: p.ref.job, config: p.config });
    }
    const graph = resolveDependencies(
      [...specs.values()].map((s) => ({
        job: s.job,
        process: s.config.name,
        dependsOn: s.config.dependsOn ?? [],
      })),
    );
    for (const [key, reason] of graph.excluded) {
      const s = specs.get(key)!;
      log.error('process-not-supervised', new Error(reason), { job: s.job, process: s.config.name, reason });
      specs.delete(key);
    }
    return { specs, dependencies: graph.dependencies };
  }

  private async apply(): Promise<ReloadSummary> {
    const { specs, dependencies } = this.load();
    const plan = planReload(
      new Map([...this.byKey].map(([k, p]) => [k, p.config])),
      new Map([...specs].map(([k, spec]) => [k, spec.config])),
    );
    const going = [...plan.stopped, ...plan.restarted].map((k) => this.byKey.get(k)!);
    await this.stopInOrder(going);
    for (const p of going) this.byKey.delete(p.key);
    for (const [key, spec] of specs) {
      if (this.byKey.has(key)) continue;
      const { root, watcher, log, ports } = this.opts;
      const ref = processRef(root, spec.job, spec.config.name);
      this.byKey.set(key, new SupervisedProcess(ref, spec.config, { ports, watcher, log }));
    }
    this.dependencies = dependencies;
    for (const [key, p] of this.byKey) {
      p.dependOn((this.dependencies.get(key) ?? []).map((d) => this.byKey.get(d)!));
    }
    const fresh = [...plan.started, ...plan.restarted].map((k) => this.byKey.get(k)!);
    const ups = Promise.all(fresh.map((p) => p.up())).then(() => {});
    return { ...plan, ups };
  }

  /** Stop every process, dependents first. */
  async stopAll(): Promise<void> {
    await this.applying;
    await this.stopInOrder(this.processes);
  }

  /** Stop `procs`, each once every process of `procs` that depends on it is down. */
  private stopInOrder(procs: readonly SupervisedProcess[]): Promise<void> {
    return stopDependentsFirst(
      procs.map((p) => p.key),
      this.dependencies,
      (key) => this.byKey.get(key)!.down(),
    );
  }
}
