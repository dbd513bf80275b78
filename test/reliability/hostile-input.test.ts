// Hostile input: bad names, escaping volume paths, symlinks out of the BOSH root, invalid env
// names, 1 MB of args, a 50 MB bpm.yml, 10,000 processes. Each is refused with one clear line or
// handled correctly, and nothing outside the BOSH root is created or changed: the root lives in a
// fresh directory W next to a sentinel directory, every symlink points into the sentinel, and the
// test compares W's entries and the sentinel's tree (names, modes, owners, mtimes) before and after.
import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { parseJobConfig } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/errors.ts';
import { validateJobName, validateProcessName } from '../../src/ids/names.ts';
import { BoshRoot, type BpmResult, skipReason } from '../helpers/bosh-root.ts';
import { addSleeperJob, inspectJob, inspectRoot, SLEEPER } from './support.ts';

const skip = skipReason();

/** name → "mode uid:gid mtime size" for every entry under dir (lstat, no following). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    const st = lstatSync(d);
    out.set(
      d,
      `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.isDirectory() ? '-' : st.size}`,
    );
    if (st.isDirectory()) for (const e of readdirSync(d)) walk(join(d, e));
  };
  walk(dir);
  return out;
}

/** One `Error: …` line on stderr, exit 1, nothing on stdout. */
function assertOneLineRefusal(res: BpmResult, pattern: RegExp): void {
  assert.equal(res.code, 1, `exit ${res.code}: ${res.stderr}`);
  assert.equal(res.stdout, '');
  const lines = res.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line, got:\n${res.stderr.slice(0, 2000)}`);
  assert.match(lines[0] as string, pattern);
}

describe('hostile input', { skip }, () => {
  let w: string;
  let r: BoshRoot;
  let sentinel: string;
  let before_: Map<string, string>;
  let wEntries: string[];
  before(() => {
    w = mkdtempSync('/tmp/bpm-hostile-');
    chmodSync(w, 0o755);
    r = BoshRoot.create({ parent: w });
    sentinel = join(w, 'sentinel');
    mkdirSync(join(sentinel, 'sub'), { recursive: true, mode: 0o755 });
    writeFileSync(join(sentinel, 'keep'), 'untouched');
    before_ = snapshot(sentinel);
    wEntries = readdirSync(w).sort();
  });
  after(async () => {
    await r.cleanup();
    rmSync(w, { recursive: true, force: true });
  });

  /** Nothing outside R changed: W holds the same entries, the sentinel tree is identical. */
  function assertOutsideUntouched(): void {
    assert.deepEqual(readdirSync(w).sort(), wEntries);
    assert.deepEqual(snapshot(sentinel), before_);
  }

  test('names with ../, /, . or .., 4 KB long: one line, nothing created', async () => {
    const job = addSleeperJob(r, 'names');
    assert.equal((await r.bpm('list')).code, 0); // makes the lock directory, as every command does
    const rootBefore = snapshot(r.root);
    const bad = [
      '../../../sentinel',
      '../x',
      'a/b',
      '/abs',
      '.',
      '..',
      'x'.repeat(4096),
      `${'../'.repeat(40)}etc`,
    ];
    for (const cmd of ['start', 'stop', 'run', 'pid', 'logs']) {
      for (const name of bad) {
        assertOneLineRefusal(await r.bpm(cmd, name), /^Error: invalid job name ".*": must/);
        assertOneLineRefusal(await r.bpm(cmd, job, '-p', name), /^Error: invalid process name ".*": must/);
      }
    }
    // Nothing new in R. bpm's own directories may change under R/data/bpm (the lock directory every
    // invocation makes, bpm's code cache); no job directory, log, pid file or bundle may appear.
    const own = (k: string): boolean =>
      k === r.paths.bpmDataDir || k.startsWith(join(r.paths.bpmDataDir, 'cache'));
    const after_ = snapshot(r.root);
    for (const [k, v] of rootBefore)
      if (!own(k) && !k.startsWith(r.paths.locksDir)) assert.equal(after_.get(k), v, k);
    assert.deepEqual(
      [...after_.keys()].filter((k) => !rootBefore.has(k) && !own(k)),
      [],
    );
    assertOutsideUntouched();
  });

  test('NUL bytes (argv cannot carry them): the validators refuse them', () => {
    assert.throws(
      () => validateJobName('a\0b'),
      /^Error: invalid job name "a\\x00b": must not contain a NUL byte$|invalid job name "a\\x00b": must not contain a NUL byte/,
    );
    assert.throws(
      () => validateProcessName('\0'),
      /invalid process name "\\x00": must not contain a NUL byte/,
    );
    assert.throws(() => validateJobName('x'.repeat(256)), /must be at most 255 bytes/);
  });

  test('a volume path with .. is refused at parse time, naming the line', async () => {
    const job = r.uniqueJob('dotdot');
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'run'),
            additional_volumes: [{ path: join(r.root, 'data', job, '..', '..', '..', 'sentinel') }],
          },
        ],
      },
      { run: SLEEPER },
    );
    assertOneLineRefusal(
      await r.bpm('start', job),
      /^Error: failed to parse job configuration: .*bpm\.yml:\d+:\d+: processes\[0\]\.additional_volumes\[0\]\.path: /,
    );
    assert.equal(r.containerState(job), undefined);
    assertOutsideUntouched();
  });

  test('a volume that is a symlink out of the root is refused; the target is not chowned', async () => {
    const job = r.uniqueJob('volink');
    const vol = join(r.root, 'data', job, 'vol');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), additional_volumes: [{ path: vol }] }] },
      { run: SLEEPER },
    );
    mkdirSync(dirname(vol), { recursive: true });
    symlinkSync(sentinel, vol);
    for (const shared of [false, true]) {
      r.addJob(job, {
        processes: [
          { name: job, executable: r.jobBin(job, 'run'), additional_volumes: [{ path: vol, shared }] },
        ],
      });
      assertOneLineRefusal(
        await r.bpm('start', job),
        /^Error: failed to start job-process: failed to create system files: refusing to use .*vol: it resolves to .*sentinel, outside the BOSH root/,
      );
      assertOneLineRefusal(
        await r.bpm('run', job),
        /refusing to use .*vol: it resolves to .*sentinel, outside the BOSH root/,
      );
    }
    assert.equal(r.containerState(job), undefined);
    assert.deepEqual(inspectRoot(r), []);
    assertOutsideUntouched();
  });

  test('a job tmp directory that is a symlink out of the root is refused (the job’s vcap user can plant it)', async () => {
    const job = r.uniqueJob('tmplink');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), ephemeral_disk: true }] },
      { run: SLEEPER },
    );
    mkdirSync(join(r.root, 'data', job), { recursive: true });
    symlinkSync(sentinel, join(r.root, 'data', job, 'tmp'));
    assertOneLineRefusal(
      await r.bpm('start', job),
      /refusing to use .*tmp: it resolves to .*sentinel, outside the BOSH root/,
    );
    assert.equal(r.containerState(job), undefined);
    assertOutsideUntouched();
  });

  test('a log directory that is a symlink out of the root: start, stop and run refuse it', async () => {
    const job = r.uniqueJob('loglink');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    mkdirSync(join(r.root, 'sys', 'log'), { recursive: true });
    symlinkSync(sentinel, join(r.root, 'sys', 'log', job));
    for (const cmd of ['start', 'stop', 'run']) {
      assertOneLineRefusal(
        await r.bpm(cmd, job),
        /^Error: refusing to use .*: it resolves to .*sentinel, outside the BOSH root/,
      );
    }
    assert.equal(r.containerState(job), undefined);
    assertOutsideUntouched();
  });

  test('a pid-file directory that is a symlink out of the root is refused', async () => {
    const job = r.uniqueJob('pidlink');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    mkdirSync(join(r.root, 'sys', 'run', 'bpm'), { recursive: true });
    symlinkSync(sentinel, join(r.root, 'sys', 'run', 'bpm', job));
    assertOneLineRefusal(
      await r.bpm('start', job),
      /refusing to use .*: it resolves to .*sentinel, outside the BOSH root/,
    );
    assert.equal(r.containerState(job), undefined);
    assert.equal((await r.bpm('stop', job)).code, 0); // nothing to stop
    assertOutsideUntouched();
  });

  test('env names no environment can carry are refused with the location; odd but possible ones pass', async () => {
    // '' made runc fail with a bare `exit status 1`; 'A=B' silently became A="B=v".
    for (const name of ['', 'A=B', '=']) {
      const job = r.uniqueJob('env');
      r.addJob(
        job,
        { processes: [{ name: job, executable: r.jobBin(job, 'run'), env: { [name]: 'v' } }] },
        { run: SLEEPER },
      );
      assertOneLineRefusal(
        await r.bpm('start', job),
        /^Error: failed to parse job configuration: .*bpm\.yml:\d+:\d+: processes\[0\]\.env\[.*\]: invalid environment variable name/,
      );
      assert.deepEqual(inspectJob(r, job, 'stopped'), [], `env ${JSON.stringify(name)}`);
    }
    for (const name of ['1X', 'A B', 'A\tB', 'É']) {
      const job = r.uniqueJob('env');
      r.addJob(
        job,
        { processes: [{ name: job, executable: r.jobBin(job, 'run'), env: { [name]: 'v' } }] },
        { run: SLEEPER },
      );
      const res = await r.bpm('start', job);
      assert.equal(res.code, 0, `env ${JSON.stringify(name)}: ${res.stderr}`);
      assert.deepEqual(inspectJob(r, job, 'running'), [], `env ${JSON.stringify(name)}`);
      assert.equal((await r.bpm('stop', job)).code, 0);
      assert.deepEqual(inspectJob(r, job, 'stopped'), [], `env ${JSON.stringify(name)}`);
    }
    assertOutsideUntouched();
  });

  test('1 MB of args in bpm.yml is handled; 1 MB of extra CLI arguments is ignored, as upstream', async () => {
    const job = r.uniqueJob('bigargs');
    const args = Array.from({ length: 1024 }, (_, i) => `${i}-${'a'.repeat(1018)}`);
    r.addJob(job, {
      processes: [{ name: job, executable: '/bin/sh', args: ['-c', 'exec sleep 100000', ...args] }],
    });
    const res = await r.bpm('start', job);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(inspectJob(r, job, 'running'), []);
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.deepEqual(inspectJob(r, job, 'stopped'), []);

    // docs/behaviour/commands.md §1.1: extra positional arguments after JOB are silently ignored by every
    // command.
    const cli = await r.bpm('start', job, ...args.slice(0, 900));
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(cli.stderr, '');
    assert.deepEqual(inspectJob(r, job, 'running'), []);
    assert.equal((await r.bpm('stop', job, ...args.slice(0, 900))).code, 0);
    assert.deepEqual(inspectJob(r, job, 'stopped'), []);
  });

  test('a 50 MB bpm.yml and one with 10,000 processes: refused or handled, in bounded time', async (t) => {
    const job = r.uniqueJob('huge');
    // 50 MB of real content (51,200 args of 1 KB), not a comment: far beyond what execve takes.
    const items = Array.from({ length: 51_200 }, (_, i) => `    - ${i}-${'a'.repeat(1010)}`).join('\n');
    r.addJob(job, `processes:\n- name: ${job}\n  executable: /bin/sleep\n  args:\n${items}\n`);
    const big = await r.bpmWith({ timeoutMs: 120_000 }, 'start', job);
    if (big.code !== 0) assertOneLineRefusal(big, /^Error: /);
    const stopBig = await r.bpm('stop', job);
    assert.equal(stopBig.code, 0, stopBig.stderr);
    assert.deepEqual(inspectJob(r, job, 'stopped'), []);
    assert.ok(big.ms < 60_000, `start with a 50 MB bpm.yml took ${Math.round(big.ms)} ms`);
    t.diagnostic(`50 MB bpm.yml: exit ${big.code} in ${Math.round(big.ms)} ms: ${big.stderr.trim()}`);

    const many = r.uniqueJob('many');
    const processes = Array.from({ length: 10_000 }, (_, i) => ({
      name: `p${i}`,
      executable: '/bin/sleep',
      args: ['100000'],
    }));
    r.addJob(many, stringify({ processes }));
    const res = await r.bpmWith({ timeoutMs: 120_000 }, 'start', many, '-p', 'p9999');
    t.diagnostic(`10,000 processes: start -p p9999 exit ${res.code} in ${Math.round(res.ms)} ms`);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(inspectJob(r, many, 'running', 'p9999'), []);
    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${many}\\.p9999\\s+\\d+\\s+running`));
    assert.equal((await r.bpm('stop', many, '-p', 'p9999')).code, 0);
    assert.deepEqual(inspectJob(r, many, 'stopped', 'p9999'), []);
    assertOutsideUntouched();
  });

  test('parse path: 10,000 processes and a duplicate among them', () => {
    const processes = Array.from({ length: 10_000 }, (_, i) => ({ name: `p${i}`, executable: '/bin/true' }));
    processes.push({ name: 'p17', executable: '/bin/true' });
    const text = stringify({ processes });
    const opts = { root: '/var/vcap', job: 'j' };
    let err: unknown;
    try {
      const cfg = parseJobConfig(text, '/j/bpm.yml', opts);
      assert.equal(cfg.processes.length, 10_001);
    } catch (e) {
      err = e;
    }
    if (err !== undefined) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.doesNotMatch((err as Error).message, /\n/);
    }
  });
});
