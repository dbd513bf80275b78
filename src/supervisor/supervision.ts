// The set of supervised processes and how it changes: the first start, a reload (re-read every
// bpm.yml: start what is new, stop what went, restart what changed, leave the rest), and the
// shutdown. Starts wait for dependencies to be ready (SupervisedProcess); stops go dependents
// first, each process as soon as everything depending on it is down, in parallel otherwise.
// Without --job the first start also sweeps the bpm containers the job files no longer name, by
// the reload's rule, alongside the starts (docs/supervisor.md, "Start-up sweep"), and leaves
// errand-only jobs to their `bpm run` (errand-jobs.ts).
import { isDeepStrictEqual } from 'node:util';
import type { RootPaths } from '../bosh/paths.ts';
import { emptyProcess } from '../config/decode-job.ts';
import { processKey } from '../config/depends-on.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import type { FoundContainer } from '../lifecycle/bpm-containers.ts';
import { type ProcessRef, processRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';
import { resolveDependencies, stopDependentsFirst } from './dependencies.ts';
import { leaveErrandsOut } from './errand-jobs.ts';
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
  /** Jobs whose bpm.yml did not load. */
  failed: Set<string>;
  /** Errand-only jobs plain mode leaves alone, with the reason (errand-jobs.ts). */
  errands: Map<string, string>;
}

/**
 * A job whose bpm.yml no longer loads keeps its processes as they are: those of `held` (key →
 * spec) whose job is in `failed`: a reload keeps supervising them (the start-up sweep, which logs
 * why it leaves each, checks `failed` itself).
 */
function keptAsTheyAre(
  held: ReadonlyMap<string, SupervisedSpec>,
  failed: ReadonlySet<string>,
): [string, SupervisedSpec][] {
  return [...held].filter(([, spec]) => failed.has(spec.job));
}

const configsOf = (specs: ReadonlyMap<string, SupervisedSpec>): Map<string, ProcessConfig> =>
  new Map([...specs].map(([key, spec]) => [key, spec.config]));

export class Supervision {
  private readonly opts: SupervisionOptions;
  private readonly byKey = new Map<string, SupervisedProcess>();
  /** Key → the keys it depends on, for the processes in byKey. */
  private dependencies = new Map<string, string[]>();
  /** The reload in progress; the next one waits for it. */
  private applying: Promise<unknown> = Promise.resolve();
  /** The start-up sweep's stops in flight; the shutdown waits for them. */
  private sweeping: Promise<unknown> = Promise.resolve();

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
    return this.queue([]);
  }

  /**
   * The first load. Without --job it also sweeps: the containers of R's runc root that the job
   * files do not name are stopped (the sweep runs alongside the starts; see sweep()).
   */
  start(): Promise<ReloadSummary> {
    return this.queue(this.opts.jobs.length === 0 ? this.opts.ports.containers() : []);
  }

  private queue(found: readonly FoundContainer[]): Promise<ReloadSummary> {
    const next = this.applying.then(() => this.apply(found));
    this.applying = next.catch(() => {});
    return next;
  }

  private load(): Loaded {
    const { root, jobs, log } = this.opts;
    // Plain mode leaves errand-only jobs to their `bpm run`; a job named with --job is supervised.
    const plain = jobs.length === 0 ? leaveErrandsOut(root, jobsWithConfig(root), log) : undefined;
    const errands = plain?.errands ?? new Map<string, string>();
    const loaded = loadJobs(root, plain?.supervised ?? jobs, log);
    const specs = new Map<string, SupervisedSpec>();
    for (const s of loaded.specs) specs.set(processKey(s.job, s.config.name), s);
    // A bpm.yml that no longer loads keeps its job's processes as they are.
    const held = new Map([...this.byKey].map(([key, p]) => [key, { job: p.ref.job, config: p.config }]));
    for (const [key, spec] of keptAsTheyAre(held, loaded.failed)) specs.set(key, spec);
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
    return { specs, dependencies: graph.dependencies, failed: loaded.failed, errands };
  }

  private async apply(found: readonly FoundContainer[]): Promise<ReloadSummary> {
    const loaded = this.load();
    const { specs, dependencies } = loaded;
    const plan = planReload(new Map([...this.byKey].map(([k, p]) => [k, p.config])), configsOf(specs));
    const going = [...plan.stopped, ...plan.restarted].map((k) => this.byKey.get(k)!);
    await this.stopInOrder(going, new Set(plan.stopped));
    for (const p of going) this.byKey.delete(p.key);
    for (const [key, spec] of specs) {
      if (this.byKey.has(key)) continue;
      const ref = processRef(this.opts.root, spec.job, spec.config.name);
      this.byKey.set(key, new SupervisedProcess(ref, spec.config, this.deps()));
    }
    this.dependencies = dependencies;
    for (const [key, p] of this.byKey) {
      p.dependOn((this.dependencies.get(key) ?? []).map((d) => this.byKey.get(d)!));
    }
    const fresh = [...plan.started, ...plan.restarted].map((k) => this.byKey.get(k)!);
    const ups = Promise.all(fresh.map((p) => p.up())).then(() => {});
    if (found.length > 0) {
      this.sweeping = this.sweep(found, loaded).catch((err: unknown) =>
        this.opts.log.error('failed-to-sweep', err, { reason: messageOf(err) }),
      );
    }
    return { ...plan, ups };
  }

  /**
   * Stop the bpm containers of `found` that the job files just loaded do not name, the way a reload
   * stops a process that went: planReload's `stopped`, with the processes of a job whose bpm.yml
   * does not load and those of an errand-only job kept, each stopped through a SupervisedProcess's
   * down() (the lifecycle's stop under the lifecycle lock). What they do name is adopted by its
   * own process as always. A container found without a config has none to stop it by: the
   * defaults (TERM, then the operation's 20 s, QUIT, 2 s, kill). Not awaited by the start: the
   * starts go on meanwhile.
   */
  private async sweep(found: readonly FoundContainer[], { specs, failed, errands }: Loaded): Promise<void> {
    const { log } = this.opts;
    const held = new Map<string, SupervisedSpec>();
    const refs = new Map<string, ProcessRef>();
    for (const c of found) {
      if ('problem' in c) {
        log.error('not-swept', new Error(c.problem), { container: c.cid, reason: c.problem });
        continue;
      }
      const key = processKey(c.ref.job, c.ref.proc);
      held.set(key, { job: c.ref.job, config: { ...emptyProcess(), name: c.ref.proc } });
      refs.set(key, c.ref);
    }
    const next = configsOf(specs);
    // Kept: a job whose bpm.yml does not load, and an errand-only job (its `bpm run`'s container).
    for (const [key, spec] of held) {
      const errand = errands.get(spec.job);
      let reason: string | undefined;
      if (failed.has(spec.job)) reason = `the bpm.yml of job ${spec.job} does not load (job-not-supervised)`;
      else if (errand !== undefined) reason = `${errand} (not-supervised)`;
      if (reason === undefined) continue;
      next.set(key, spec.config);
      const ref = refs.get(key)!;
      log.info('not-swept', { container: ref.cid, job: ref.job, process: ref.proc, reason });
    }
    const { stopped } = planReload(configsOf(held), next);
    await Promise.all(
      stopped.map(async (key) => {
        const ref = refs.get(key)!;
        const gone = new SupervisedProcess(ref, held.get(key)!.config, this.deps());
        if (!(await this.stopUnlessRun(gone, true))) return;
        const data = { container: ref.cid, job: ref.job, process: ref.proc };
        if (this.opts.ports.process.hasContainer(ref)) {
          log.error('failed-to-sweep', new Error('the container is still there'), data);
        } else log.info('swept', data);
      }),
    );
  }

  /**
   * Stop `p` (`retire`: for good, its bundle too): true once down() is through. A container a live
   * `bpm run` runs is left to that run (false): the run holds the lifecycle lock until its process
   * ends, so a stop would only wait for it — holding up a reload, the shutdown or the sweep for as
   * long as an errand runs.
   */
  private async stopUnlessRun(p: SupervisedProcess, retire = false): Promise<boolean> {
    const runner = this.opts.ports.process.runOwner(p.ref);
    if (runner === undefined) {
      await (retire ? p.retire() : p.down());
      return true;
    }
    p.detach();
    this.opts.log.info('left-to-bpm-run', {
      container: p.ref.cid,
      job: p.ref.job,
      process: p.ref.proc,
      pid: String(runner),
    });
    return false;
  }

  private deps(): { ports: SupervisorPorts; watcher: ExitWatch; log: Logger } {
    const { ports, watcher, log } = this.opts;
    return { ports, watcher, log };
  }

  /**
   * Stop every process for good (bundles too: a stopped supervisor leaves none), dependents first,
   * once the start-up sweep's stops are through too.
   */
  async stopAll(): Promise<void> {
    await this.applying;
    const all = this.processes;
    await Promise.all([this.sweeping, this.stopInOrder(all, new Set(all.map((p) => p.key)))]);
  }

  /** Stop `procs`, each once every process of `procs` that depends on it is down; `retired` for good. */
  private stopInOrder(
    procs: readonly SupervisedProcess[],
    retired: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    return stopDependentsFirst(
      procs.map((p) => p.key),
      this.dependencies,
      async (key) => {
        await this.stopUnlessRun(this.byKey.get(key)!, retired.has(key));
      },
    );
  }
}
