// The pre-start hook (docs/behaviour/config.md §3.3): run on the host as root, before the container starts,
// with the container's environment, bpm's working directory, stdin /dev/null, and output appended
// to the process logs. A bare name is looked up in bpm's own PATH (not the container's).
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError, messageOf } from '../errors.ts';
import type { ProcessLogs } from '../host/prerequisites.ts';
import { exitText, succeeded } from '../text/exit-status.ts';
import { goErrnoText } from '../text/os-error.ts';

function isExecutableFile(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Go's exec.LookPath against bpm's PATH. */
export function lookPath(name: string, pathEnv: string = process.env['PATH'] ?? ''): string {
  if (name.includes('/')) return name;
  for (const dir of pathEnv.split(':')) {
    const candidate = join(dir === '' ? '.' : dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new Error(`exec: "${name}": executable file not found in $PATH`);
}

/** `KEY=VALUE` entries as an environment object (a later duplicate wins, as in Go). */
function envObject(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env) {
    const i = entry.indexOf('=');
    if (i < 0) out[entry] = '';
    else out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

function run(file: string, env: readonly string[], logs: ProcessLogs): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { env: envObject(env), stdio: ['ignore', logs.stdout, logs.stderr] });
    child.once('error', (err) => reject(new Error(`fork/exec ${file}: ${goErrnoText(err)}`)));
    child.once('close', (code, signal) => {
      const exit = { code, signal };
      if (succeeded(exit)) resolve();
      else reject(new Error(exitText(exit)));
    });
  });
}

/** Run the hook; failures read `prestart hook failed: <exit status N | exec error>`. */
export async function runPreStartHook(
  command: string,
  env: readonly string[],
  logs: ProcessLogs,
): Promise<void> {
  try {
    await run(lookPath(command), env, logs);
  } catch (err) {
    throw new BpmError(`prestart hook failed: ${messageOf(err)}`, { cause: err });
  }
}
