// The rules acted on (src/monit/service-rules.ts), with a fake service and supervisor: which rule
// lines are kept and which are logged `monitrc-ignored`, monit's event and action word for each
// match and recovery, the action run, and the status bits while a rule is matched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Logger } from '../../src/log/logger.ts';
import { parseMonitrc } from '../../src/monit/monitrc.ts';
import type { RuleDecision } from '../../src/monit/rule-state.ts';
import {
  type Action,
  MONITOR_YES,
  type MonitRuntimeService,
  PENDING,
  type ServiceEvent,
  STATUS_OK,
} from '../../src/monit/service.ts';
import { ServiceRules } from '../../src/monit/service-rules.ts';

const FILE = `check process web
  with pidfile /p
  if failed port 8080 protocol http for 2 cycles then restart
  if totalmem > 100 MB then alert
  if 3 restarts within 5 cycles then timeout
  if failed unixsocket /run/web.sock then restart
  if does not exist then restart
  if cpu > 90% then stop
`;

function setup() {
  const lines: { message: string; data: Record<string, string> }[] = [];
  const log = new Logger({ write: (l) => lines.push(JSON.parse(l)) }, 'bpm.supervise', '1', {});
  const events: ServiceEvent[] = [];
  const performed: Action[] = [];
  const service: MonitRuntimeService = {
    name: 'web',
    groups: [],
    dependsOn: [],
    view: () => ({
      name: 'web',
      groups: [],
      monitor: MONITOR_YES,
      pending: PENDING.none,
      status: STATUS_OK,
      pid: 42,
    }),
    act: () => Promise.resolve(),
    release: () => {},
  };
  const rules = new ServiceRules({
    log,
    emit: (e) => events.push(e),
    perform: (_s, a) => performed.push(a),
    busy: () => false,
  });
  const spec = parseMonitrc('/m/0000_web.monitrc', FILE).services[0]!;
  rules.add(spec, service);
  return { rules, lines, events, performed };
}

/** A decision for rule `k` of FILE's supported ones (port, totalmem, restarts, cpu). */
function decision(
  rules: ServiceRules,
  k: number,
  change: RuleDecision['change'],
  detail: string,
): RuleDecision {
  return { rule: rules.rulesOf('web')[k]!, change, detail };
}

test('unsupported rule lines are logged with file, line and reason; the built-in restart is not', () => {
  const { rules, lines } = setup();
  assert.deepEqual(
    rules.rulesOf('web').map((r) => [r.line, r.check.kind, r.action]),
    [
      [3, 'connection', 'restart'],
      [4, 'resource', 'alert'],
      [5, 'restarts', 'timeout'],
      [8, 'resource', 'stop'],
    ],
  );
  const ignored = lines
    .filter((l) => l.message === 'bpm.supervise.monitrc-ignored')
    .map((l) => l.data['problem']);
  assert.deepEqual(ignored, [
    '/m/0000_web.monitrc:6: web: if failed unixsocket /run/web.sock then restart: not supported by bpm ("unixsocket" in a connection test); ignored',
  ]);
});

test('a port match: "Connection failed" with action restart, the restart run, status bit 0x20 until the restart', () => {
  const { rules, events, performed } = setup();
  rules.apply(
    'web',
    decision(rules, 0, 'matched', 'failed protocol test [HTTP] at [127.0.0.1]:8080/ [TCP/IP] -- HTTP 503'),
  );
  assert.deepEqual(events, [
    {
      service: 'web',
      event: 'Connection failed',
      action: 'restart',
      description: 'failed protocol test [HTTP] at [127.0.0.1]:8080/ [TCP/IP] -- HTTP 503',
    },
  ]);
  assert.deepEqual(performed, ['restart']);
  assert.equal(rules.status('web'), undefined, 'the restart starts the tests afresh: nothing matched');
});

test('an alert rule: "Resource limit matched" with action alert, nothing run; status bit 0x2 until it recovers', () => {
  const { rules, events, performed } = setup();
  rules.apply(
    'web',
    decision(rules, 1, 'matched', 'totalmem amount of 120.0 MB matches resource limit [totalmem > 100 MB]'),
  );
  assert.deepEqual(performed, []);
  assert.equal(events[0]?.event, 'Resource limit matched');
  assert.equal(events[0]?.action, 'alert');
  assert.deepEqual(rules.status('web'), {
    bits: 0x2,
    message: 'totalmem amount of 120.0 MB matches resource limit [totalmem > 100 MB]',
  });
  rules.apply(
    'web',
    decision(rules, 1, 'recovered', 'totalmem check succeeded [current totalmem amount of 20.0 MB]'),
  );
  assert.deepEqual(events[1], {
    service: 'web',
    event: 'Resource limit succeeded',
    action: 'alert',
    description: 'totalmem check succeeded [current totalmem amount of 20.0 MB]',
  });
  assert.equal(rules.status('web'), undefined);
});

test('timeout: "Timeout" with action unmonitor, the service unmonitored; stop: stopped', () => {
  const { rules, events, performed } = setup();
  rules.apply('web', decision(rules, 2, 'matched', 'service restarted 3 times within 5 cycles(s) - timeout'));
  rules.apply('web', decision(rules, 3, 'matched', 'cpu usage of 95.0% matches resource limit [cpu > 90%]'));
  assert.deepEqual(
    events.map((e) => [e.event, e.action]),
    [
      ['Timeout', 'unmonitor'],
      ['Resource limit matched', 'stop'],
    ],
  );
  assert.deepEqual(performed, ['unmonitor', 'stop']);
  assert.equal(rules.status('web')?.bits, 0x4 | 0x2);
});

test('a decision for a rule that a reload replaced changes nothing', () => {
  const { rules, events, performed } = setup();
  const stale = { ...rules.rulesOf('web')[0]! };
  rules.apply('web', { rule: stale, change: 'matched', detail: 'refused' });
  assert.deepEqual(events, []);
  assert.deepEqual(performed, []);
});
