// `bpm supervise --monit-compat` is the reaper of what it starts, as plain `bpm supervise` is
// (docs/supervisor.md#replacing-monit): a bpm service's crash is known with its exit status (the
// init passes to the supervisor when its runc exits), and whatever a monit-way start program
// forked and left — its tracked daemon or any other child — is reaped when it dies, not kept as a
// zombie of the long-running supervisor.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readProcStat } from '../../src/sys/pidfd.ts';
import { BoshRoot, eventually, skipReason, sleep } from '../helpers/bosh-root.ts';
import { processEvents as events } from '../helpers/supervisor-log.ts';
import {
  addBpmJob,
  addScriptJob,
  freePort,
  prepareVm,
  SupervisorDaemon,
  type Vm,
} from '../monit/agent/vm.ts';

const skip = skipReason();
// Runs 1 s, then exits 3: each start is a crash with a known status.
const CRASHER = '#!/bin/sh\nsleep 1\nexit 3\n';

/** Zombie children of `pid` (state Z, parent `pid`), from /proc. */
function zombiesOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => {
      const stat = readProcStat(p);
      return stat?.state === 'Z' && stat.ppid === pid;
    });
}

describe('bpm supervise --monit-compat: exit status and orphans', { skip }, () => {
  let r: BoshRoot;
  let vm: Vm;
  before(() => {
    r = BoshRoot.create();
    vm = prepareVm(r);
  });
  after(() => r.cleanup());

  test("a bpm service's crash has its exit status; a monit-way daemon that dies leaves no zombie", async () => {
    const job = addBpmJob(vm, 'crash', CRASHER);
    // Started once a bpm service runs (so even the old supervisor was a subreaper by then); its
    // start leaves an untracked child that dies after 1 s besides the tracked daemon.
    const first = addBpmJob(vm, 'first');
    const script = addScriptJob(vm, 'daemon', {
      alsoStart: 'sleep 1 </dev/null >/dev/null 2>&1 &',
      dependsOn: first,
    });
    const daemon = new SupervisorDaemon(vm, await freePort());
    daemon.start();
    try {
      assert.ok(
        await eventually(() => events(r, job, 'restart-planned').length >= 1, 30_000),
        'crashed and restart planned',
      );
      assert.equal(events(r, job, 'restart-planned')[0]?.data['exit'], 'exited 3');
      const info = JSON.parse(
        readFileSync(join(r.root, 'data', 'bpm', 'supervisor', 'monit-compat.json'), 'utf8'),
      ) as { pid: number };
      // The ctl script backgrounds a sleeper and exits: the sleeper's parent is now the supervisor.
      const pidOf = (): number => Number(readFileSync(script.pidfile, 'utf8').trim());
      assert.ok(
        await eventually(() => {
          try {
            return pidOf() > 0;
          } catch {
            return false;
          }
        }, 30_000),
      );
      const sleeper = pidOf();
      assert.ok(
        await eventually(() => readProcStat(sleeper)?.ppid === info.pid, 10_000),
        'reparented to the supervisor',
      );
      await sleep(1_500);
      assert.deepEqual(zombiesOf(info.pid), [], 'the untracked child that died was reaped');
      process.kill(sleeper, 'SIGKILL');
      assert.ok(
        await eventually(
          () => !zombiesOf(info.pid).includes(sleeper) && readProcStat(sleeper)?.ppid === undefined,
          10_000,
        ),
        'the dead daemon was reaped',
      );
      assert.deepEqual(zombiesOf(info.pid), [], 'no zombie children at all');
    } finally {
      await daemon.dispose();
    }
  });
});
