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

test("runc's head is read without the rest; a file that does not start or end as runc writes it is parsed whole", () => {
  // what a job can put in its config (an env value) never reaches the head
  const config = '"config":{"env":["X=\\",\\"init_process_pid\\":1,"]}';
  const ok = `{"id":"bpm-x","init_process_pid":42,"init_process_start":7,"created":"now",${config}}\n`;
  assert.deepEqual(readInitProcess(file('head', ok)), { pid: 42, startTime: 7 });
  // cut after the head: not a whole record, so not an answer
  assert.equal(readInitProcess(file('cut', ok.slice(0, 80))), undefined);
  // another field order, or an id the head pattern does not take: the whole parse decides
  const reordered = '{"init_process_start":7,"id":"bpm-x","init_process_pid":42}';
  assert.deepEqual(readInitProcess(file('order', reordered)), { pid: 42, startTime: 7 });
  const quoted = '{"id":"a\\"b","init_process_pid":43,"init_process_start":8}';
  assert.deepEqual(readInitProcess(file('quoted', quoted)), { pid: 43, startTime: 8 });
  const zero = '{"id":"bpm-x","init_process_pid":0,"init_process_start":8}';
  assert.equal(readInitProcess(file('zero-head', zero)), undefined);
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
