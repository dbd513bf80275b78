import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatusJson } from '../../src/presenters/status-json.ts';
import type { StatusRow } from '../../src/presenters/status-model.ts';

const BASE: StatusRow = { job: 'web', process: 'web', name: 'web', status: 'running', pid: 42 };

function supervisorOf(row: StatusRow): Record<string, unknown> {
  const doc = JSON.parse(renderStatusJson([row], new Date(0))) as { processes: Record<string, unknown>[] };
  return doc.processes[0]!['supervisor'] as Record<string, unknown>;
}

test('status JSON: each configured probe adds its key to the supervisor object (schema 1, additive)', () => {
  const s = supervisorOf({
    ...BASE,
    supervisor: {
      desired: 'running',
      state: 'ready',
      restarts: 0,
      readiness: {
        status: 'passing',
        consecutiveFailures: 0,
        last: { ok: true, detail: 'HTTP 200', at: '2026-12-01T23:00:00.000Z' },
      },
      liveness: { status: 'unknown', consecutiveFailures: 0 },
    },
  });
  assert.deepEqual(s, {
    desired: 'running',
    state: 'ready',
    restarts: 0,
    next_restart_at: null,
    readiness: {
      status: 'passing',
      consecutive_failures: 0,
      last_result: 'success',
      last_detail: 'HTTP 200',
      last_probed_at: '2026-12-01T23:00:00.000Z',
    },
    liveness: {
      status: 'unknown',
      consecutive_failures: 0,
      last_result: null,
      last_detail: null,
      last_probed_at: null,
    },
  });
});

test('status JSON: without probes the supervisor object has exactly its earlier keys', () => {
  const s = supervisorOf({ ...BASE, supervisor: { desired: 'running', state: 'running', restarts: 1 } });
  assert.deepEqual(Object.keys(s), ['desired', 'state', 'restarts', 'next_restart_at']);
});
