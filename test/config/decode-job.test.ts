// The bpm.yml schema: every field, defaults and null handling (docs/behaviour/config.md §3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILE, parse, proc, procError } from './helpers.ts';

test('the example of docs/behaviour/config.md §9 decodes completely', () => {
  const cfg = parse(`processes:
- name: server
  executable: /var/vcap/packages/server/bin/serve
  args: [--port, "2424"]
  env: {FOO: BAR}
  limits: {memory: 1G, open_files: 4096, processes: 100}
  ephemeral_disk: true
  additional_volumes:
  - path: /var/vcap/data/sockets
    writable: true
  capabilities: [NET_BIND_SERVICE]
  shutdown_signal: INT
- name: worker
  executable: /var/vcap/packages/server/bin/work
  hooks:
    pre_start: /var/vcap/jobs/server/bin/worker-setup
`);
  assert.equal(cfg.file, FILE);
  assert.equal(cfg.processes.length, 2);
  const [server, worker] = cfg.processes;
  assert.deepEqual(server, {
    name: 'server',
    executable: '/var/vcap/packages/server/bin/serve',
    args: ['--port', '2424'],
    env: new Map([['FOO', 'BAR']]),
    workdir: '',
    capabilities: ['NET_BIND_SERVICE'],
    limits: { memory: '1G', openFiles: 4096n, processes: 100n },
    ephemeralDisk: true,
    persistentDisk: false,
    additionalVolumes: [
      {
        path: '/var/vcap/data/sockets',
        writable: true,
        allowExecutions: false,
        mountOnly: false,
        shared: false,
      },
    ],
    shutdownSignal: 'INT',
  });
  assert.equal(worker!.name, 'worker');
  assert.deepEqual(worker!.hooks, { preStart: '/var/vcap/jobs/server/bin/worker-setup' });
  assert.equal(worker!.limits, undefined);
  assert.equal(worker!.unsafe, undefined);
  assert.deepEqual(worker!.args, []);
  assert.equal(worker!.env.size, 0);
});

test('defaults of an almost empty process', () => {
  const p = proc('');
  assert.deepEqual(p, {
    name: 'p',
    executable: '/bin/e',
    args: [],
    env: new Map(),
    workdir: '',
    capabilities: [],
    ephemeralDisk: false,
    persistentDisk: false,
    additionalVolumes: [],
    shutdownSignal: '',
  });
});

test('workdir, persistent_disk, capabilities, shutdown_signal TERM', () => {
  const p = proc(
    '  workdir: /tmp/w\n  persistent_disk: true\n  capabilities: [NET_ADMIN, CAP_X]\n  shutdown_signal: TERM\n',
  );
  assert.equal(p.workdir, '/tmp/w');
  assert.equal(p.persistentDisk, true);
  assert.deepEqual(p.capabilities, ['NET_ADMIN', 'CAP_X']);
  assert.equal(p.shutdownSignal, 'TERM');
});

test('every volume option, in additional and unrestricted volumes', () => {
  const p = proc(`  additional_volumes:
  - path: /var/vcap/data/a
    writable: true
    allow_executions: true
    mount_only: true
    shared: true
  unsafe:
    privileged: true
    host_pid_namespace: true
    unrestricted_volumes:
    - path: /etc/*.conf
      writable: yes
    - {path: relative/x, mount_only: on}
`);
  assert.deepEqual(p.additionalVolumes, [
    { path: '/var/vcap/data/a', writable: true, allowExecutions: true, mountOnly: true, shared: true },
  ]);
  assert.deepEqual(p.unsafe, {
    privileged: true,
    hostPidNamespace: true,
    unrestrictedVolumes: [
      { path: '/etc/*.conf', writable: true, allowExecutions: false, mountOnly: false, shared: false },
      { path: 'relative/x', writable: false, allowExecutions: false, mountOnly: true, shared: false },
    ],
  });
});

test('all limits, and unset ones are absent', () => {
  const p = proc(
    '  limits:\n    memory: 256M\n    open_files: 1024\n    processes: 10\n    core_file_size: 0\n',
  );
  assert.deepEqual(p.limits, { memory: '256M', openFiles: 1024n, processes: 10n, coreFileSize: 0n });
  assert.deepEqual(proc('  limits: {open_files: ~, memory: }\n').limits, {});
  assert.equal(proc('  limits:\n').limits, undefined);
  assert.equal(proc('  limits: ~\n').limits, undefined);
});

test('64-bit limits keep their full range', () => {
  const p = proc('  limits: {open_files: 18446744073709551615, processes: -9223372036854775808}\n');
  assert.equal(p.limits?.openFiles, 18446744073709551615n);
  assert.equal(p.limits?.processes, -9223372036854775808n);
});

test('hooks: null, {}, empty pre_start all mean no hook (docs/behaviour/policy.md fix #4)', () => {
  for (const body of [
    '  hooks:\n',
    '  hooks: ~\n',
    '  hooks: {}\n',
    '  hooks: {pre_start: ""}\n',
    '  hooks: {pre_start: }\n',
  ]) {
    assert.equal(proc(body).hooks, undefined, body);
  }
  assert.deepEqual(proc('  hooks: {pre_start: setup}\n').hooks, { preStart: 'setup' });
});

test('unsafe: null is absent, {} is present with defaults', () => {
  assert.equal(proc('  unsafe:\n').unsafe, undefined);
  assert.deepEqual(proc('  unsafe: {}\n').unsafe, {
    privileged: false,
    unrestrictedVolumes: [],
    hostPidNamespace: false,
  });
});

test('null string fields keep the default, null list items are dropped, null env values are empty', () => {
  const p = proc(
    '  workdir: ~\n  shutdown_signal:\n  args: [a, ~, null, "", b]\n  capabilities: [~, X]\n  env: {A: ~, B:, C: c}\n',
  );
  assert.equal(p.workdir, '');
  assert.equal(p.shutdownSignal, '');
  assert.deepEqual(p.args, ['a', '', 'b']);
  assert.deepEqual(p.capabilities, ['X']);
  assert.deepEqual(
    [...p.env],
    [
      ['A', ''],
      ['B', ''],
      ['C', 'c'],
    ],
  );
});

test('null list fields are empty; a null volume item is dropped', () => {
  const p = proc(
    '  args:\n  env: ~\n  capabilities: null\n  additional_volumes: [~, {path: /var/vcap/data/x}]\n',
  );
  assert.deepEqual(p.args, []);
  assert.equal(p.env.size, 0);
  assert.deepEqual(p.capabilities, []);
  assert.deepEqual(
    p.additionalVolumes.map((v) => v.path),
    ['/var/vcap/data/x'],
  );
});

test('env keys are the literal text of any scalar; a null key is skipped', () => {
  const p = proc('  env: {1: one, true: t, ~: gone, "a b": c, 2.50: x}\n');
  assert.deepEqual(
    [...p.env],
    [
      ['1', 'one'],
      ['true', 't'],
      ['a b', 'c'],
      ['2.50', 'x'],
    ],
  );
});

test('unknown keys are ignored but recorded with their location', () => {
  const cfg = parse(
    'version: 2\nprocesses:\n- name: p\n  executable: e\n  limits: {cpu: 2}\n  volumes: []\n',
  );
  assert.equal(cfg.processes.length, 1);
  assert.deepEqual(
    cfg.unknownKeys.map((k) => [k.field, k.location.line, k.location.column]),
    [
      ['version', 1, 1],
      ['processes[0].limits.cpu', 5, 12],
      ['processes[0].volumes', 6, 3],
    ],
  );
});

test('locate() finds every field present in the file', () => {
  const cfg = parse(
    'processes:\n- name: p\n  executable: e\n  limits:\n    memory: 1G\n  args: [a, b]\n  env: {K: v}\n',
  );
  const at = (f: string) => {
    const l = cfg.locate(f);
    return l && [l.line, l.column, l.field, l.file];
  };
  assert.deepEqual(at('processes'), [2, 1, 'processes', FILE]);
  assert.deepEqual(at('processes[0]'), [2, 3, 'processes[0]', FILE]);
  assert.deepEqual(at('processes[0].name'), [2, 9, 'processes[0].name', FILE]);
  assert.deepEqual(at('processes[0].limits.memory'), [5, 13, 'processes[0].limits.memory', FILE]);
  assert.deepEqual(at('processes[0].args[1]'), [6, 13, 'processes[0].args[1]', FILE]);
  assert.deepEqual(at('processes[0].env.K'), [7, 12, 'processes[0].env.K', FILE]);
  assert.equal(cfg.locate('processes[0].workdir'), undefined);
});

test('type errors: sequences or mappings where a string is expected', () => {
  assert.equal(
    procError('  workdir: [a]\n'),
    `${FILE}:4:12: processes[0].workdir: must be a string, got a sequence`,
  );
  assert.equal(
    procError('  args: [{a: b}]\n'),
    `${FILE}:4:10: processes[0].args[0]: must be a string, got a mapping`,
  );
  assert.equal(
    procError('  env: {A: [1]}\n'),
    `${FILE}:4:12: processes[0].env.A: must be a string, got a sequence`,
  );
  assert.equal(procError('  args: foo\n'), `${FILE}:4:9: processes[0].args: must be a list, got "foo"`);
  assert.equal(procError('  env: [a]\n'), `${FILE}:4:8: processes[0].env: must be a mapping, got a sequence`);
  assert.equal(procError('  limits: 5\n'), `${FILE}:4:11: processes[0].limits: must be a mapping, got 5`);
  assert.equal(procError('  hooks: run\n'), `${FILE}:4:10: processes[0].hooks: must be a mapping, got "run"`);
  assert.equal(
    procError('  additional_volumes: [/var/vcap/data/x]\n'),
    `${FILE}:4:24: processes[0].additional_volumes[0]: must be a mapping, got "/var/vcap/data/x"`,
  );
});

test('several type errors: the first is reported with a count of the rest', () => {
  assert.equal(
    procError('  ephemeral_disk: maybe\n  limits:\n    open_files: -1\n    processes: "3"\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got "maybe" (and 2 more)`,
  );
});
