// End to end through bin/bpm and the built bundle: help texts, usage blocks, flag errors, unknown
// commands, the root check, --version, and launching from an empty environment or a symlink.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BPM, bpm, tempBoshRoot } from './run-bpm.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/cli/${name}`, import.meta.url), 'utf8');
const usageOf = (name: string): string => {
  const help = fixture(`${name}-help.txt`);
  return help.slice(help.indexOf('Usage:'));
};
// A plain build is unstamped, like upstream's: only `npm run release` bakes in a version
// (test/release/ checks that one).
const VERSION = '[DEV BUILD]';
const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;
const notRoot = isRoot ? false : 'needs root (setpriv to drop to nobody, and the pre-run itself)';

const tmp = tempBoshRoot();
const env = tmp.env;
after(tmp.cleanup);

const COMMANDS = ['start', 'stop', 'pid', 'shell', 'run', 'logs', 'trace', 'list', 'version'];

test('-h and --help print the exact help to stdout, exit 0, without root', { skip: notRoot }, () => {
  for (const name of COMMANDS) {
    for (const flag of ['-h', '--help']) {
      const r = bpm([name, flag], { env, as: NOBODY });
      assert.deepEqual(r, { code: 0, stdout: fixture(`${name}-help.txt`), stderr: '' }, `${name} ${flag}`);
    }
  }
  assert.deepEqual(bpm(['-h'], { env, as: NOBODY }), {
    code: 0,
    stdout: fixture('root-help.txt'),
    stderr: '',
  });
  // Help wins over everything else on the line, JOB validation included.
  assert.equal(bpm(['logs', '../x', '-f', '-h'], { env, as: NOBODY }).stdout, fixture('logs-help.txt'));
});

test('bpm help [cmd] prints help (root required)', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['help'], { env }), { code: 0, stdout: fixture('root-help.txt'), stderr: '' });
  for (const name of COMMANDS) {
    assert.deepEqual(bpm(['help', name], { env }), {
      code: 0,
      stdout: fixture(`${name}-help.txt`),
      stderr: '',
    });
  }
  const unknown = bpm(['help', 'nope'], { env });
  assert.deepEqual(unknown, {
    code: 0,
    stdout: '',
    stderr: `Unknown help topic [\`nope\`]\n${usageOf('root')}`,
  });
  assert.equal(bpm(['help', 'start'], { env, as: NOBODY }).code, 1);
});

test('flag errors: usage block, blank line, pflag message; exit 1; before the root check', {
  skip: notRoot,
}, () => {
  const cases: [string[], string, string][] = [
    [['start', '--bogus'], 'start', 'unknown flag: --bogus'],
    [['logs', 'web', '-z'], 'logs', "unknown shorthand flag: 'z' in -z"],
    [['logs', 'web', '-fz'], 'logs', "unknown shorthand flag: 'z' in -z"],
    [['stop', 'web', '-p'], 'stop', "flag needs an argument: 'p' in -p"],
    [['pid', 'web', '--process'], 'pid', 'flag needs an argument: --process'],
    [['logs', 'web', '-n', 'abc'], 'logs', 'invalid argument "abc" for "-n, --lines" flag: not an integer'],
    [['list', '-p', 'x'], 'list', "unknown shorthand flag: 'p' in -p"],
    [['version', '--all'], 'version', 'unknown flag: --all'],
    [['-z'], 'root', "unknown shorthand flag: 'z' in -z"],
  ];
  for (const [args, cmd, message] of cases) {
    const r = bpm(args, { env, as: NOBODY });
    assert.deepEqual(
      r,
      { code: 1, stdout: '', stderr: `${usageOf(cmd)}\nError: ${message}\n` },
      args.join(' '),
    );
  }
});

test('unknown commands: suggestions, no usage, exit 1, no root check', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['lis'], { env, as: NOBODY }), {
    code: 1,
    stdout: '',
    stderr: 'Error: unknown command "lis" for "bpm"\n\nDid you mean this?\n\tlist\n\tlogs\n\tpid\n\n',
  });
  assert.deepEqual(bpm(['frobnicate', 'x'], { env, as: NOBODY }), {
    code: 1,
    stdout: '',
    stderr: 'Error: unknown command "frobnicate" for "bpm"\n',
  });
  // `help` is never suggested (cobra leaves it out); `shell` is within distance 2.
  assert.equal(
    bpm(['hepl'], { env }).stderr,
    'Error: unknown command "hepl" for "bpm"\n\nDid you mean this?\n\tshell\n\n',
  );
});

test('must specify a job: usage and exit 1, for every job command', { skip: notRoot }, () => {
  for (const name of ['start', 'stop', 'run', 'pid', 'logs', 'shell', 'trace']) {
    const r = bpm([name], { env });
    assert.deepEqual(
      r,
      { code: 1, stdout: '', stderr: `${usageOf(name)}\nError: must specify a job\n` },
      name,
    );
  }
  assert.equal(`${usageOf('start')}\nError: must specify a job\n`, fixture('start-usage-error.txt'));
});

test('job and process names are validated before anything happens', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['logs', '..'], { env }), {
    code: 1,
    stdout: '',
    stderr: 'Error: invalid job name "..": must not be ".."\n',
  });
  assert.deepEqual(bpm(['start', 'web', '-p', 'a/b'], { env }), {
    code: 1,
    stdout: '',
    stderr: 'Error: invalid process name "a/b": must not contain "/"\n',
  });
  assert.equal(existsSync(join(tmp.root, 'sys')), false);
});

test('the root check: refused without usage; lock dir not created', { skip: notRoot }, () => {
  const own = tempBoshRoot();
  try {
    for (const args of [['start', 'web'], ['version'], ['list'], ['help'], ['completion', 'bash'], []]) {
      const r = bpm(args, { env: own.env, as: NOBODY });
      assert.deepEqual(
        r,
        {
          code: 1,
          stdout: '',
          stderr: "Error: bpm must be run as root. Please run 'sudo -i' to become the root user.\n",
        },
        args.join(' '),
      );
    }
    assert.equal(existsSync(join(own.root, 'data')), false);
  } finally {
    own.cleanup();
  }
});

test('--version on any command needs no root and does nothing else', { skip: notRoot }, () => {
  const own = tempBoshRoot();
  try {
    for (const args of [
      ['--version'],
      ['logs', '--version'],
      ['start', 'web', '--version'],
      ['version', 'x', '--version'],
    ]) {
      assert.deepEqual(
        bpm(args, { env: own.env, as: NOBODY }),
        { code: 0, stdout: `${VERSION}\n`, stderr: '' },
        args.join(' '),
      );
    }
    assert.equal(existsSync(join(own.root, 'data')), false);
  } finally {
    own.cleanup();
  }
});

test('version: pre-run creates the lock dir; extra args print usage only, exit 1', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['version'], { env }), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  assert.ok(existsSync(join(tmp.root, 'data', 'bpm', 'locks')));
  assert.deepEqual(bpm(['version', 'extra'], { env }), { code: 1, stdout: '', stderr: usageOf('version') });
});

test('bare bpm: root usage, blank line, then what is missing (upstream: Error: Exit code 1)', {
  skip: notRoot,
}, () => {
  assert.deepEqual(bpm([], { env }), {
    code: 1,
    stdout: '',
    stderr: `${usageOf('root')}\nError: no command given\n`,
  });
});

test('runs from an empty environment and through a symlink in another directory', { skip: notRoot }, () => {
  const r = bpm(['version'], { env: { BPM_BOSH_ROOT: tmp.root }, cwd: '/' });
  assert.deepEqual(r, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  const dir = mkdtempSync(join(tmpdir(), 'bpm-link-'));
  try {
    symlinkSync(BPM, join(dir, 'bpm'));
    const viaLink = bpm(['version'], { env: { BPM_BOSH_ROOT: tmp.root }, cwd: dir, bin: join(dir, 'bpm') });
    assert.deepEqual(viaLink, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completion: every shell gets a script; no shell prints the completion help', { skip: notRoot }, () => {
  for (const sh of ['bash', 'zsh', 'fish', 'powershell']) {
    const r = bpm(['completion', sh], { env });
    assert.equal(r.code, 0, sh);
    assert.match(r.stdout, /bpm/);
  }
  const help = bpm(['completion'], { env, as: NOBODY });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Generate the autocompletion script for bpm for the specified shell\.\n/);
  assert.match(
    bpm(['completion', 'bash', '-h'], { env, as: NOBODY }).stdout,
    /^Generate the autocompletion script for the bash shell/,
  );
});

test('an unexpected failure is one Error line, never a stack trace', { skip: notRoot }, () => {
  // A lock dir that cannot be created is an OS error with usage; no stack.
  const own = tempBoshRoot();
  try {
    const r = bpm(['list'], { env: { ...own.env, BPM_BOSH_ROOT: join('/proc/self/status', 'x') } });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.match(r.stderr, /\nError: mkdir \/proc\/self\/status: not a directory\n$/);
  } finally {
    own.cleanup();
  }
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: a bash script, not a template
const PIPE_SCRIPT = '{ sleep 0.3; "$@"; } | true; echo "${PIPESTATUS[0]}"';

test('stdout closed by its reader (`bpm version | true`): silent, status 141 like Go dying of SIGPIPE', {
  skip: notRoot,
}, () => {
  for (const args of [['--version'], ['version'], ['help'], ['start', '-h'], ['pid', 'nojob', '-h']]) {
    // The reader (`true`) is gone before bpm starts writing: every write gets EPIPE.
    const r = spawnSync('bash', ['-c', PIPE_SCRIPT, 'sh', BPM, ...args], { env, encoding: 'utf8' });
    assert.deepEqual([r.stdout, r.stderr], ['141\n', ''], `bpm ${args.join(' ')}`);
  }
});

test('stdout closed by its reader: validate and export k8s end silently with status 141 too', {
  skip: notRoot,
}, () => {
  mkdirSync(join(tmp.root, 'jobs', 'piped', 'config'), { recursive: true });
  writeFileSync(
    join(tmp.root, 'jobs', 'piped', 'config', 'bpm.yml'),
    'processes:\n- name: piped\n  executable: /bin/true\n',
  );
  for (const args of [['validate'], ['validate', '--json'], ['export', 'k8s', 'piped']]) {
    const r = spawnSync('bash', ['-c', PIPE_SCRIPT, 'sh', BPM, ...args], { env, encoding: 'utf8' });
    assert.equal(r.stdout, '141\n', `bpm ${args.join(' ')}`);
    assert.doesNotMatch(r.stderr, /EPIPE|node:events|Error/, `bpm ${args.join(' ')}`);
  }
});
