import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatProblem, parseMonitrc } from '../../src/monit/monitrc.ts';
import { splitProgram } from '../../src/monit/monitrc-tokens.ts';

// The shapes BOSH job monit files take: a bpm job, a classic ctl-script job with uid/gid, timeouts
// and health rules, and a multi-process job in one file.
const BPM_JOB = `check process nats
  with pidfile /var/vcap/sys/run/bpm/nats/nats.pid
  start program "/var/vcap/jobs/bpm/bin/bpm start nats"
  stop program "/var/vcap/jobs/bpm/bin/bpm stop nats"
  group vcap
`;

const CLASSIC_JOB = `# the router, before bpm
check process gorouter
  with pidfile /var/vcap/sys/run/gorouter/gorouter.pid
  start program "/var/vcap/jobs/gorouter/bin/gorouter_ctl start" with timeout 60 seconds
  stop program = "/var/vcap/jobs/gorouter/bin/gorouter_ctl stop"
    as uid vcap and gid vcap
    with timeout 30 seconds
  group vcap
  depends on nats, consul_agent
  if failed host 127.0.0.1 port 8080 protocol http
    and request "/health" with timeout 5 seconds for 3 cycles then restart
  if totalmem > 2000 Mb for 5 cycles then alert
  if 5 restarts within 5 cycles then timeout
  mode manual
`;

const MULTI = `check process web
  with pidfile /var/vcap/sys/run/bpm/app/web.pid
  start program "/var/vcap/jobs/bpm/bin/bpm start app -p web"
  stop program "/var/vcap/jobs/bpm/bin/bpm stop app -p web"
  group vcap

check process worker
  with pidfile /var/vcap/sys/run/bpm/app/worker.pid
  start program "/var/vcap/jobs/bpm/bin/bpm start app -p worker"
  stop program "/var/vcap/jobs/bpm/bin/bpm stop app -p worker"
  group vcap
  depends on web

check file app_config with path /var/vcap/jobs/app/config/app.yml
  if changed checksum then alert
`;

describe('parseMonitrc', () => {
  test('a bpm job: name, pid file, start and stop argv, group', () => {
    const rc = parseMonitrc('0000_nats.monitrc', BPM_JOB);
    assert.deepEqual(rc.errors, []);
    assert.deepEqual(rc.warnings, []);
    assert.equal(rc.services.length, 1);
    const s = rc.services[0]!;
    assert.equal(s.name, 'nats');
    assert.equal(s.pidfile, '/var/vcap/sys/run/bpm/nats/nats.pid');
    assert.deepEqual(s.start?.argv, ['/var/vcap/jobs/bpm/bin/bpm', 'start', 'nats']);
    assert.deepEqual(s.stop?.argv, ['/var/vcap/jobs/bpm/bin/bpm', 'stop', 'nats']);
    assert.deepEqual(s.groups, ['vcap']);
    assert.equal(s.line, 1);
  });

  test('a classic job: timeouts, "=", uid/gid on a continued line, depends on a list, if rules', () => {
    const rc = parseMonitrc('0001_gorouter.monitrc', CLASSIC_JOB);
    assert.deepEqual(rc.errors, []);
    const s = rc.services[0]!;
    assert.equal(s.start?.timeoutSeconds, 60);
    assert.equal(s.start?.uid, undefined);
    assert.deepEqual(
      { uid: s.stop?.uid, gid: s.stop?.gid, timeout: s.stop?.timeoutSeconds },
      { uid: 'vcap', gid: 'vcap', timeout: 30 },
    );
    assert.deepEqual(s.dependsOn, ['nats', 'consul_agent']);
    assert.deepEqual(
      s.rules.map((r) => [r.action, r.line]),
      [
        ['restart', 10],
        ['alert', 12],
        ['timeout', 13],
      ],
    );
    assert.match(
      s.rules[0]!.condition,
      /^failed host 127\.0\.0\.1 port 8080 protocol http and request \/health/,
    );
    assert.deepEqual(rc.warnings.map(formatProblem), [
      '0001_gorouter.monitrc:14: gorouter: mode manual: not supported; ignored',
    ]);
  });

  test('several services in one file; other check types are skipped with a warning', () => {
    const rc = parseMonitrc('0002_app.monitrc', MULTI);
    assert.deepEqual(
      rc.services.map((s) => [s.name, s.line, s.dependsOn]),
      [
        ['web', 1, []],
        ['worker', 7, ['web']],
      ],
    );
    assert.deepEqual(rc.warnings.map(formatProblem), [
      '0002_app.monitrc:14: check file app_config: only check process is supported; ignored',
    ]);
  });

  test('a service without a pid file, or with matching, is an error for it alone', () => {
    const rc = parseMonitrc(
      'x.monitrc',
      `check process a\n  start program "/bin/a"\ncheck process b matching "b.*"\n  start program "/bin/b"\n${BPM_JOB}`,
    );
    assert.deepEqual(
      rc.services.map((s) => s.name),
      ['nats'],
    );
    assert.deepEqual(rc.errors.map(formatProblem), [
      'x.monitrc:1: a: check process needs "with pidfile"; service not supervised',
      'x.monitrc:3: b: check process … matching is not supported (use a pidfile); service not supervised',
    ]);
  });

  test('bad input: an unterminated string names the line and reads nothing', () => {
    const rc = parseMonitrc('bad.monitrc', 'check process a\n  with pidfile /p\n  start program "/bin/a\n');
    assert.deepEqual(rc.services, []);
    assert.deepEqual(rc.errors.map(formatProblem), [
      'bad.monitrc:3: unterminated string starting with "; file not read',
    ]);
  });

  test('bad service names and programs are located', () => {
    const rc = parseMonitrc(
      'n.monitrc',
      'check process ../x with pidfile /p\ncheck process y with pidfile /p start program /bin/y\n',
    );
    assert.deepEqual(rc.errors.map(formatProblem), [
      'n.monitrc:1: check process: bad service name "../x"; service not supervised',
      'n.monitrc:2: y: start program: expected a quoted command; service not supervised',
    ]);
  });

  test('unknown statements are skipped with a warning and parsing resumes at the next one', () => {
    const rc = parseMonitrc('u.monitrc', `check process a with pidfile /p\n  every 2 cycles\n  group vcap\n`);
    assert.deepEqual(rc.services[0]?.groups, ['vcap']);
    assert.deepEqual(rc.warnings.map(formatProblem), [
      'u.monitrc:2: a: "every": not understood by bpm; ignored',
    ]);
  });

  test("the stemcell's control file and the agent's alerts file: settings", () => {
    const rc = parseMonitrc(
      'monitrc',
      `set daemon 10
set logfile /var/vcap/monit/monit.log
set httpd port 2822 and use address 127.0.0.1
  allow cleartext /var/vcap/monit/monit.user
include /var/vcap/monit/*.monitrc
include /var/vcap/monit/job/*.monitrc
set alert agent@local
set mailserver 127.0.0.1 port 2825
set eventqueue basedir /var/vcap/monit/events slots 5000
set mail-format {
  from: monit@localhost
  subject: Monit Alert
  message: Service: $SERVICE
  Event: $EVENT
}
`,
    );
    assert.deepEqual(rc.warnings, []);
    assert.equal(rc.settings.daemonSeconds, 10);
    assert.deepEqual(rc.settings.httpd, { port: 2822, address: '127.0.0.1', allow: ['cleartext'] });
    assert.deepEqual(rc.settings.mailserver, { host: '127.0.0.1', port: 2825 });
    assert.equal(rc.settings.alertTo, 'agent@local');
    assert.deepEqual(rc.settings.includes, ['/var/vcap/monit/*.monitrc', '/var/vcap/monit/job/*.monitrc']);
  });
});

describe('splitProgram', () => {
  test('blanks split, quotes group, no shell', () => {
    assert.deepEqual(splitProgram("/bin/sh -c 'sleep 1 & echo $!'  x"), [
      '/bin/sh',
      '-c',
      'sleep 1 & echo $!',
      'x',
    ]);
    assert.deepEqual(splitProgram('/usr/bin/env A=1 "/x y/ctl" start'), [
      '/usr/bin/env',
      'A=1',
      '/x y/ctl',
      'start',
    ]);
  });
});
