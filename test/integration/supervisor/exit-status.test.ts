// `bpm supervise` as the child subreaper of what it starts: it reads each init's exit status
// (recorded, shown by `bpm status`, honoured by restart.policy on-failure), and reaps every other
// orphan it inherits, so no zombie piles up over many restarts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../../helpers/bosh-root.ts';
import { processEvents as events } from '../../helpers/supervisor-log.ts';

const skip = skipReason();

/** The supervisor's children that are zombies (exited, not reaped). */
function zombieChildren(pid: number): number[] {
  const children: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1');
    for (const w of text.split(' ')) if (w !== '') children.push(Number(w));
  }
  return children.filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'latin1');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return false;
    }
  });
}

describe('bpm supervise: exit status', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('on-failure restarts an exit 3, not an exit 0; both statuses are recorded and shown', async () => {
    const failing = r.uniqueJob('fail');
    const clean = r.uniqueJob('clean');
    const restart = { policy: 'on-failure', initial_delay: '30s' };
    r.addJob(
      failing,
      { processes: [{ name: failing, executable: r.jobBin(failing, 'run'), restart }] },
      { run: '#!/bin/sh\nsleep 0.3\nexit 3\n' },
    );
    r.addJob(
      clean,
      { processes: [{ name: clean, executable: r.jobBin(clean, 'run'), restart }] },
      { run: '#!/bin/sh\nsleep 0.3\nexit 0\n' },
    );
    const sup = r.spawnBpm(['supervise', '--job', failing, '--job', clean]);
    assert.ok(
      await eventually(
        () =>
          events(r, failing, 'restart-planned').length >= 2 &&
          events(r, clean, 'not-restarting').length === 1,
        30_000,
      ),
      'the failing one restarted, the clean one stayed down',
    );
    assert.equal(events(r, failing, 'restart-planned')[0]?.data['exit'], 'exited 3');
    assert.equal(events(r, clean, 'not-restarting')[0]?.data['exit'], 'exited 0');
    assert.equal(events(r, clean, 'restart-planned').length, 0);

    const lastExit = JSON.parse(
      readFileSync(join(r.root, 'sys', 'run', 'bpm', failing, `${failing}.last-exit.json`), 'utf8'),
    );
    assert.equal(lastExit.code, 3);
    assert.equal(lastExit.signal, null);
    assert.equal(lastExit.seenBy, 'supervise');

    const status = JSON.parse((await r.bpm('status', clean, '--json')).stdout).processes[0];
    assert.equal(status.supervisor.desired, 'running');
    assert.equal(status.supervisor.state, 'stopped', 'a clean exit under on-failure is done, not failed');
    const table = (await r.bpm('status', failing)).stdout;
    assert.match(table, /exited 3 at \S+ \(supervise\)/);

    sup.child.kill('SIGTERM');
    const done = await sup.done;
    assert.equal(done.code, 0, done.stderr);
  });

  test('an adopted container ends with status unknown, which on-failure counts as a failure', async () => {
    const job = r.uniqueJob('adopted');
    const restart = { policy: 'on-failure', initial_delay: '30s' };
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), restart }] },
      {
        run: '#!/bin/sh\nwhile [ ! -e /var/vcap/data/JOB/tmp/go ]; do sleep 0.05; done\nexit 0\n'.replace(
          'JOB',
          job,
        ),
      },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    const sup = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'adopted').length === 1, 20_000), 'adopted');
    writeFileSync(join(r.root, 'data', job, 'tmp', 'go'), '');
    assert.ok(await eventually(() => events(r, job, 'restart-planned').length >= 1, 20_000), 'restarted');
    assert.equal(events(r, job, 'restart-planned')[0]?.data['exit'], 'exited (status unknown)');
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });

  test('no zombie piles up over many restarts, with a pre-start hook that leaves an orphan each time', async () => {
    const job = r.uniqueJob('zombie');
    const restart = { policy: 'always', initial_delay: '1ms', max_delay: '1ms' };
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'run'),
            restart,
            hooks: { pre_start: r.jobScript(job, 'hook') },
          },
        ],
      },
      { run: '#!/bin/sh\nsleep 0.1\nexit 1\n', hook: '#!/bin/sh\n(sleep 0.05; exit 9) &\nexit 0\n' },
    );
    const sup = r.spawnBpm(['supervise', '--job', job]);
    const pid = sup.child.pid!;
    assert.ok(await eventually(() => events(r, job, 'restart-planned').length >= 15, 60_000), '15 restarts');
    const exits = events(r, job, 'restart-planned').map((l) => l.data['exit']);
    assert.ok(
      exits.every((e) => e === 'exited 1'),
      `every exit status read: ${exits.join(', ')}`,
    );
    assert.ok(
      await eventually(() => zombieChildren(pid).length === 0, 5_000),
      `zombies: ${zombieChildren(pid).join(' ')}`,
    );
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });
});
