// Running a tool (tail, strace) in the foreground like Go's os/exec: looked up in PATH, bpm's
// stdio inherited, every catchable signal bpm receives forwarded to it.
import { spawn } from 'node:child_process';
import { BpmError } from '../errors.ts';
import { lookPath } from '../go/exec.ts';
import type { ExitResult } from '../text/exit-status.ts';
import { spawnForwarding } from './forward-signals.ts';

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
