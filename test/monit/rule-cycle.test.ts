// Monit's cycle for the rules (src/monit/rule-cycle.ts) in virtual time, with fake measurements:
// one timer, armed a cycle after the previous one ended and only when some service has a rule;
// memory from the cycle's /proc sample, connections in parallel, restarts counted without a process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Vitals } from '../../src/monit/process-vitals.ts';
import { RuleCycle, type RuleCycleDeps, type RuleTarget, resourceTest } from '../../src/monit/rule-cycle.ts';
import { type RuleDecision, RuleState } from '../../src/monit/rule-state.ts';
import type { HealthRule } from '../../src/monit/rules.ts';
import { FakeTimers } from '../supervisor/probes/fake-timers.ts';

const VITALS: Vitals = {
  children: 2,
  kilobyte: 1_000,
  kilobyteTotal: 300 * 1024,
  percent: 0.1,
  percentTotal: 3.5,
  cpuPercent: 1,
  cpuPercentTotal: 12.5,
};

const memCheck = { kind: 'resource', metric: 'totalmem', op: '>', value: 200 * 1024, unit: 'kb' } as const;
const memRule: HealthRule = {
  check: memCheck,
  window: { count: 2, within: 2 },
  action: 'restart',
  text: 'totalmem > 200 MB',
  line: 3,
};
const portRule: HealthRule = {
  check: {
    kind: 'connection',
    host: '127.0.0.1',
    port: 8080,
    protocol: 'http',
    path: '/up',
    timeoutMs: 1000,
  },
  window: { count: 1, within: 1 },
  action: 'alert',
  text: 'failed port 8080 protocol http',
  line: 4,
};
const restartRule: HealthRule = {
  check: { kind: 'restarts', count: 1, cycles: 3 },
  window: { count: 1, within: 1 },
  action: 'timeout',
  text: '1 restarts within 3 cycles',
  line: 5,
};

interface World {
  timers: FakeTimers;
  cycle: RuleCycle;
  decided: [string, string, string][];
  connects: number[];
  samples: number[];
}

function world(targets: RuleTarget[], connectMs = 300, portUp = false): World {
  const timers = new FakeTimers();
  const decided: World['decided'] = [];
  const connects: number[] = [];
  const samples: number[] = [];
  const deps: RuleCycleDeps = {
    cycleMs: 1000,
    targets: () => targets,
    beginSample: () => {},
    sample: (_s, pid) => {
      samples.push(timers.now());
      return pid > 0 ? VITALS : undefined;
    },
    endSample: () => {},
    connect: () => {
      connects.push(timers.now());
      return new Promise((resolve) =>
        timers.setTimeout(
          () => resolve(portUp ? { ok: true, detail: 'HTTP 200' } : { ok: false, detail: 'HTTP 503' }),
          connectMs,
        ),
      );
    },
    decided: (t, d: RuleDecision) => decided.push([t.name, d.change, d.detail]),
    timers,
  };
  return { timers, cycle: new RuleCycle(deps), decided, connects, samples };
}

function target(name: string, rules: HealthRule[], pid = 42, tested = true): RuleTarget {
  return { name, state: new RuleState(rules), tested: () => tested, pid: () => pid };
}

test('no service with a rule: no timer at all', () => {
  const w = world([target('a', [])]);
  w.cycle.start();
  assert.equal(w.timers.pending(), 0);
});

test('a cycle every period after the previous one ended; memory over two cycles matches; the port alert at once', async () => {
  const w = world([target('web', [memRule, portRule])]);
  w.cycle.start();
  w.cycle.start();
  assert.equal(w.timers.pending(), 1, 'one timer, however often started');
  await w.timers.advance(999);
  assert.deepEqual(w.connects, []);
  await w.timers.advance(1);
  assert.deepEqual(w.connects, [1000]);
  await w.timers.advance(300);
  assert.deepEqual(w.decided, [
    ['web', 'matched', 'failed protocol test [HTTP] at [127.0.0.1]:8080/up [TCP/IP] -- HTTP 503'],
  ]);
  // The next cycle starts a period after this one ended (1300), not after it began.
  await w.timers.advance(999);
  assert.deepEqual(w.connects, [1000]);
  await w.timers.advance(301);
  assert.deepEqual(w.connects, [1000, 2300]);
  assert.deepEqual(w.samples, [1000, 2300]);
  assert.deepEqual(w.decided[1], [
    'web',
    'matched',
    'totalmem amount of 300.0 MB matches resource limit [totalmem > 200 MB]',
  ]);
  w.cycle.stop();
  assert.equal(w.timers.pending(), 0);
});

test('a service not tested now (unmonitored, or an action under way) is skipped; without a process only restarts are tested', async () => {
  const idle = target('idle', [portRule], 42, false);
  const down = target('down', [portRule, memRule, restartRule], 0);
  down.state.restarted();
  const w = world([idle, down]);
  w.cycle.start();
  await w.timers.advance(1000);
  assert.deepEqual(w.connects, [], 'no connection test: no process, or not tested');
  assert.deepEqual(w.decided, [
    ['down', 'matched', 'service restarted 1 times within 3 cycles(s) - timeout'],
  ]);
});

test('resourceTest words the match and the recovery', () => {
  assert.deepEqual(resourceTest(memCheck, VITALS, memRule.text), {
    failed: true,
    detail: 'totalmem amount of 300.0 MB matches resource limit [totalmem > 200 MB]',
  });
  const cpu = { kind: 'resource', metric: 'totalcpu', op: '>', value: 50, unit: 'percent' } as const;
  assert.deepEqual(resourceTest(cpu, VITALS, 'totalcpu > 50%'), {
    failed: false,
    detail: 'totalcpu check succeeded [current totalcpu usage of 12.5%]',
  });
  const kids = { kind: 'resource', metric: 'children', op: '<', value: 3, unit: 'count' } as const;
  assert.equal(resourceTest(kids, VITALS, 'children < 3')?.failed, true);
});
