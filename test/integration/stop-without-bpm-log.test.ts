// Issue #10 item 6 (policy fix 14): a job owns its log directory, so it can make bpm.log a
// symlink, a FIFO it keeps full, or put it on a read-only or full filesystem. None of these may
// keep `bpm stop` from stopping the job: bpm warns once on stderr and goes on without bpm.log.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';
/** One warning line naming bpm.log, nothing else on stderr. */
const WARNING = /^warning: bpm\.log not written: [^\n]+\n$/;

function sh(script: string): void {
  const r = spawnSync('sh', ['-ec', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

describe('bpm stop does not depend on bpm.log', { skip }, () => {
  let r: BoshRoot;
  const holders: Array<{ kill(): boolean }> = [];
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    for (const h of holders) h.kill();
    await r.cleanup();
  });

  /** Start a sleeping job, let `sabotage` act on its log dir, stop it; the container must be gone. */
  async function stopAfter(
    prefix: string,
    sabotage: (logDir: string) => void | Promise<void>,
  ): Promise<void> {
    const job = r.uniqueJob(prefix);
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    const started = await r.bpm('start', job);
    assert.equal(started.code, 0, started.stderr);
    await sabotage(r.paths.job(job).logDir);
    const stopped = await r.bpmWith({ timeoutMs: 15_000 }, 'stop', job);
    assert.equal(stopped.signal, null, 'bpm stop hung and was killed');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, WARNING);
    assert.equal(r.containerState(job), undefined, 'the job is still running');
  }

  test('bpm.log replaced by a symlink', async () => {
    await stopAfter('link', (dir) => {
      const secret = join(r.root, 'secret');
      writeFileSync(secret, 'root only\n', { mode: 0o600 });
      rmSync(join(dir, 'bpm.log'));
      symlinkSync(secret, join(dir, 'bpm.log'));
    });
  });

  test('bpm.log replaced by a FIFO the job keeps full', async () => {
    await stopAfter('fifo', async (dir) => {
      const fifo = join(dir, 'bpm.log');
      rmSync(fifo);
      sh(`mkfifo '${fifo}'`);
      // The job's side: hold the FIFO open and fill its buffer, so every further write blocks.
      const filler = `
        const fs = require('node:fs');
        const fd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
        const chunk = Buffer.alloc(4096, 120);
        try { for (;;) fs.writeSync(fd, chunk); } catch {}
        try { for (;;) fs.writeSync(fd, chunk, 0, 1); } catch {}
        process.stdout.write('full\\n');
        setInterval(() => {}, 1000);`;
      const holder = spawn(process.execPath, ['-e', filler], { stdio: ['ignore', 'pipe', 'inherit'] });
      holders.push(holder);
      await new Promise((resolve) => holder.stdout.once('data', resolve));
    });
  });

  test('log directory on a read-only filesystem', async () => {
    await stopAfter('ro', (dir) => {
      sh(`mount --bind '${dir}' '${dir}' && mount -o remount,bind,ro '${dir}'`);
    });
  });

  test('log directory on a full filesystem', async () => {
    await stopAfter('full', (dir) => {
      // A tmpfs without free inodes: creating bpm.log fails with ENOSPC.
      sh(`mount -t tmpfs -o size=64k,nr_inodes=4 tmpfs '${dir}'
          i=0; while touch '${dir}'/fill.$i 2>/dev/null; do i=$((i+1)); done`);
    });
  });
});
