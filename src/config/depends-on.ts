// The names of depends_on (docs/supervisor.md#depends_on), pure: `JOB/PROC` keys, what an entry
// names, and the cycles of a graph of keys. The supervisor resolves its graph with them
// (supervisor/dependencies.ts); `bpm validate` reports the same cycles (analysis/depends-on.ts).

export function processKey(job: string, process: string): string {
  return `${job}/${process}`;
}

/** `PROC` or `JOB/PROC` as written in `job`'s bpm.yml → the key it names. */
export function dependencyKey(job: string, dep: string): string {
  return dep.includes('/') ? dep : processKey(job, dep);
}

/** Each elementary cycle found by a depth-first walk (every node on a cycle is in at least one). */
export function findCycles(deps: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (key: string): void => {
    if (done.has(key)) return;
    if (onPath.has(key)) {
      const cycle = path.slice(path.indexOf(key));
      // Told from its smallest key, so one cycle reads the same whichever way it was found.
      const first = cycle.indexOf([...cycle].sort()[0]!);
      cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
      return;
    }
    onPath.add(key);
    path.push(key);
    for (const d of deps.get(key) ?? []) visit(d);
    path.pop();
    onPath.delete(key);
    done.add(key);
  };
  for (const key of [...deps.keys()].sort()) visit(key);
  return cycles;
}
