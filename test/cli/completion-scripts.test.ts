// The bash completion script works in a real bash: commands, flags, job names from BPM_BOSH_ROOT.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { completionScript } from '../../src/cli/completion-scripts.ts';

function complete(words: string[], root: string): string[] {
  const script = `${completionScript('bash')}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bpm; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', script], {
    env: { PATH: process.env['PATH'], BPM_BOSH_ROOT: root },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

test('bash completion: commands, flags, jobs and processes', () => {
  const root = mkdtempSync(join(tmpdir(), 'bpm-compl-'));
  try {
    mkdirSync(join(root, 'jobs', 'web', 'config'), { recursive: true });
    mkdirSync(join(root, 'jobs', 'worker'), { recursive: true });
    writeFileSync(
      join(root, 'jobs', 'web', 'config', 'bpm.yml'),
      'processes:\n- name: web\n  executable: /x\n- name: "sidecar"\n',
    );
    assert.deepEqual(complete(['bpm', 'l'], root), ['list', 'logs']);
    // Commands hidden from the root help are still completed.
    assert.deepEqual(complete(['bpm', 'e'], root), ['exec', 'export']);
    assert.deepEqual(complete(['bpm', 'exec', 'web', '-'], root), [
      '-p',
      '--process',
      '-h',
      '--help',
      '--version',
    ]);
    assert.deepEqual(complete(['bpm', 'start', ''], root), ['web', 'worker']);
    assert.deepEqual(complete(['bpm', 'logs', '-f', 'w'], root), ['web', 'worker']);
    assert.deepEqual(complete(['bpm', 'logs', '--l'], root), ['--lines']);
    assert.deepEqual(complete(['bpm', 'start', 'web', '-p', ''], root), ['web', 'sidecar']);
    assert.deepEqual(complete(['bpm', 'start', 'web', ''], root), []);
    assert.deepEqual(complete(['bpm', 'completion', 'f'], root), ['fish']);
    // list's --json is hidden from its help, not from completion.
    assert.deepEqual(complete(['bpm', 'list', '-'], root), ['--json', '-h', '--help', '--version']);
    assert.deepEqual(complete(['bpm', 'st'], root), ['start', 'status', 'stop']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('every shell has a script', () => {
  for (const sh of ['bash', 'zsh', 'fish', 'powershell'])
    assert.ok(completionScript(sh)?.includes('bpm'), sh);
  assert.equal(completionScript('tcsh'), undefined);
});
