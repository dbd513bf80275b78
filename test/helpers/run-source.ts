// Runs bpm from source (src/main.ts through Node's type stripping) against a BOSH root, for
// end-to-end tests of commands that need no build.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname;

export function bpmFromSource(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'src', 'main.ts'), ...args], {
    env: { ...process.env, BPM_BOSH_ROOT: root },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
