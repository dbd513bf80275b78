// The supervisor's bpm.yml keys: restart, shutdown_timeout, depends_on, readiness and liveness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESTART } from '../../src/config/supervision.ts';
import { FILE, proc, procError } from './helpers.ts';

test('absent keys leave the process as upstream decodes it', () => {
  const p = proc('');
  for (const key of ['restart', 'shutdownTimeoutMs', 'dependsOn', 'readiness', 'liveness']) {
    assert.equal(Object.hasOwn(p, key), false, key);
  }
});

test('restart: defaults like Kubernetes, each field overridable', () => {
  assert.deepEqual(proc('  restart: {}\n').restart, DEFAULT_RESTART);
  assert.deepEqual(
    proc('  restart: {policy: on-failure, initial_delay: 1s, max_delay: 1m, reset_after: 90}\n').restart,
    {
      policy: 'on-failure',
      initialDelayMs: 1_000,
      maxDelayMs: 60_000,
      resetAfterMs: 90_000,
    },
  );
  assert.equal(proc('  restart: {policy: never}\n').restart?.policy, 'never');
  assert.equal(proc('  restart: ~\n').restart, undefined);
});

test('restart: bad values are located errors', () => {
  assert.equal(
    procError('  restart: {policy: sometimes}\n'),
    `${FILE}:4:21: processes[0].restart.policy: must be one of always, on-failure or never, got "sometimes"`,
  );
  assert.equal(
    procError('  restart:\n    initial_delay: soon\n'),
    `${FILE}:5:20: processes[0].restart.initial_delay: must be a duration such as 30, 500ms, 10s, 5m or 1h (at most 24 days), got "soon"`,
  );
  assert.match(
    procError('  restart: {initial_delay: 1m, max_delay: 10s}\n'),
    /restart\.max_delay: must not be shorter/,
  );
  assert.match(procError('  restart: always\n'), /processes\[0\]\.restart: must be a mapping, got "always"/);
});

test('shutdown_timeout and depends_on', () => {
  assert.equal(proc('  shutdown_timeout: 45s\n').shutdownTimeoutMs, 45_000);
  assert.equal(proc('  shutdown_timeout: 5\n').shutdownTimeoutMs, 5_000);
  assert.match(
    procError('  shutdown_timeout: -5\n'),
    /4:21: processes\[0\]\.shutdown_timeout: must be a duration/,
  );
  assert.deepEqual(proc('  depends_on: [db, other-job/web]\n').dependsOn, ['db', 'other-job/web']);
  assert.equal(proc('  depends_on: []\n').dependsOn, undefined);
  assert.match(
    procError('  depends_on: [a/b/c]\n'),
    /processes\[0\]\.depends_on\[0\]: must be PROC or JOB\/PROC/,
  );
});

test('probes: exec, http, tcp with timing defaults', () => {
  assert.deepEqual(proc('  readiness: {exec: [/bin/check, --ready]}\n').readiness, {
    check: { kind: 'exec', argv: ['/bin/check', '--ready'] },
    periodMs: 10_000,
    timeoutMs: 1_000,
    failureThreshold: 3,
    initialDelayMs: 0,
  });
  assert.deepEqual(
    proc(
      '  liveness: {http: {port: 8080, path: /healthz}, period: 2s, timeout: 500ms, failure_threshold: 5, initial_delay: 3}\n',
    ).liveness,
    {
      check: { kind: 'http', port: 8080, path: '/healthz' },
      periodMs: 2_000,
      timeoutMs: 500,
      failureThreshold: 5,
      initialDelayMs: 3_000,
    },
  );
  assert.deepEqual(proc('  readiness: {tcp: {port: 22}}\n').readiness?.check, { kind: 'tcp', port: 22 });
  assert.deepEqual(proc('  readiness: {http: {port: 80}}\n').readiness?.check, {
    kind: 'http',
    port: 80,
    path: '/',
  });
});

test('probes: bad shapes are located errors', () => {
  assert.match(
    procError('  readiness: {period: 1s}\n'),
    /processes\[0\]\.readiness: must have exactly one of exec, http or tcp, got 0/,
  );
  assert.match(
    procError('  readiness: {exec: [a], tcp: {port: 1}}\n'),
    /exactly one of exec, http or tcp, got 2/,
  );
  assert.match(
    procError('  readiness: {tcp: {port: 70000}}\n'),
    /readiness\.tcp\.port: must be a port between 1 and 65535, got 70000/,
  );
  assert.match(procError('  liveness: {tcp: {}}\n'), /liveness\.tcp\.port: is required/);
  assert.match(procError('  liveness: {exec: []}\n'), /liveness\.exec: must be a non-empty list/);
  assert.match(
    procError('  liveness: {http: {port: 1, path: x}}\n'),
    /liveness\.http\.path: must be an absolute URL path/,
  );
  assert.match(
    procError('  liveness: {exec: [a], failure_threshold: 0}\n'),
    /failure_threshold: must be an integer between 1 and 1000, got 0/,
  );
});
