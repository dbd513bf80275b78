// `bpm supervise --monit-compat` on a reload (SIGHUP) after a job went from the job files: like
// monit, it forgets the service and leaves its process running — no sweep of containers that no
// job file or bpm.yml names any more (docs/supervisor.md#replacing-monit, "Reload and stop"). The
// BOSH agent stops every job (monit stop) before it replaces the job files, so in its flow nothing
// is left behind; plain `bpm supervise` stops what went on a reload (reload.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../helpers/bosh-root.ts';
import { supervisorLog } from '../helpers/supervisor-log.ts';
import { addBpmJob, freePort, prepareVm, SupervisorDaemon, type Vm } from '../monit/agent/vm.ts';

const skip = skipReason();

describe('bpm supervise --monit-compat: reload', { skip }, () => {
  let r: BoshRoot;
  let vm: Vm;
  before(() => {
    r = BoshRoot.create();
    vm = prepareVm(r);
  });
  after(() => r.cleanup());

  test('a job gone from the job files (and from R/jobs) is forgotten on SIGHUP, its container left running', async () => {
    const keep = addBpmJob(vm, 'keep');
    const gone = addBpmJob(vm, 'gone');
    const daemon = new SupervisorDaemon(vm, await freePort());
    daemon.start();
    try {
      const running = (job: string) => r.containerState(job)?.status === 'running';
      assert.ok(await eventually(() => running(keep) && running(gone), 30_000), 'both started');
      const pids = [r.containerState(keep)?.pid, r.containerState(gone)?.pid];
      const monitDir = join(r.root, 'monit', 'job');
      for (const f of readdirSync(monitDir)) if (f.endsWith(`_${gone}.monitrc`)) rmSync(join(monitDir, f));
      rmSync(join(r.root, 'jobs', gone), { recursive: true });
      const loaded = () => supervisorLog(r).filter((l) => l.message === 'bpm.supervise.monit-loaded');
      assert.equal(daemon.cli('reload').code, 0);
      assert.ok(await eventually(() => loaded().length === 2, 20_000), 'reloaded');
      assert.equal(loaded()[1]?.data['services'], '1');
      const adopted = () =>
        supervisorLog(r).filter(
          (l) => l.message === 'bpm.supervise.process.adopted' && l.data['job'] === keep,
        );
      assert.ok(await eventually(() => adopted().length === 1, 10_000), 'the kept service is adopted again');
      assert.equal(r.containerState(keep)?.pid, pids[0]);
      assert.equal(r.containerState(gone)?.status, 'running', 'no sweep: the gone job runs on');
      assert.equal(r.containerState(gone)?.pid, pids[1]);
      assert.equal(
        supervisorLog(r).filter((l) => l.message === 'bpm.supervise.process.stopping').length,
        0,
        'nothing was stopped',
      );
    } finally {
      // r.cleanup() force-deletes the containers left running.
      await daemon.dispose();
    }
  });
});
