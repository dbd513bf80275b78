// monit `if … then` lines → the rules the supervisor acts on (src/monit/rules.ts), from the forms
// BOSH job monit files use, and the reasons the others are left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMonitrc } from '../../src/monit/monitrc.ts';
import { type ParsedRule, parseRule } from '../../src/monit/rules.ts';

/** The parsed rules of one `check process` with `lines` as its rule lines. */
function rules(...lines: string[]): ParsedRule[] {
  const rc = parseMonitrc(
    't.monitrc',
    `check process web\n  with pidfile /p\n${lines.map((l) => `  ${l}\n`).join('')}`,
  );
  assert.deepEqual(rc.errors, []);
  return rc.services[0]!.rules.map(parseRule);
}

function one(line: string): ParsedRule {
  return rules(line)[0]!;
}

test('port checks: host, port, protocol http with request, timeout, for N cycles', () => {
  assert.deepEqual(one('if failed host 127.0.0.1 port 8080 protocol http then restart'), {
    rule: {
      check: {
        kind: 'connection',
        host: '127.0.0.1',
        port: 8080,
        protocol: 'http',
        path: '/',
        timeoutMs: 5_000,
      },
      window: { count: 1, within: 1 },
      action: 'restart',
      text: 'failed host 127.0.0.1 port 8080 protocol http',
      line: 3,
    },
  });
  const r = one(
    'if failed port 4222 protocol HTTP request "/healthz" with timeout 3 seconds for 2 cycles then alert',
  );
  assert.ok('rule' in r);
  assert.deepEqual(r.rule.check, {
    kind: 'connection',
    host: '127.0.0.1',
    port: 4222,
    protocol: 'http',
    path: '/healthz',
    timeoutMs: 3_000,
  });
  assert.deepEqual(r.rule.window, { count: 2, within: 2 });
  assert.equal(r.rule.action, 'alert');
  const tcp = one('if failed host localhost port 25 type tcp 3 times within 5 cycles then restart');
  assert.ok('rule' in tcp);
  assert.deepEqual(tcp.rule.check, {
    kind: 'connection',
    host: '127.0.0.1',
    port: 25,
    protocol: 'tcp',
    path: '/',
    timeoutMs: 5_000,
  });
  assert.deepEqual(tcp.rule.window, { count: 3, within: 5 });
});

test('memory, cpu and children thresholds in every spelling monit takes', () => {
  const check = (line: string) => {
    const r = one(line);
    assert.ok('rule' in r, JSON.stringify(r));
    return [r.rule.check, r.rule.window];
  };
  assert.deepEqual(check('if totalmem > 3000 Mb for 3 cycles then restart'), [
    { kind: 'resource', metric: 'totalmem', op: '>', value: 3000 * 1024, unit: 'kb' },
    { count: 3, within: 3 },
  ]);
  assert.deepEqual(check('if totalmem is greater than 150.0 MB for 2 cycles then restart')[0], {
    kind: 'resource',
    metric: 'totalmem',
    op: '>',
    value: 150 * 1024,
    unit: 'kb',
  });
  assert.deepEqual(check('if mem > 2GB then alert')[0], {
    kind: 'resource',
    metric: 'mem',
    op: '>',
    value: 2 * 1024 * 1024,
    unit: 'kb',
  });
  assert.deepEqual(check('if memory usage > 80% then alert')[0], {
    kind: 'resource',
    metric: 'mem',
    op: '>',
    value: 80,
    unit: 'percent',
  });
  assert.deepEqual(check('if cpu usage > 95% for 10 cycles then alert'), [
    { kind: 'resource', metric: 'cpu', op: '>', value: 95, unit: 'percent' },
    { count: 10, within: 10 },
  ]);
  assert.deepEqual(check('if totalcpu is less than 1 % then alert')[0], {
    kind: 'resource',
    metric: 'totalcpu',
    op: '<',
    value: 1,
    unit: 'percent',
  });
  assert.deepEqual(check('if children != 3 then alert')[0], {
    kind: 'resource',
    metric: 'children',
    op: '!=',
    value: 3,
    unit: 'count',
  });
  assert.deepEqual(check('if totalmem = 100 kB then alert')[0], {
    kind: 'resource',
    metric: 'totalmem',
    op: '=',
    value: 100,
    unit: 'kb',
  });
});

test('N restarts within M cycles; exec keeps its program; a dead process is the built-in restart', () => {
  const [timeout, exec, dead, alertDead] = rules(
    'if 5 restarts within 5 cycles then timeout',
    'if totalmem > 1 GB then exec "/var/vcap/jobs/web/bin/dump heap" as uid vcap',
    'if does not exist then restart',
    'if not exist then alert',
  );
  assert.ok(timeout && 'rule' in timeout);
  assert.deepEqual(timeout.rule.check, { kind: 'restarts', count: 5, cycles: 5 });
  assert.equal(timeout.rule.action, 'timeout');
  assert.ok(exec && 'rule' in exec);
  assert.deepEqual(exec.rule.exec?.argv, ['/var/vcap/jobs/web/bin/dump', 'heap']);
  assert.equal(exec.rule.exec?.uid, 'vcap');
  assert.deepEqual(dead, { builtIn: true });
  assert.ok(alertDead && 'unsupported' in alertDead);
});

test('what is not supported says why', () => {
  const why = (line: string): string => {
    const r = one(line);
    assert.ok('unsupported' in r, `${line}: ${JSON.stringify(r)}`);
    return r.unsupported;
  };
  assert.match(why('if failed unixsocket /var/run/x.sock then restart'), /unixsocket/);
  assert.match(why('if failed port 443 type tcpssl then restart'), /tcpssl/);
  assert.match(why('if failed port 6379 protocol redis then restart'), /protocol redis/);
  assert.match(why('if failed url http://127.0.0.1:8080/ then restart'), /url/);
  assert.match(why('if changed pid then alert'), /changed/);
  assert.match(why('if uptime > 3 days then restart'), /uptime/);
  assert.match(why('if cpu > 80 then alert'), /only %/);
  assert.match(why('if totalmem > 100 then alert'), /unit/);
  assert.match(why('if failed port 80 for 0 cycles then restart'), /for N cycles/);
});
