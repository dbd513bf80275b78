import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RootPaths } from '../../../src/bosh/paths.ts';
import type { ProbeConfig } from '../../../src/config/supervision.ts';
import { processRef } from '../../../src/lifecycle/process-ref.ts';
import { Logger } from '../../../src/log/logger.ts';
import { ProcessProbes } from '../../../src/supervisor/probes/process-probes.ts';
import type { ExecTarget, FromProbeThread } from '../../../src/supervisor/probes/thread-protocol.ts';

const TIMING = { periodMs: 1_000, timeoutMs: 500, failureThreshold: 2, initialDelayMs: 0 };
const READY: ProbeConfig = { check: { kind: 'http', port: 8080, path: '/healthz' }, ...TIMING };
const LIVE: ProbeConfig = { check: { kind: 'exec', argv: ['/bin/true'] }, ...TIMING };

/** A probe thread that runs nothing: the test posts each result itself. */
class FakeThread {
  started: {
    id: number;
    config: ProbeConfig;
    exec: ExecTarget | undefined;
    post: (r: FromProbeThread) => void;
  }[] = [];
  stopped: number[] = [];
  private next = 1;
  start(config: ProbeConfig, exec: ExecTarget | undefined, post: (r: FromProbeThread) => void): number {
    const id = this.next++;
    this.started.push({ id, config, exec, post });
    return id;
  }
  stop(id: number): void {
    this.stopped.push(id);
  }
}

function setup() {
  const lines: Record<string, unknown>[] = [];
  const log = new Logger({ write: (l) => lines.push(JSON.parse(l)) }, 'bpm.supervise.process', '1.2', {});
  const thread = new FakeThread();
  const runc = { binary: '/r/runc', root: '/r/state', systemdCgroup: false };
  const ref = processRef(new RootPaths('/r'), 'web', 'web');
  const probes = new ProcessProbes(
    ref,
    { readiness: READY, liveness: LIVE },
    { log, thread, runc: () => runc },
  );
  const seen: string[] = [];
  const listener = {
    readinessChanged: (s: string) => seen.push(`readiness:${s}`),
    livenessFailed: (d: string) => seen.push(`liveness-failed:${d}`),
  };
  return { lines, thread, probes, seen, listener };
}

test('before the first run every configured probe is unknown', () => {
  const { probes } = setup();
  assert.equal(probes.hasReadiness, true);
  assert.deepEqual(probes.snapshot(), {
    readiness: { status: 'unknown', consecutiveFailures: 0 },
    liveness: { status: 'unknown', consecutiveFailures: 0 },
  });
});

test('start runs one loop per probe (exec ones with the container and runc); transitions reach the listener and the log', () => {
  const { lines, thread, probes, seen, listener } = setup();
  probes.start(listener);
  assert.equal(thread.started.length, 2);
  assert.equal(thread.started[0]?.exec, undefined, 'http needs no container');
  assert.deepEqual(thread.started[1]?.exec, {
    cid: 'bpm-web',
    runc: { binary: '/r/runc', root: '/r/state', systemdCgroup: false },
  });
  const [ready, live] = thread.started;
  ready!.post({
    id: ready!.id,
    outcome: { ok: true, detail: 'HTTP 200' },
    changed: 'passing',
    view: { status: 'passing', consecutiveFailures: 0 },
  });
  live!.post({
    id: live!.id,
    outcome: { ok: false, detail: 'exit status 1' },
    changed: undefined,
    view: { status: 'unknown', consecutiveFailures: 1 },
  });
  live!.post({
    id: live!.id,
    outcome: { ok: false, detail: 'exit status 1' },
    changed: 'failing',
    view: { status: 'failing', consecutiveFailures: 2 },
  });
  assert.deepEqual(seen, ['readiness:passing', 'liveness-failed:exit status 1']);
  assert.deepEqual(
    lines.map((l) => [l['message'], (l['data'] as Record<string, string>)['probe']]),
    [
      ['bpm.supervise.process.probe-passing', 'readiness'],
      ['bpm.supervise.process.probe-failing', 'liveness'],
    ],
  );
  assert.equal((lines[1]!['data'] as Record<string, string>)['consecutive_failures'], '2');
  assert.deepEqual(probes.snapshot().liveness, { status: 'failing', consecutiveFailures: 2 });
});

test('stop ends both loops and keeps the last results; a new start begins from unknown', () => {
  const { thread, probes, listener } = setup();
  probes.start(listener);
  const [ready] = thread.started;
  ready!.post({
    id: ready!.id,
    outcome: { ok: true, detail: 'HTTP 200' },
    changed: 'passing',
    view: { status: 'passing', consecutiveFailures: 0 },
  });
  probes.stop();
  assert.deepEqual(thread.stopped, [1, 2]);
  assert.equal(probes.snapshot().readiness?.status, 'passing');
  probes.start(listener);
  assert.equal(probes.snapshot().readiness?.status, 'unknown');
});
