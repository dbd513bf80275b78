// `bpm supervise` under a Type=notify service manager (src/commands/supervise.ts), with real runc:
// READY=1 with MAINPID once every process runs, STOPPING=1 on SIGTERM, and a second SIGTERM during
// the stop neither kills the supervisor nor cuts the stops short. With --monit-compat (the release's
// unit in monit's place): READY=1 once the monit API answers.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, scaledMs, skipReason, sleep } from '../../helpers/bosh-root.ts';
import { NotifyReceiver } from '../../helpers/notify-receiver.ts';
import { freePort } from '../../monit/agent/vm.ts';

const skip = skipReason();
/** Takes a second to shut down on TERM. */
const SLOW_STOP = "#!/bin/sh\ntrap 'sleep 1; exit 0' TERM\nwhile :; do sleep 0.1; done\n";

describe('bpm supervise and NOTIFY_SOCKET', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('READY=1 once both jobs run, STOPPING=1 on SIGTERM, a second SIGTERM changes nothing; exit 0', async () => {
    const jobs = [r.uniqueJob('nfa'), r.uniqueJob('nfb')];
    for (const job of jobs)
      r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLOW_STOP });
    const rx = new NotifyReceiver(join(r.root, 'notify.sock'));
    try {
      const sup = r.spawnBpm(['supervise', ...jobs.flatMap((j) => ['--job', j])], {
        env: { NOTIFY_SOCKET: rx.address },
      });
      assert.equal(await rx.next(scaledMs(30_000)), `READY=1\nMAINPID=${sup.child.pid}`);
      for (const job of jobs)
        assert.equal(r.containerState(job)?.status, 'running', `${job} runs before READY`);
      sup.child.kill('SIGTERM');
      assert.equal(await rx.next(scaledMs(5_000)), 'STOPPING=1');
      await sleep(200);
      sup.child.kill('SIGTERM');
      const res = await sup.done;
      assert.deepEqual([res.code, res.signal], [0, null], res.stderr);
      for (const job of jobs) assert.equal(r.containerState(job), undefined, `${job} stopped`);
      assert.equal(await rx.next(100), undefined);
    } finally {
      rx.close();
    }
  });

  test('--monit-compat: READY=1 once the monit API accepts connections; SIGTERM: STOPPING=1, exit 0', async () => {
    mkdirSync(join(r.root, 'monit', 'job'), { recursive: true });
    writeFileSync(join(r.root, 'monit', 'monit.user'), 'vcap:notify-test\n', { mode: 0o600 });
    const port = await freePort();
    const rx = new NotifyReceiver(join(r.root, 'notify-monit.sock'));
    try {
      const sup = r.spawnBpm(['supervise', '--monit-compat', '--monit-port', String(port)], {
        env: { NOTIFY_SOCKET: rx.address },
      });
      assert.equal(await rx.next(scaledMs(30_000)), `READY=1\nMAINPID=${sup.child.pid}`);
      await new Promise<void>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
      sup.child.kill('SIGTERM');
      assert.equal(await rx.next(scaledMs(5_000)), 'STOPPING=1');
      const res = await sup.done;
      assert.deepEqual([res.code, res.signal], [0, null], res.stderr);
    } finally {
      rx.close();
    }
  });
});
