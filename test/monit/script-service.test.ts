// A service run the monit way, with real processes (no runc): start program, pid file, pidfd.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseMonitrc } from '../../src/monit/monitrc.ts';
import { ScriptService } from '../../src/monit/script-service.ts';
import {
  MONITOR_NOT,
  MONITOR_YES,
  type ServiceEvent,
  STATUS_EXEC,
  STATUS_OK,
} from '../../src/monit/service.ts';
import { ExitWatcher } from '../../src/sys/exit-watcher.ts';

const dir = mkdtempSync('/tmp/bpm-script-service-');
const watcher = new ExitWatcher();
after(() => {
  watcher.close();
  rmSync(dir, { recursive: true, force: true });
});

function service(pidfile: string, start: string, stop: string, events: ServiceEvent[]): ScriptService {
  const rc = parseMonitrc(
    't',
    `check process d with pidfile ${pidfile}\n start program "${start}" with timeout 10 seconds\n stop program "${stop}"\n group vcap\n`,
  );
  return new ScriptService(rc.services[0]!, watcher, (e) => events.push(e));
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) assert.fail('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A daemon's ctl programs, each test with its own pid file. */
function ctl(name: string): { pidfile: string; start: string; stop: string } {
  const pidfile = join(dir, 'run', `${name}.pid`);
  return {
    pidfile,
    start: `/bin/sh -c 'mkdir -p ${dir}/run; sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > ${pidfile}'`,
    stop: `/bin/sh -c 'kill $(cat ${pidfile}); rm -f ${pidfile}'`,
  };
}

describe('ScriptService', () => {
  test('start, a crash seen at once and restarted, stop', async () => {
    const events: ServiceEvent[] = [];
    const c = ctl('crash');
    const s = service(c.pidfile, c.start, c.stop, events);
    await s.act('start');
    const first = s.view();
    assert.deepEqual([first.monitor, first.status], [MONITOR_YES, STATUS_OK]);
    assert.equal(String(first.pid), readFileSync(c.pidfile, 'utf8').trim());
    process.kill(first.pid, 'SIGKILL');
    await until(() => s.view().pid > 0 && s.view().pid !== first.pid);
    assert.deepEqual(
      events.map((e) => e.event),
      ['Does not exist', 'Exists'],
    );
    await s.act('stop');
    assert.deepEqual([s.view().monitor, s.view().pid], [MONITOR_NOT, 0]);
  });

  test('a failing start program: execution failed, with its status and output', async () => {
    const events: ServiceEvent[] = [];
    const s = service(
      join(dir, 'run', 'fail.pid'),
      "/bin/sh -c 'echo no config >&2; exit 3'",
      '/bin/true',
      events,
    );
    await s.act('start');
    const v = s.view();
    assert.equal(v.status, STATUS_EXEC);
    assert.equal(v.statusMessage, 'failed to start (exit status 3) -- no config');
    assert.equal(events[0]?.event, 'Execution failed');
    s.release();
  });

  test('a failing stop program leaves the service monitored and errored (the agent fails its stop)', async () => {
    const events: ServiceEvent[] = [];
    const c = ctl('stopfail');
    const s = service(c.pidfile, c.start, "/bin/sh -c 'exit 1'", events);
    await s.act('start');
    const pid = s.view().pid;
    await s.act('stop');
    const v = s.view();
    assert.deepEqual(
      [v.monitor, v.status, v.statusMessage],
      [MONITOR_YES, STATUS_EXEC, 'failed to stop (exit status 1)'],
    );
    s.release();
    process.kill(pid, 'SIGKILL');
  });

  test('unmonitor leaves the process running', async () => {
    const c = ctl('unmonitor');
    const s = service(c.pidfile, c.start, c.stop, []);
    await s.act('start');
    const pid = s.view().pid;
    await s.act('unmonitor');
    assert.equal(s.view().monitor, MONITOR_NOT);
    process.kill(pid, 0);
    process.kill(pid, 'SIGKILL');
  });
});
