// The layer rules of docs/architecture.md, checked over src/'s import graph (run by `npm test`):
//   1. a module imports only from its own folder and from the folders LAYERS allows it;
//   2. no import cycle, between files or through folders (dynamic `import()` counts too);
//   3. no `index.ts` barrels: a module is imported by its own path, so each is reached one way;
//   4. lifecycle/ assumes no process of its own (one supervisor runs many operations at once): it
//      never exits the process, reads argv or env, nor keeps state in a module-level `let`/`var`.
// A new folder under src/ needs its entry here. `node scripts/check-imports.ts` prints one line
// per violation and exits 1 if there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * What each part of src/ may import, lowest layer first. A part is a folder (`cli`) or a
 * top-level file without `.ts` (`errors`). Everything may import its own folder.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  errors: [],
  version: [],
  'host-facts': [],
  text: [],
  sys: ['errors', 'text'],
  // Go's library behaviour bpm copies (os, path, filepath, exec, strconv, json): just above sys
  go: ['errors', 'sys', 'text'],
  bosh: ['go'],
  ids: ['errors', 'go', 'text'],
  config: ['bosh', 'errors', 'go', 'text'],
  oci: ['bosh', 'config', 'go', 'host-facts'],
  host: ['bosh', 'config', 'errors', 'go', 'host-facts', 'oci', 'sys', 'text'],
  log: ['bosh', 'go', 'host', 'host-facts', 'oci'],
  runc: ['bosh', 'errors', 'log', 'sys', 'text'],
  lifecycle: [
    'bosh',
    'config',
    'errors',
    'go',
    'host',
    'host-facts',
    'ids',
    'log',
    'oci',
    'runc',
    'sys',
    'text',
  ],
  supervisor: ['bosh', 'config', 'errors', 'go', 'host', 'ids', 'lifecycle', 'log', 'runc', 'sys', 'text'],
  monit: [
    'bosh',
    'config',
    'errors',
    'go',
    'host',
    'ids',
    'lifecycle',
    'log',
    'runc',
    'supervisor',
    'sys',
    'text',
  ],
  analysis: ['bosh', 'config', 'errors', 'go', 'host', 'ids', 'oci', 'sys'],
  export: ['bosh', 'config', 'errors', 'host', 'host-facts', 'oci'],
  presenters: ['analysis', 'errors', 'sys', 'version'],
  commands: [
    'analysis',
    'bosh',
    'config',
    'errors',
    'export',
    'go',
    'host',
    'host-facts',
    'ids',
    'lifecycle',
    'monit',
    'presenters',
    'runc',
    'sys',
    'supervisor',
    'text',
  ],
  cli: ['bosh', 'commands', 'errors', 'go', 'host', 'ids', 'log', 'presenters', 'sys', 'text'],
  // bpm's start-up: the V8 code cache of the bundle, and where it may live
  startup: ['bosh', 'go', 'sys'],
  main: ['bosh', 'cli', 'startup'],
  // the single executable's entry (the BOSH release's bpm package)
  sea: ['cli'],
};

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers a module imports (static, re-exports and dynamic). */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.')) found.push(spec);
  }
  return found;
}

/** Folders whose modules must not reference the process's globals or keep module-level state. */
export const PROCESS_FREE: readonly string[] = ['lifecycle'];
const PROCESS_GLOBAL = /\bprocess\s*\.\s*(exit|exitCode|argv|env)\b|\bprocess\s*\[/g;
const MODULE_STATE = /^(?:export\s+)?(?:let|var)\s/gm;

/** Rule 4's violations in one module's source. */
export function processGlobalUses(file: string, source: string): string[] {
  const problems: string[] = [];
  for (const m of source.matchAll(PROCESS_GLOBAL))
    problems.push(`src/${file}: refers to ${m[0].replace(/\s/g, '')}`);
  for (const _ of source.matchAll(MODULE_STATE))
    problems.push(`src/${file}: keeps module-level state (let/var)`);
  return problems;
}

/** `cli` for `cli/main.ts`, `errors` for `errors.ts` (paths relative to src/). */
function partOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? file.replace(/\.ts$/, '') : file.slice(0, slash);
}

/** Violations of the rules in a set of modules: path relative to src/ → source text. */
export function importViolations(
  modules: ReadonlyMap<string, string>,
  layers: Readonly<Record<string, readonly string[]>> = LAYERS,
): string[] {
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const [file, source] of modules) {
    const from = partOf(file);
    if (PROCESS_FREE.includes(from)) problems.push(...processGlobalUses(file, source));
    const allowed = layers[from];
    if (allowed === undefined) problems.push(`src/${file}: src/${from} has no entry in LAYERS`);
    const targets: string[] = [];
    for (const spec of importsOf(source)) {
      const target = relative('/src', resolve('/src', dirname(file), spec));
      if (target.startsWith('..')) {
        problems.push(`src/${file}: imports ${spec}, outside src/`);
        continue;
      }
      targets.push(target);
      if (target.endsWith('/index.ts') || target === 'index.ts') {
        problems.push(`src/${file}: imports the barrel ${spec}; import the module that holds it`);
      }
      const to = partOf(target);
      if (to !== from && allowed !== undefined && !allowed.includes(to)) {
        problems.push(`src/${file}: ${from} may not import ${to} (${spec})`);
      }
    }
    edges.set(file, targets);
  }
  for (const cycle of cycles(edges))
    problems.push(`import cycle among ${cycle.map((f) => `src/${f}`).join(', ')}`);
  const parts = new Map<string, string[]>();
  for (const [file, targets] of edges) {
    const from = partOf(file);
    const tos = parts.get(from) ?? [];
    for (const t of targets) if (partOf(t) !== from && !tos.includes(partOf(t))) tos.push(partOf(t));
    parts.set(from, tos);
  }
  for (const cycle of cycles(parts)) problems.push(`folder cycle among ${cycle.join(', ')}`);
  return problems;
}

/** Every cycle's members (strongly connected components of more than one node, or a self-loop). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const members: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      members.push(w);
    } while (w !== v);
    if (members.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(members.reverse());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

function readModules(srcDir: string): Map<string, string> {
  const modules = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts')) modules.set(relative(srcDir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(srcDir);
  return modules;
}

if (import.meta.main) {
  const problems = importViolations(readModules(new URL('../src', import.meta.url).pathname));
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
