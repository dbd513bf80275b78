// `bpm validate`'s depends_on rules (docs/validate.md): what each entry names must exist, a process
// must not depend on itself, and the graph must have no cycle — the processes the supervisor would
// leave out (docs/supervisor.md#depends_on). Pure: other jobs' bpm.yml are read through
// DeployedJobs (analysis/io/deployed-jobs.ts).
import { dependencyKey, findCycles, processKey } from '../config/depends-on.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import { validateJobName } from '../ids/names.ts';
import type { FindingSink } from './finding.ts';

/** Another job of the BOSH root as depends_on sees it. */
export type DeployedJob =
  /** No R/jobs/JOB: not deployed on this VM (it may be on another one, or come later). */
  | { kind: 'not-deployed' }
  /** R/jobs/JOB exists without a config/bpm.yml: it has no bpm process at all. */
  | { kind: 'no-bpm-yml' }
  /** Its bpm.yml does not decode (its own `bpm validate` says why). */
  | { kind: 'broken' }
  /** Process name → its depends_on as written. */
  | { kind: 'loaded'; processes: ReadonlyMap<string, readonly string[]> };

export type DeployedJobs = (job: string) => DeployedJob;

const FORM = /^[^/\s]+(\/[^/\s]+)?$/;

/** Process name → depends_on; the first of duplicate names wins, as in bpm. */
function processTable(processes: readonly ProcessConfig[]): Map<string, readonly string[]> {
  const table = new Map<string, readonly string[]>();
  for (const p of processes) if (!table.has(p.name)) table.set(p.name, p.dependsOn ?? []);
  return table;
}

/** A finding when `JOB/PROC` of another job names nothing the supervisor could wait for. */
function checkOtherJob(
  dep: string,
  depJob: string,
  depProc: string,
  deployed: DeployedJob,
  field: string,
  out: FindingSink,
): void {
  const what = `depends_on ${JSON.stringify(dep)}`;
  if (deployed.kind === 'not-deployed') {
    out.warning(
      field,
      'depends-on-not-deployed',
      `${what}: job ${JSON.stringify(depJob)} is not deployed on this VM`,
      'the supervisor leaves this process out until that job is deployed here',
    );
  } else if (deployed.kind === 'broken') {
    out.warning(
      field,
      'depends-on-unloadable',
      `${what}: the bpm.yml of job ${JSON.stringify(depJob)} does not load`,
      `run bpm validate ${depJob}; the supervisor leaves this process out until it loads`,
    );
  } else if (deployed.kind === 'no-bpm-yml' || !deployed.processes.has(depProc)) {
    const has =
      deployed.kind === 'no-bpm-yml' ? 'has no bpm.yml' : `has no process ${JSON.stringify(depProc)}`;
    out.error(
      field,
      'depends-on-unknown',
      `${what}: job ${JSON.stringify(depJob)} ${has}`,
      hintFor(deployed),
    );
  }
}

function hintFor(deployed: DeployedJob): string {
  if (deployed.kind !== 'loaded') return 'name a process of a job with a bpm.yml';
  return `its processes: ${[...deployed.processes.keys()].join(', ') || 'none'}`;
}

/** The graph of keys reachable from `job`'s processes, other jobs read as needed. */
function reachableGraph(
  job: string,
  own: ReadonlyMap<string, readonly string[]>,
  jobs: DeployedJobs,
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const tables = new Map<string, ReadonlyMap<string, readonly string[]> | undefined>([[job, own]]);
  const tableOf = (name: string): ReadonlyMap<string, readonly string[]> | undefined => {
    if (!tables.has(name)) {
      let table: ReadonlyMap<string, readonly string[]> | undefined;
      try {
        validateJobName(name);
        const d = jobs(name);
        table = d.kind === 'loaded' ? d.processes : undefined;
      } catch {
        table = undefined;
      }
      tables.set(name, table);
    }
    return tables.get(name);
  };
  const queue = [...own.keys()].map((p) => processKey(job, p));
  while (queue.length > 0) {
    const key = queue.shift()!;
    if (graph.has(key)) continue;
    const slash = key.indexOf('/');
    const [j, p] = [key.slice(0, slash), key.slice(slash + 1)];
    const list = tableOf(j)?.get(p);
    if (list === undefined) continue;
    const next = list.filter((d) => FORM.test(d)).map((d) => dependencyKey(j, d));
    graph.set(key, next);
    queue.push(...next);
  }
  return graph;
}

/**
 * Check every depends_on entry of `job`'s processes. `indices` gives each process's position in
 * `processes:` (entries that did not decode are left out of `processes`).
 */
export function checkDependsOn(
  job: string,
  processes: readonly ProcessConfig[],
  indices: readonly number[],
  jobs: DeployedJobs,
  out: FindingSink,
): void {
  const own = processTable(processes);
  const fieldOf = (k: number, j: number): string => `processes[${indices[k] ?? k}].depends_on[${j}]`;
  processes.forEach((p, k) => {
    (p.dependsOn ?? []).forEach((dep, j) => {
      if (!FORM.test(dep)) return; // config-invalid already
      const key = dependencyKey(job, dep);
      const slash = key.indexOf('/');
      const [depJob, depProc] = [key.slice(0, slash), key.slice(slash + 1)];
      const field = fieldOf(k, j);
      if (key === processKey(job, p.name)) {
        out.error(
          field,
          'depends-on-self',
          `depends_on ${JSON.stringify(dep)}: process ${JSON.stringify(p.name)} depends on itself`,
          'remove the entry; the supervisor would never start this process',
        );
      } else if (depJob === job) {
        if (!own.has(depProc)) {
          out.error(
            field,
            'depends-on-unknown',
            `depends_on ${JSON.stringify(dep)}: job ${JSON.stringify(job)} has no process ${JSON.stringify(depProc)}`,
            `its processes: ${[...own.keys()].join(', ')}`,
          );
        }
      } else {
        try {
          validateJobName(depJob);
        } catch (err) {
          out.error(field, 'depends-on-unknown', `depends_on ${JSON.stringify(dep)}: ${messageOf(err)}`);
          return;
        }
        checkOtherJob(dep, depJob, depProc, jobs(depJob), field, out);
      }
    });
  });
  reportCycles(job, processes, own, jobs, fieldOf, out);
}

/** One error per cycle through this job's processes, at the entry that leaves the first of them. */
function reportCycles(
  job: string,
  processes: readonly ProcessConfig[],
  own: ReadonlyMap<string, readonly string[]>,
  jobs: DeployedJobs,
  fieldOf: (k: number, j: number) => string,
  out: FindingSink,
): void {
  const prefix = `${job}/`;
  for (const cycle of findCycles(reachableGraph(job, own, jobs))) {
    if (cycle.length < 2) continue; // depends-on-self
    const at = cycle.findIndex((key) => key.startsWith(prefix) && own.has(key.slice(prefix.length)));
    if (at < 0) continue; // another job's cycle: its own validate reports it
    const from = cycle[at]!.slice(prefix.length);
    const to = cycle[(at + 1) % cycle.length]!;
    const k = processes.findIndex((p) => p.name === from);
    const j = (processes[k]?.dependsOn ?? []).findIndex((d) => FORM.test(d) && dependencyKey(job, d) === to);
    out.error(
      fieldOf(k, j),
      'depends-on-cycle',
      `depends_on cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
      'the supervisor starts none of these processes; break the cycle',
    );
  }
}
