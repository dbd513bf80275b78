// `bpm validate` end to end (src/main.ts with a temporary BOSH root): exit codes, --strict,
// --json shape, job names and file paths as arguments, and the root help staying upstream's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { needsRoot } from '../helpers/needs-root.ts';
import { bpmFromSource } from '../helpers/run-source.ts';

const FIXTURES = new URL('../fixtures/jobs/', import.meta.url).pathname;
const bpm = bpmFromSource;

const notRoot = needsRoot('bpm refuses to run otherwise');

describe('bpm validate (command)', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'bpm-validate-'));
    for (const job of ['plain', 'hardened'])
      cpSync(join(FIXTURES, job), join(root, 'jobs', job), { recursive: true });
    for (const [job, exe] of [
      ['plain', 'plain/bin/plain'],
      ['hardened', 'hardened/bin/server'],
    ] as const) {
      mkdirSync(join(root, 'packages', job, 'bin'), { recursive: true });
      writeFileSync(join(root, 'packages', exe), '#!/bin/sh\n');
      chmodSync(join(root, 'packages', exe), 0o755);
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('checks every job under the root; warnings alone exit 0', { skip: notRoot }, () => {
    const r = bpm(root, 'validate');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /security hardened\/hardened: 100\/100 \(hardened\)/);
    assert.match(r.stdout, /security plain\/plain: 90\/100 \(hardened\)/);
    assert.match(r.stdout, /2 jobs checked: 0 errors, 0 warnings\n$/);
  });

  it('fails on errors, and on warnings with --strict', { skip: notRoot }, () => {
    const file = join(root, 'bad.yml');
    writeFileSync(
      file,
      'processes:\n- name: x\n  executable: /var/vcap/packages/plain/bin/plain\n  limits: {memory: 10}\n  typo: 1\n',
    );
    const r = bpm(root, 'validate', file);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      new RegExp(`${file}:4:20: error: processes\\[0\\]\\.limits\\.memory: byte quantity`),
    );
    const warn = join(root, 'warn.yml');
    writeFileSync(
      warn,
      'processes:\n- name: x\n  executable: /var/vcap/packages/plain/bin/plain\n  typo: 1\n',
    );
    assert.equal(bpm(root, 'validate', warn).code, 0);
    assert.equal(bpm(root, 'validate', '--strict', warn).code, 1);
  });

  it('--json: one object per finding with file, line, column, field, severity, code, message, hint', {
    skip: notRoot,
  }, () => {
    const file = join(root, 'json.yml');
    writeFileSync(
      file,
      'processes:\n- name: x\n  executable: /var/vcap/packages/plain/bin/plain\n  capabilities: [CAP_CHOWN]\n',
    );
    const r = bpm(root, 'validate', '--json', file, 'plain');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.findings, [
      {
        file,
        line: 4,
        column: 18,
        field: 'processes[0].capabilities[0]',
        severity: 'warning',
        code: 'capability-cap-prefix',
        message:
          'capability "CAP_CHOWN" has the CAP_ prefix: bpm prepends it again (CAP_CAP_CHOWN), which runc rejects or ignores',
        hint: 'write CHOWN',
      },
    ]);
    // A file outside R/jobs/JOB/config is named after its directory.
    assert.deepEqual(
      doc.security.map((s: { job: string; process: string; score: number }) => [s.job, s.process, s.score]),
      [
        [root.split('/').at(-1), 'x', 80],
        ['plain', 'plain', 90],
      ],
    );
    assert.equal(doc.errors, 0);
    assert.equal(doc.warnings, 1);
  });

  it('lists every error of a file at once, with the warnings and scores of what decoded', {
    skip: notRoot,
  }, () => {
    const file = join(root, 'many.yml');
    writeFileSync(
      file,
      [
        'processes:',
        '- name: a',
        '  executable: /var/vcap/packages/plain/bin/plain',
        `  additional_volumes: [{path: ${root}/data/x/}]`,
        '  shutdown_signal: KILL',
        '  capabilities: [CAP_CHOWN]',
        '- name: b',
        '  executable: /var/vcap/packages/plain/bin/plain',
        '  ephemeral_disk: maybe',
        '- ~',
        '',
      ].join('\n'),
    );
    const r = bpm(root, 'validate', file);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    const findings = lines.filter((l) => l.startsWith(`${file}:`));
    assert.deepEqual(findings, [
      `${file}:4:31: error: processes[0].additional_volumes[0].path: volume path must be canonical, expected ${root}/data/x but got ${root}/data/x/ [config-invalid]`,
      `${file}:5:20: error: processes[0].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'KILL' [config-invalid]`,
      `${file}:6:18: warning: processes[0].capabilities[0]: capability "CAP_CHOWN" has the CAP_ prefix: bpm prepends it again (CAP_CAP_CHOWN), which runc rejects or ignores [capability-cap-prefix]`,
      `${file}:9:19: error: processes[1].ephemeral_disk: must be a boolean, got "maybe" [config-type]`,
      `${file}:10:3: error: processes[2]: process entry is null; expected a mapping with name and executable [config-invalid]`,
    ]);
    // Each finding line is followed by its hint.
    for (const f of findings) assert.match(lines[lines.indexOf(f) + 1] ?? '', /^ {4}hint: \S/);
    assert.match(r.stdout, /^security [^/\n]+\/a: \d+\/100 /m);
    assert.doesNotMatch(r.stdout, /^security [^/\n]+\/b/m);
    assert.match(r.stdout, /1 job checked: 4 errors, 1 warning\n$/);

    const j = bpm(root, 'validate', '--json', file);
    assert.equal(j.code, 1);
    const doc = JSON.parse(j.stdout);
    assert.deepEqual(
      doc.findings.map((f: { line: number; column: number; field: string; code: string }) => [
        f.line,
        f.column,
        f.field,
        f.code,
      ]),
      [
        [4, 31, 'processes[0].additional_volumes[0].path', 'config-invalid'],
        [5, 20, 'processes[0].shutdown_signal', 'config-invalid'],
        [6, 18, 'processes[0].capabilities[0]', 'capability-cap-prefix'],
        [9, 19, 'processes[1].ephemeral_disk', 'config-type'],
        [10, 3, 'processes[2]', 'config-invalid'],
      ],
    );
    assert.deepEqual(
      doc.security.map((s: { process: string }) => s.process),
      ['a'],
    );
    assert.equal(doc.errors, 4);
    assert.equal(doc.warnings, 1);
  });

  it('lists every YAML syntax error', { skip: notRoot }, () => {
    const file = join(root, 'syntax.yml');
    writeFileSync(file, 'processes:\n\t- name: a\n- name: {\n');
    const r = bpm(root, 'validate', file);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^${file}:2:1: error: yaml: .*\\[config-syntax\\]$`, 'm'));
    assert.match(
      r.stdout,
      new RegExp(`^${file}:3:9: error: yaml: this "\\{" is never closed.*\\[config-syntax\\]$`, 'm'),
    );
    assert.match(r.stdout, /1 job checked: 2 errors, 0 warnings\n$/);
  });

  it('a missing job is an error finding that names the job, with no made-up 0:0 position', {
    skip: notRoot,
  }, () => {
    const r = bpm(root, 'validate', 'nosuchjob');
    assert.equal(r.code, 1);
    const file = join(root, 'jobs', 'nosuchjob', 'config', 'bpm.yml');
    assert.ok(
      r.stdout.startsWith(`${file}: error: no job "nosuchjob": ${file} does not exist [config-unreadable]\n`),
      r.stdout,
    );
    const missingPath = join(root, 'nowhere.yml');
    assert.match(
      bpm(root, 'validate', missingPath).stdout,
      new RegExp(`^${missingPath}: error: ${missingPath} does not exist `),
    );
  });

  it('runs without root on a readable file, and creates nothing', { skip: notRoot }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpm-validate-nobody-'));
    try {
      chmodSync(dir, 0o755);
      const file = join(dir, 'bpm.yml');
      writeFileSync(file, 'processes:\n- name: w\n  executable: /bin/sh\n  memory: 1G\n');
      chmodSync(file, 0o644);
      const main = new URL('../../src/main.ts', import.meta.url).pathname;
      const r = spawnSync(process.execPath, [main, 'validate', file], {
        env: { ...process.env, BPM_BOSH_ROOT: dir },
        encoding: 'utf8',
        uid: 65534,
        gid: 65534,
      });
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.match(
        r.stdout,
        /warning: processes\[0\]\.memory: .*\[misplaced-key\]\n {4}hint: did you mean limits\.memory\?/,
      );
      assert.deepEqual(readdirSync(dir), ['bpm.yml']); // no R/data/bpm/locks
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('depends_on is checked against the jobs under the root: unknown process error, job not here warning', {
    skip: notRoot,
  }, () => {
    const file = join(root, 'deps.yml');
    writeFileSync(
      file,
      'processes:\n- name: x\n  executable: /var/vcap/packages/plain/bin/plain\n  depends_on: [plain/plain, plain/nope, elsewhere/db]\n',
    );
    const r = bpm(root, 'validate', file);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      new RegExp(
        `${file}:4:29: error: processes\\[0\\]\\.depends_on\\[1\\]: depends_on "plain/nope": job "plain" has no process "nope" \\[depends-on-unknown\\]\n    hint: its processes: plain\n`,
      ),
    );
    assert.match(
      r.stdout,
      new RegExp(
        `${file}:4:41: warning: processes\\[0\\]\\.depends_on\\[2\\]: depends_on "elsewhere/db": job "elsewhere" is not deployed on this VM \\[depends-on-not-deployed\\]`,
      ),
    );
    assert.doesNotMatch(r.stdout, /plain\/plain"/, 'an existing process is fine');
  });

  it('is not listed in the root help (upstream text stays byte-identical)', () => {
    const r = bpm(root, '--help');
    assert.doesNotMatch(r.stdout, /validate|export/);
  });
});
