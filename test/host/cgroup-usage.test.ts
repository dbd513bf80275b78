// Reading memory, pids and OOM kills from cgroup v1 and v2 files (fake directories here; the real
// cgroups are read by test/integration/status.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCgroupUsage } from '../../src/host/cgroup-usage.ts';

const base = mkdtempSync(join(tmpdir(), 'bpm-cgu-'));
after(() => rmSync(base, { recursive: true, force: true }));

function dir(name: string, files: Record<string, string>): string {
  const d = join(base, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

test('cgroup v1: memory and pids controllers, oom_kill from memory.oom_control', () => {
  const memory = dir('v1/memory', {
    'memory.usage_in_bytes': '724992\n',
    'memory.limit_in_bytes': '67108864\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
  });
  const pids = dir('v1/pids', { 'pids.current': '3\n', 'pids.max': '50\n' });
  assert.deepEqual(readCgroupUsage({ '': dir('v1/unified', {}), memory, pids }), {
    version: 1,
    memory: { current: 724992, limit: 67108864 },
    pids: { current: 3, limit: 50 },
    oomKills: 2,
  });
});

test('cgroup v1: the kernel\'s "unlimited" memory and pids "max" are no limit', () => {
  const memory = dir('v1u/memory', {
    'memory.usage_in_bytes': '4096\n',
    'memory.limit_in_bytes': '9223372036854771712\n',
  });
  const pids = dir('v1u/pids', { 'pids.current': '1\n', 'pids.max': 'max\n' });
  assert.deepEqual(readCgroupUsage({ memory, pids }), {
    version: 1,
    memory: { current: 4096, limit: null },
    pids: { current: 1, limit: null },
  });
});

test('cgroup v2: one directory; oom_kill from memory.events', () => {
  const d = dir('v2', {
    'memory.current': '1048576\n',
    'memory.max': 'max\n',
    'memory.events': 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n',
    'pids.current': '7\n',
    'pids.max': '100\n',
  });
  assert.deepEqual(readCgroupUsage({ '': d }), {
    version: 2,
    memory: { current: 1048576, limit: null },
    pids: { current: 7, limit: 100 },
    oomKills: 1,
  });
});

test('missing or garbled files leave their figure out, never throw', () => {
  const d = dir('bad', { 'memory.current': 'lots\n', 'memory.max': '10\n', 'pids.current': '1\n' });
  assert.deepEqual(readCgroupUsage({ '': d }), { version: 2 });
  assert.deepEqual(readCgroupUsage({ '': join(base, 'gone') }), { version: 2 });
  assert.deepEqual(readCgroupUsage({}), { version: 2 });
});
