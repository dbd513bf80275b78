// Running a tool (tail, strace) in the foreground like Go's os/exec: looked up in PATH, bpm's
// stdio inherited, every catchable signal bpm receives forwarded to it.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError } from '../errors.ts';
import type { ExitResult } from '../text/exit-status.ts';
import { goQuote } from '../text/go-quote.ts';
import { spawnForwarding } from './forward-signals.ts';

function isExecutableFile(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Go's exec.LookPath: a name with a slash is used as is; otherwise searched in PATH. */
export function lookPath(name: string, pathEnv: string | undefined = process.env['PATH']): string {
  if (name.includes('/')) {
    if (isExecutableFile(name)) return name;
    throw new BpmError(`exec: ${goQuote(name)}: permission denied`);
  }
  for (const dir of (pathEnv ?? '').split(':')) {
    const candidate = join(dir === '' ? '.' : dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  throw new BpmError(`exec: ${goQuote(name)}: executable file not found in $PATH`);
}

/** Run `name args…` with bpm's stdio and forward signals, from before it starts, until it ends. */
export function runForeground(name: string, args: readonly string[]): Promise<ExitResult> {
  const file = lookPath(name);
  return new Promise((resolve, reject) => {
    const { child, stop: cleanup } = spawnForwarding(() =>
      spawn(file, args, { stdio: 'inherit', argv0: name }),
    );
    child.once('error', (err) => {
      cleanup();
      reject(new BpmError(`fork/exec ${file}: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve({ code, signal });
    });
  });
}
