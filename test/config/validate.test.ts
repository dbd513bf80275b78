// Validation rules (docs/behaviour/config.md §4): order, exact texts, locations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyProcess } from '../../src/config/decode-job.ts';
import type { ProcessConfig, Volume } from '../../src/config/types.ts';
import { validateProcess } from '../../src/config/validate.ts';
import { ConfigError } from '../../src/errors.ts';
import { FILE, parse, parseError } from './helpers.ts';

const vol = (path: string): Volume => ({
  path,
  writable: false,
  allowExecutions: false,
  mountOnly: false,
  shared: false,
});

function process(over: Partial<ProcessConfig>): ProcessConfig {
  return { ...emptyProcess(), name: 'p', executable: '/bin/e', ...over };
}

function bare(p: ProcessConfig, root = '/var/vcap', job = 'web'): string | undefined {
  try {
    validateProcess(p, { root, job });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.location, undefined);
    return err.message;
  }
}

test('name and executable are required (in that order)', () => {
  assert.equal(bare(process({ name: '', executable: '' })), 'invalid config: name');
  assert.equal(bare(process({ executable: '' })), 'invalid config: executable');
  assert.equal(
    parseError('processes:\n- executable: b\n'),
    `${FILE}:2:3: processes[0].name: invalid config: name`,
  );
  assert.equal(
    parseError('processes:\n- name: ""\n  executable: b\n'),
    `${FILE}:2:9: processes[0].name: invalid config: name`,
  );
  assert.equal(
    parseError('processes:\n- name: a\n'),
    `${FILE}:2:3: processes[0].executable: invalid config: executable`,
  );
  assert.equal(
    parseError('processes:\n- name: a\n  executable: ~\n'),
    `${FILE}:3:15: processes[0].executable: invalid config: executable`,
  );
});

test('volume paths must be canonical', () => {
  const cases: Array<[string, string]> = [
    ['/var/vcap/data/x/', '/var/vcap/data/x'],
    ['//var/vcap/data/x', '/var/vcap/data/x'],
    ['/var/vcap/data/./x', '/var/vcap/data/x'],
    ['/var/vcap/data/y/../x', '/var/vcap/data/x'],
    ['', '.'],
  ];
  for (const [path, clean] of cases) {
    assert.equal(
      bare(process({ additionalVolumes: [vol(path)] })),
      `volume path must be canonical, expected ${clean} but got ${path}`,
    );
  }
});

test('volume paths may not be the default data or store directory', () => {
  for (const path of ['/var/vcap/data/web', '/var/vcap/store/web']) {
    assert.equal(
      bare(process({ additionalVolumes: [vol(path)] })),
      `invalid volume path: ${path} cannot conflict with default job data or store directories`,
    );
  }
  assert.equal(
    bare(process({ additionalVolumes: [vol('/var/vcap/data/web/tmp'), vol('/var/vcap/store/other')] })),
    undefined,
  );
});

test('volume paths must be strictly inside the BOSH root', () => {
  for (const path of ['/etc', '/var/vcap', '/var', 'var/vcap/data/x', '/var/vcapx/data', '.']) {
    const msg = bare(process({ additionalVolumes: [vol(path)] }));
    assert.equal(msg, `invalid volume path: ${path} must be within /var/vcap`, path);
  }
  // (Upstream also accepts /var/vcap/jobs/other here; we only accept it read-only and mount_only:
  // test/config/reserved-volumes.test.ts.)
  for (const path of ['/var/vcap/sys/run/x', '/var/vcap/data/*', '/var/vcap/x']) {
    assert.equal(bare(process({ additionalVolumes: [vol(path)] })), undefined, path);
  }
});

test('the root is cleaned first and used for the default directories', () => {
  assert.equal(bare(process({ additionalVolumes: [vol('/tmp/r/data/x')] }), '/tmp/r/'), undefined);
  assert.equal(
    bare(process({ additionalVolumes: [vol('/var/vcap/data/x')] }), '/tmp/r/'),
    'invalid volume path: /var/vcap/data/x must be within /tmp/r',
  );
  assert.equal(
    bare(process({ additionalVolumes: [vol('/tmp/r/store/web')] }), '/tmp//r'),
    'invalid volume path: /tmp/r/store/web cannot conflict with default job data or store directories',
  );
  // With R = / nothing can be "strictly inside" by upstream's component comparison.
  assert.equal(
    bare(process({ additionalVolumes: [vol('/a')] }), '/'),
    'invalid volume path: /a must be within /',
  );
});

test('volume rules run per volume, in order, canonical first', () => {
  assert.equal(
    bare(process({ additionalVolumes: [vol('/var/vcap/data/ok'), vol('/etc/'), vol('/var/vcap/data/web')] })),
    'volume path must be canonical, expected /etc but got /etc/',
  );
});

test('unrestricted volumes are not validated', () => {
  const unsafe = { privileged: false, hostPidNamespace: false, unrestrictedVolumes: [vol('relative/../x/')] };
  assert.equal(bare(process({ unsafe })), undefined);
});

test('shutdown_signal: empty, TERM or INT', () => {
  for (const s of ['', 'TERM', 'INT']) assert.equal(bare(process({ shutdownSignal: s })), undefined);
  for (const s of ['term', 'KILL', 'SIGTERM', 'INT ']) {
    assert.equal(
      bare(process({ shutdownSignal: s })),
      `shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got '${s}'`,
    );
  }
});

test('rule order: volumes are checked before the shutdown signal', () => {
  assert.equal(
    bare(process({ shutdownSignal: 'KILL', additionalVolumes: [vol('/etc')] })),
    'invalid volume path: /etc must be within /var/vcap',
  );
});

test('errors from a file carry the location of the offending field', () => {
  const head = 'processes:\n- name: p\n  executable: e\n';
  assert.equal(
    parseError(`${head}  additional_volumes:\n  - path: /var/vcap/data/x/\n`),
    `${FILE}:5:11: processes[0].additional_volumes[0].path: volume path must be canonical, expected /var/vcap/data/x but got /var/vcap/data/x/`,
  );
  assert.equal(
    parseError(`${head}  additional_volumes:\n  - {writable: true}\n`),
    `${FILE}:5:5: processes[0].additional_volumes[0].path: volume path must be canonical, expected . but got `,
  );
  assert.equal(
    parseError(`${head}  additional_volumes: [{path: /var/vcap/store/web}]\n`),
    `${FILE}:4:31: processes[0].additional_volumes[0].path: invalid volume path: /var/vcap/store/web cannot conflict with default job data or store directories`,
  );
  assert.equal(
    parseError(`${head}  additional_volumes:\n  - path: /etc\n`),
    `${FILE}:5:11: processes[0].additional_volumes[0].path: invalid volume path: /etc must be within /var/vcap`,
  );
  assert.equal(
    parseError(`${head}  shutdown_signal: KILL\n`),
    `${FILE}:4:20: processes[0].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'KILL'`,
  );
});

test('all processes are validated, the first failure in file order is reported', () => {
  assert.equal(
    parseError(
      'processes:\n- name: a\n  executable: b\n- name: c\n  executable: d\n  shutdown_signal: HUP\n- name: e\n',
    ),
    `${FILE}:6:20: processes[1].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'HUP'`,
  );
});

test('validateProcess with locate: flag volumes (beyond the file) have no location', () => {
  const cfg = parse(
    'processes:\n- name: p\n  executable: e\n  additional_volumes: [{path: /var/vcap/data/a}]\n',
  );
  const p = cfg.processes[0]!;
  p.additionalVolumes.push(vol('/etc'));
  assert.throws(
    () => validateProcess(p, { root: '/var/vcap', job: 'web', locate: cfg.locate, index: 0 }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.location === undefined &&
      err.message === 'invalid volume path: /etc must be within /var/vcap',
  );
});

test('values with control characters are quoted so the message stays one line', () => {
  assert.equal(
    parseError('processes:\n- name: p\n  executable: e\n  shutdown_signal: "TE\\nRM"\n'),
    `${FILE}:4:20: processes[0].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got '"TE\\nRM"'`,
  );
  assert.equal(
    bare(process({ additionalVolumes: [vol('/etc\n')] })),
    'invalid volume path: "/etc\\n" must be within /var/vcap',
  );
});
