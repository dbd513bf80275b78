// Runs the built bundle through bin/bpm for the CLI's end-to-end tests. Builds dist/ once if it is
// missing (`npm test` builds before running the tests).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const BPM = join(REPO, 'bin', 'bpm');
export const NODE = join(REPO, 'node_modules', '.bin', 'node');

export function ensureBuilt(): void {
  if (existsSync(join(REPO, 'dist', 'main.js'))) return;
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs')], {
    cwd: REPO,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('npm run build failed');
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Run through `setpriv` as this uid/gid. */
  as?: { uid: number; gid: number };
  cwd?: string;
  input?: string;
  bin?: string;
}

export function bpm(args: readonly string[], opts: RunOptions = {}): Result {
  ensureBuilt();
  const bin = opts.bin ?? BPM;
  const [file, argv] =
    opts.as === undefined
      ? [bin, [...args]]
      : ['setpriv', [`--reuid=${opts.as.uid}`, `--regid=${opts.as.gid}`, '--clear-groups', bin, ...args]];
  const r = spawnSync(file, argv, {
    env: opts.env ?? process.env,
    cwd: opts.cwd ?? REPO,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary BOSH root (removed by the returned cleanup). */
export function tempBoshRoot(): { root: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'bpm-cli-'));
  return {
    root,
    env: { ...process.env, BPM_BOSH_ROOT: root },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
