import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCgroupPaths, readInitProcess, stateFilePath } from '../../src/runc/state-file.ts';

const dir = mkdtempSync('/tmp/bpm-state-file-');
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

test('reads init_process_pid and init_process_start from runc 1.1 state.json', () => {
  const f = file('ok', '{"id":"bpm-x","init_process_pid":18504,"init_process_start":208447,"config":{}}');
  assert.deepEqual(readInitProcess(f), { pid: 18504, startTime: 208447 });
});

test('anything unexpected is undefined (the caller asks runc)', () => {
  assert.equal(readInitProcess(join(dir, 'missing')), undefined);
  assert.equal(readInitProcess(file('trunc', '{"init_process_pid":1')), undefined);
  assert.equal(readInitProcess(file('null', 'null')), undefined);
  assert.equal(readInitProcess(file('nopid', '{"init_process_start":1}')), undefined);
  assert.equal(readInitProcess(file('zero', '{"init_process_pid":0,"init_process_start":1}')), undefined);
  assert.equal(readInitProcess(file('str', '{"init_process_pid":"5","init_process_start":1}')), undefined);
  assert.equal(readInitProcess(file('nostart', '{"init_process_pid":5}')), undefined);
});

test('cgroup_paths: controller → directory under /sys/fs/cgroup/, anything else dropped', () => {
  const f = file(
    'cg',
    JSON.stringify({
      cgroup_paths: {
        '': '/sys/fs/cgroup/unified/bpm-x',
        memory: '/sys/fs/cgroup/memory/bpm-x',
        pids: '/sys/fs/cgroup/pids/bpm-x',
        bad: '/etc',
        up: '/sys/fs/cgroup/../../etc',
        num: 7,
      },
    }),
  );
  assert.deepEqual(readCgroupPaths(f), {
    '': '/sys/fs/cgroup/unified/bpm-x',
    memory: '/sys/fs/cgroup/memory/bpm-x',
    pids: '/sys/fs/cgroup/pids/bpm-x',
  });
  assert.equal(readCgroupPaths(file('nocg', '{"id":"bpm-x"}')), undefined);
  assert.equal(readCgroupPaths(join(dir, 'missing')), undefined);
  assert.equal(stateFilePath('/r/sys/run/bpm-runc', 'bpm-x'), '/r/sys/run/bpm-runc/bpm-x/state.json');
});
