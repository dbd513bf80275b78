// `bpm run -v/-e` values (docs/behaviour/config.md §8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRunEnv, applyRunVolumes, parseRunVolume } from '../../src/config/run-flags.ts';
import { ConfigError } from '../../src/errors.ts';
import { parse } from './helpers.ts';

const opts = { root: '/var/vcap', job: 'web' };

function fileProcess() {
  const cfg = parse(
    'processes:\n- name: p\n  executable: e\n  env: {A: file, B: keep}\n  additional_volumes: [{path: /var/vcap/data/f}]\n',
  );
  return { cfg, p: cfg.processes[0]! };
}

function bareError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.location, undefined);
    return err.message;
  }
  assert.fail('expected an error');
}

test('-v: path alone, and every option', () => {
  assert.deepEqual(parseRunVolume('/var/vcap/data/x'), {
    path: '/var/vcap/data/x',
    writable: false,
    allowExecutions: false,
    mountOnly: false,
    shared: false,
  });
  assert.deepEqual(parseRunVolume('/var/vcap/data/x:writable,mount_only,allow_executions,shared'), {
    path: '/var/vcap/data/x',
    writable: true,
    allowExecutions: true,
    mountOnly: true,
    shared: true,
  });
  assert.equal(parseRunVolume(' /a :writable').path, ' /a ');
});

test('-v: malformed values', () => {
  assert.equal(
    bareError(() => parseRunVolume('/a:writable:x')),
    'invalid volume definition (format: <path>[:<options>]): /a:writable:x',
  );
  assert.equal(
    bareError(() => parseRunVolume('/a:bogus')),
    'invalid volume option: bogus',
  );
  assert.equal(
    bareError(() => parseRunVolume('/a:')),
    'invalid volume option: ',
  );
  assert.equal(
    bareError(() => parseRunVolume('/a:writable,')),
    'invalid volume option: ',
  );
  assert.equal(
    bareError(() => parseRunVolume('/a:Writable')),
    'invalid volume option: Writable',
  );
});

test('-v: volumes are appended after the file volumes, then the process is re-validated', () => {
  const { p } = fileProcess();
  applyRunVolumes(p, ['/var/vcap/data/x:writable', '/var/vcap/store/web/sub'], opts);
  assert.deepEqual(
    p.additionalVolumes.map((v) => [v.path, v.writable]),
    [
      ['/var/vcap/data/f', false],
      ['/var/vcap/data/x', true],
      ['/var/vcap/store/web/sub', false],
    ],
  );
});

test('-v: validation errors are bare messages', () => {
  assert.equal(
    bareError(() => applyRunVolumes(fileProcess().p, ['/etc'], opts)),
    'invalid volume path: /etc must be within /var/vcap',
  );
  assert.equal(
    bareError(() => applyRunVolumes(fileProcess().p, ['/var/vcap/data/web'], opts)),
    'invalid volume path: /var/vcap/data/web cannot conflict with default job data or store directories',
  );
  assert.equal(
    bareError(() => applyRunVolumes(fileProcess().p, ['/var/vcap/data/x/'], opts)),
    'volume path must be canonical, expected /var/vcap/data/x but got /var/vcap/data/x/',
  );
  const { cfg, p } = fileProcess();
  assert.equal(
    bareError(() => applyRunVolumes(p, ['/etc'], { ...opts, locate: cfg.locate, index: 0 })),
    'invalid volume path: /etc must be within /var/vcap',
  );
});

test('-e: split on the first =, override the file, later wins, keep key order', () => {
  const { p } = fileProcess();
  applyRunEnv(p, ['A=flag', 'C=x=y', 'C=z', 'D='], opts);
  assert.deepEqual(
    [...p.env],
    [
      ['A', 'flag'],
      ['B', 'keep'],
      ['C', 'z'],
      ['D', ''],
    ],
  );
});

test('-e: an empty name is refused before runc would fail on it (upstream accepts `=x`)', () => {
  assert.equal(
    bareError(() => applyRunEnv(fileProcess().p, ['=empty'])),
    'invalid environment variable name "": must be non-empty and must not contain "=" or a NUL byte',
  );
});

test('-e: no = is an error with the value Go-quoted (upstream typo kept)', () => {
  assert.equal(
    bareError(() => applyRunEnv(fileProcess().p, ['NOEQUALS'])),
    'invalid envionment variable definition (format should be KEY=value): "NOEQUALS"',
  );
  assert.equal(
    bareError(() => applyRunEnv(fileProcess().p, ['tab\there"'])),
    'invalid envionment variable definition (format should be KEY=value): "tab\\there\\""',
  );
});

test('-v: a value with a newline is quoted in the message', () => {
  assert.equal(
    bareError(() => parseRunVolume('/a:b\n')),
    'invalid volume option: "b\\n"',
  );
});
