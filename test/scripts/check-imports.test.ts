// The import-graph check of scripts/check-imports.ts, on small made-up module sets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importsOf, importViolations } from '../../scripts/check-imports.ts';

const LAYERS = { errors: [], cli: ['commands', 'errors'], commands: ['errors'] };

test('finds static, type-only, re-exported and dynamic imports; ignores packages', () => {
  const source = [
    "import { a } from './a.ts';",
    "import type { B } from '../b/b.ts';",
    'import {\n  c,\n  d,\n} from "./x.ts";',
    "export { e } from './e.ts';",
    "import './side-effect.ts';",
    "const f = () => import('../commands/f.ts');",
    "import { parse } from 'yaml';",
    "import { join } from 'node:path';",
  ].join('\n');
  assert.deepEqual(importsOf(source), [
    './a.ts',
    '../b/b.ts',
    './x.ts',
    './e.ts',
    './side-effect.ts',
    '../commands/f.ts',
  ]);
});

test('the allowed direction passes', () => {
  const modules = new Map([
    ['cli/main.ts', "import { run } from '../commands/run.ts';\nimport { BpmError } from '../errors.ts';"],
    ['commands/run.ts', "import { BpmError } from '../errors.ts';\nimport { x } from './x.ts';"],
    ['commands/x.ts', ''],
    ['errors.ts', ''],
  ]);
  assert.deepEqual(importViolations(modules, LAYERS), []);
});

test('a command importing the command line is refused, and so is the loop it makes', () => {
  const modules = new Map([
    ['cli/table.ts', "const load = () => import('../commands/help.ts');"],
    ['commands/help.ts', "import { TABLE } from '../cli/table.ts';"],
  ]);
  assert.deepEqual(importViolations(modules, LAYERS), [
    'src/commands/help.ts: commands may not import cli (../cli/table.ts)',
    'import cycle among src/cli/table.ts, src/commands/help.ts',
    'folder cycle among cli, commands',
  ]);
});

test('a cycle inside one folder is refused too', () => {
  const modules = new Map([
    ['commands/a.ts', "import { b } from './b.ts';"],
    ['commands/b.ts', "import { a } from './a.ts';"],
  ]);
  assert.deepEqual(importViolations(modules, LAYERS), [
    'import cycle among src/commands/a.ts, src/commands/b.ts',
  ]);
});

test('a folder without rules, and an import leaving src/, are reported', () => {
  const modules = new Map([['newthing/x.ts', "import pkg from '../../package.json';"]]);
  assert.deepEqual(importViolations(modules, LAYERS), [
    'src/newthing/x.ts: src/newthing has no entry in LAYERS',
    'src/newthing/x.ts: imports ../../package.json, outside src/',
  ]);
});

test('a barrel is refused: every module is imported by its own path', () => {
  const modules = new Map([
    ['commands/a.ts', "import { x } from '../errors/index.ts';"],
    ['errors/index.ts', "export { x } from './x.ts';"],
    ['errors/x.ts', ''],
  ]);
  assert.deepEqual(importViolations(modules, { ...LAYERS, errors: [] }), [
    'src/commands/a.ts: imports the barrel ../errors/index.ts; import the module that holds it',
  ]);
});

test('lifecycle may not exit the process, read argv or env, or keep module-level state', () => {
  const modules = new Map([
    ['lifecycle/a.ts', "const path = process.env['PATH'];\nlet calls = 0;\nprocess.exit(1);"],
    ['lifecycle/b.ts', 'const argv = process.argv;\nexport const pid = () => process.pid;'],
    ['commands/c.ts', "process.exitCode = 2;\nlet x = process.env['TERM'];"],
  ]);
  assert.deepEqual(importViolations(modules, { ...LAYERS, lifecycle: [] }), [
    'src/lifecycle/a.ts: refers to process.env',
    'src/lifecycle/a.ts: refers to process.exit',
    'src/lifecycle/a.ts: keeps module-level state (let/var)',
    'src/lifecycle/b.ts: refers to process.argv',
  ]);
});
