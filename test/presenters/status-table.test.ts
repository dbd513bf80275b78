import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderStatusJson } from '../../src/presenters/status-json.ts';
import type { StatusRow } from '../../src/presenters/status-model.ts';
import { humanBytes, humanDuration, renderStatusTable } from '../../src/presenters/status-table.ts';

const ROWS: StatusRow[] = [
  {
    job: 'web',
    process: 'web',
    name: 'web',
    status: 'running',
    pid: 4242,
    created: '2026-12-01T20:05:48.179325472Z',
    uptimeSeconds: 192,
    cgroup: {
      version: 1,
      memory: { current: 724992, limit: 67108864 },
      pids: { current: 3, limit: 50 },
      oomKills: 0,
    },
    lastExit: {
      description: 'exited 3',
      at: '2026-12-01T20:01:02.345Z',
      code: 3,
      signal: null,
      seenBy: 'run',
    },
  },
  {
    job: 'web',
    process: 'worker',
    name: 'web.worker',
    status: 'failed',
    pid: 0,
    created: '2026-12-01T20:05:48.2Z',
    cgroup: {
      version: 2,
      memory: { current: 0, limit: null },
      pids: { current: 0, limit: null },
      oomKills: 1,
    },
    lastExit: {
      description: 'exited (status unknown) (OOM)',
      at: '2026-12-01T20:06:00.000Z',
      code: null,
      signal: null,
      seenBy: 'status',
      oomKilled: true,
    },
  },
  { job: 'idle', process: 'idle', name: 'idle', status: 'stopped', pid: 0 },
];

test('status table: one aligned row per process, - where nothing is known', () => {
  assert.equal(
    renderStatusTable(ROWS),
    [
      'Name       Status  Pid  Uptime Memory   Pids  OOM Last exit',
      'web        running 4242 3m12s  708K/64M 3/50  0   exited 3 at 2026-12-01T20:01:02Z (run)',
      'web.worker failed  -    -      0B/max   0/max 1   exited (status unknown) (OOM) at 2026-12-01T20:06:00Z (status)',
      'idle       stopped -    -      -        -     -   -',
      '',
    ].join('\n'),
  );
});

test('human units', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 724992, 67108864, 1610612736].map(humanBytes), [
    '0B',
    '1023B',
    '1K',
    '1.5K',
    '708K',
    '64M',
    '1.5G',
  ]);
  assert.deepEqual([0, 59, 192, 7500, 277200].map(humanDuration), ['0s', '59s', '3m12s', '2h5m', '3d5h']);
});

test('status JSON: versioned document, null for what is unknown, snake_case keys', () => {
  const doc = JSON.parse(renderStatusJson(ROWS, new Date('2026-12-01T20:08:00Z'))) as Record<string, unknown>;
  assert.equal(doc['schema'], 'bpm.status');
  assert.equal(doc['schema_version'], 1);
  assert.equal(doc['generated_at'], '2026-12-01T20:08:00.000Z');
  const [web, worker, idle] = doc['processes'] as Record<string, unknown>[];
  assert.deepEqual(web, {
    job: 'web',
    process: 'web',
    name: 'web',
    state: 'running',
    pid: 4242,
    started_at: '2026-12-01T20:05:48.179325472Z',
    uptime_seconds: 192,
    memory: { current_bytes: 724992, limit_bytes: 67108864 },
    pids: { current: 3, limit: 50 },
    oom_kills: 0,
    cgroup_version: 1,
    last_exit: {
      description: 'exited 3',
      at: '2026-12-01T20:01:02.345Z',
      code: 3,
      signal: null,
      oom_killed: null,
      seen_by: 'run',
    },
  });
  assert.equal((worker!['last_exit'] as Record<string, unknown>)['oom_killed'], true);
  assert.deepEqual(idle, {
    job: 'idle',
    process: 'idle',
    name: 'idle',
    state: 'stopped',
    pid: null,
    started_at: null,
    uptime_seconds: null,
    memory: null,
    pids: null,
    oom_kills: null,
    cgroup_version: null,
    last_exit: null,
  });
});
