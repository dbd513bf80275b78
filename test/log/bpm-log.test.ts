import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import type { User } from '../../src/host-facts.ts';
import { BpmLogFile, setupBpmLog } from '../../src/log/bpm-log.ts';
import { commandLogger } from '../../src/log/logger.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from '../host/vcap-user.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-bpmlog-'));
let vcap: User;
before(() => {
  vcap = ensureVcap();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const notRoot = needsRoot('chown');

describe('setupBpmLog', () => {
  it('creates the log dir 0750 root and bpm.log 0600 vcap, and appends lines', { skip: notRoot }, () => {
    const job = new RootPaths(dir).job('web');
    for (const command of ['start', 'stop']) {
      const file = setupBpmLog(job, () => vcap);
      commandLogger(file, command, 'web', 'web').info('starting');
      file.close();
    }
    const dirStat = statSync(job.logDir);
    assert.deepEqual([dirStat.uid, dirStat.mode & 0o777], [0, 0o750]);
    const st = statSync(job.bpmLog);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [vcap.uid, vcap.gid, 0o600]);
    const lines = readFileSync(job.bpmLog, 'utf8').split('\n');
    assert.equal(lines.length, 3);
    assert.match(
      lines[0] ?? '',
      /^\{"timestamp":"[^"]{30}","level":"info","source":"bpm","message":"bpm.start.starting"/,
    );
    assert.match(
      lines[1] ?? '',
      /"message":"bpm.stop.starting","data":\{"job":"web","process":"web","session":"1"\}\}$/,
    );
  });

  it('does not follow a symlink at bpm.log: one warning, nothing written through it', () => {
    const job = new RootPaths(dir).job('linked');
    mkdirSync(job.logDir, { recursive: true });
    const target = join(dir, 'target');
    writeFileSync(target, '', { mode: 0o600 });
    symlinkSync(target, job.bpmLog);
    const warnings: string[] = [];
    const file = setupBpmLog(job, vcap, (l) => warnings.push(l));
    commandLogger(file, 'stop', 'linked', 'linked').info('starting');
    file.close();
    assert.deepEqual(warnings, [
      `warning: bpm.log not written: refusing to open symlink at ${job.bpmLog}: too many levels of symbolic links\n`,
    ]);
    assert.equal(readFileSync(target, 'utf8'), '');
    assert.equal(statSync(target).uid, 0);
  });

  it('does not block on a FIFO at bpm.log', () => {
    const job = new RootPaths(dir).job('fifo');
    mkdirSync(job.logDir, { recursive: true });
    execFileSync('mkfifo', [job.bpmLog]);
    const warnings: string[] = [];
    const file = setupBpmLog(job, vcap, (l) => warnings.push(l));
    for (let i = 0; i < 1000; i++) commandLogger(file, 'stop', 'fifo', 'fifo').info('x'.repeat(100));
    file.close();
    assert.deepEqual(warnings, [
      `warning: bpm.log not written: refusing to open ${job.bpmLog}: not a regular file\n`,
    ]);
  });

  it('a log dir that cannot be created is a warning too', () => {
    const job = new RootPaths(dir).job('blocked');
    mkdirSync(join(dir, 'sys', 'log'), { recursive: true });
    writeFileSync(job.logDir, 'a file in the way');
    const warnings: string[] = [];
    setupBpmLog(job, vcap, (l) => warnings.push(l)).close();
    assert.deepEqual(warnings, [`warning: bpm.log not written: mkdir ${job.logDir}: not a directory\n`]);
  });

  it('a failing write warns once and the rest is dropped', () => {
    const warnings: string[] = [];
    const file = new BpmLogFile('/dev/full', openSync('/dev/full', 'a'), vcap, (l) => warnings.push(l));
    const log = commandLogger(file, 'stop', 'web', 'web');
    log.info('starting');
    log.info('complete');
    file.close();
    assert.deepEqual(warnings, ['warning: bpm.log not written: write /dev/full: no space left on device\n']);
  });

  it('creates the log dir before looking up the user, as upstream', () => {
    const job = new RootPaths(dir).job('nouser');
    assert.throws(
      () =>
        setupBpmLog(job, () => {
          throw new Error('user: unknown user vcap');
        }),
      { message: 'user: unknown user vcap' },
    );
    assert.ok(statSync(job.logDir).isDirectory());
  });

  it('keeps whole lines when several processes log concurrently', { skip: notRoot }, async () => {
    const job = new RootPaths(dir).job('busy');
    const mod = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
    const script = `
      import { setupBpmLog } from ${mod('../../src/log/bpm-log.ts')};
      import { commandLogger } from ${mod('../../src/log/logger.ts')};
      import { RootPaths } from ${mod('../../src/bosh/paths.ts')};
      const f = setupBpmLog(new RootPaths(${JSON.stringify(dir)}).job('busy'), ${JSON.stringify(vcap)});
      const log = commandLogger(f, 'start', 'busy', 'p' + process.argv[1]);
      for (let i = 0; i < 300; i++) log.info('event-' + 'x'.repeat(200));
      f.close();`;
    const codes = await Promise.all(
      [1, 2, 3].map(
        (n) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(n)], {
              stdio: ['ignore', 'ignore', 'inherit'],
            });
            child.once('exit', resolve);
          }),
      ),
    );
    assert.deepEqual(codes, [0, 0, 0]);
    const lines = readFileSync(job.bpmLog, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 900);
    for (const l of lines) JSON.parse(l);
  });
});
