// The depends_on graph of the supervised processes (docs/supervisor.md): pure. `PROC` names a
// process of the same job, `JOB/PROC` one of another job. A process whose dependency is not
// supervised (no such process, or left out itself), or that is part of a cycle, is left out with
// one reason; everything else gets its dependencies by key. The keys and the cycle search are
// config/depends-on.ts's, which `bpm validate` uses too.
import { dependencyKey, findCycles, processKey } from '../config/depends-on.ts';

/** One supervised process as the graph sees it. */
export interface GraphNode {
  job: string;
  process: string;
  /** depends_on as written in bpm.yml. */
  dependsOn: readonly string[];
}

export interface DependencyGraph {
  /** Key (`JOB/PROC`) → the keys it depends on, for every process that can be supervised. */
  dependencies: Map<string, string[]>;
  /** Key → why it is left out. */
  excluded: Map<string, string>;
}

export function resolveDependencies(nodes: readonly GraphNode[]): DependencyGraph {
  const deps = new Map<string, string[]>();
  for (const n of nodes) {
    const key = processKey(n.job, n.process);
    deps.set(key, [...new Set(n.dependsOn.map((d) => dependencyKey(n.job, d)))]);
  }
  const excluded = new Map<string, string>();
  // Cycles first: every process on one is left out, naming the cycle.
  for (const cycle of findCycles(deps)) {
    const text = [...cycle, cycle[0]].join(' -> ');
    for (const key of cycle) if (!excluded.has(key)) excluded.set(key, `depends_on cycle: ${text}`);
  }
  // Then what depends on something missing or left out, until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, list] of deps) {
      if (excluded.has(key)) continue;
      const missing = list.find((d) => !deps.has(d) || excluded.has(d));
      if (missing === undefined) continue;
      excluded.set(
        key,
        deps.has(missing)
          ? `depends_on ${missing}, which is not supervised (${excluded.get(missing)})`
          : `depends_on ${missing}, which is not supervised (no such process)`,
      );
      changed = true;
    }
  }
  const dependencies = new Map<string, string[]>();
  for (const [key, list] of deps) if (!excluded.has(key)) dependencies.set(key, list);
  return { dependencies, excluded };
}

/** Key → the keys that depend on it (the reverse edges, for the stop order). */
export function dependents(dependencies: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of dependencies.keys()) out.set(key, []);
  for (const [key, list] of dependencies) for (const d of list) out.get(d)?.push(key);
  return out;
}

/**
 * Run `stop` for each of `keys`, each once `stop` has settled for every one of `keys` that depends
 * on it (per `dependencies`, which has no cycle); all others at once. Resolves when all settled.
 */
export async function stopDependentsFirst(
  keys: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
  stop: (key: string) => Promise<void>,
): Promise<void> {
  const set = new Set(keys);
  const reverse = dependents(dependencies);
  const stopping = new Map<string, Promise<void>>();
  const one = (key: string): Promise<void> => {
    let done = stopping.get(key);
    if (done === undefined) {
      const first = (reverse.get(key) ?? []).filter((d) => set.has(d));
      done = Promise.allSettled(first.map(one)).then(() => stop(key));
      stopping.set(key, done);
    }
    return done;
  };
  await Promise.allSettled(keys.map(one));
}
