// Hostile bpm.yml files (issue #10 item 5): alias and merge bombs are refused with one located line
// in well under a second, and raw control characters are a located parse error. Each bomb is parsed
// in a child process with a deadline, so a decoder that spins fails the test instead of hanging it.
// The time is the parsing thread's CPU time: what the decoder spends, whatever else the machine runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { allowedAliasRatio } from '../../src/config/alias-budget.ts';
import { fanOutBomb, nestedMergeBomb } from '../helpers/hostile-yaml.ts';
import { FILE, parse, parseError } from './helpers.ts';

const PARSE = new URL('../../src/config/parse.ts', import.meta.url).pathname;

/** parseJobConfig in a child with a 5 s deadline: the one-line message and the CPU time it took. */
function parseInChild(text: string): { message: string; ms: number } {
  const script = `
    import { parseJobConfig } from ${JSON.stringify(PARSE)};
    const text = ${JSON.stringify(text)};
    const t0 = process.threadCpuUsage();
    let message = 'parsed';
    try { parseJobConfig(text, ${JSON.stringify(FILE)}, { root: '/var/vcap', job: 'web' }); }
    catch (err) { message = err.message; }
    const { user, system } = process.threadCpuUsage(t0);
    process.stdout.write(JSON.stringify({ message, ms: (user + system) / 1000 }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  assert.equal(r.signal, null, 'the parse did not finish within 5 s');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { message: string; ms: number };
}

test("yaml.v3's allowed alias ratio: 99 % up to 400 000 decodes, 10 % from 4 000 000, linear between", () => {
  assert.equal(allowedAliasRatio(1_001), 0.99);
  assert.equal(allowedAliasRatio(400_000), 0.99);
  assert.ok(Math.abs(allowedAliasRatio(2_200_000) - 0.545) < 1e-9);
  assert.equal(allowedAliasRatio(4_000_000), 0.1);
  assert.equal(allowedAliasRatio(9_000_000), 0.1);
});

for (const [name, bomb] of [
  ['nested << merges (1.2 KB)', nestedMergeBomb],
  ['a tenfold merge fan-out to 10^6 mappings', fanOutBomb],
] as const) {
  test(`${name}: one located line, in well under a second`, () => {
    const text = bomb();
    const { message, ms } = parseInChild(text);
    assert.match(
      message,
      /^\/var\/vcap\/jobs\/web\/config\/bpm\.yml:\d+:7: yaml: document contains excessive aliasing$/,
    );
    assert.ok(ms < 300, `took ${ms.toFixed(0)} ms of CPU`);
  });
}

test('a chain of more than 100 nested expansions is refused at its start', () => {
  let text = 'm0: &m0 {name: p}\n';
  for (let i = 1; i <= 150; i++) text += `m${i}: &m${i} {<<: *m${i - 1}}\n`;
  assert.equal(
    parseError(`${text}processes:\n- <<: *m150\n  executable: /bin/e\n`),
    `${FILE}:153:7: yaml: document contains excessive aliasing`,
  );
  let fine = 'm0: &m0 {name: p}\n';
  for (let i = 1; i <= 50; i++) fine += `m${i}: &m${i} {<<: *m${i - 1}}\n`;
  assert.equal(parse(`${fine}processes:\n- <<: *m50\n  executable: /bin/e\n`).processes[0]!.name, 'p');
});

test('ordinary anchors, aliases and merges stay well inside the budget', () => {
  let text = 'env: &env {A: "1", B: "2", C: "3"}\nbase: &base {executable: /bin/e, env: *env}\nprocesses:\n';
  for (let i = 0; i < 200; i++) text += `- <<: *base\n  name: p${i}\n  args: [x]\n`;
  const cfg = parse(text);
  assert.equal(cfg.processes.length, 200);
  assert.deepEqual([...cfg.processes[199]!.env.keys()], ['A', 'B', 'C']);
});

test('raw control characters are a located parse error, as yaml.v3 reads them', () => {
  const msg = 'yaml: control characters are not allowed';
  assert.equal(parseError('processes:\n- name: p\n  executable: "/bin/e\u001b"\n'), `${FILE}:3:22: ${msg}`);
  assert.equal(parseError('processes:\n- name: p\u0000\n'), `${FILE}:2:10: ${msg}`);
  assert.equal(parseError('# a comment \u0007\nprocesses: []\n'), `${FILE}:1:13: ${msg}`);
  assert.equal(parseError('processes: []\n\u007f'), `${FILE}:2:1: ${msg}`);
  assert.equal(parseError('processes: []\n# \u0090\n'), `${FILE}:2:3: ${msg}`);
  // Tab, CR/LF, NEL, a BOM and characters beyond the BMP are allowed.
  const ok = parse('\ufeffprocesses:\r\n- name: "p\tq\u0085"\r\n  executable: /bin/\u{1f600}\r\n');
  assert.equal(ok.processes[0]!.executable, '/bin/\u{1f600}');
});
