// Runs a monit start/stop program the way monit does: argv as split from the control file (no
// shell), a small fixed environment, as `uid`/`gid` when given, in its own process group, killed
// (the whole group) when it outlasts its timeout. The last bytes of its output go into the status
// message when it fails, as monit shows them.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Program } from './monitrc.ts';

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stdout and stderr, the last 512 bytes, trimmed. */
  output: string;
  /** The program could not be run at all. */
  spawnError?: string;
}

const OUTPUT_TAIL = 512;
const ENV = { PATH: '/bin:/usr/bin:/sbin:/usr/sbin' };

/** A user or group name (or number) from /etc/passwd or /etc/group. */
export function accountId(name: string, file: '/etc/passwd' | '/etc/group'): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] !== undefined && /^\d+$/.test(f[2])) return Number(f[2]);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function runProgram(
  program: Program,
  service: string,
  defaultTimeoutMs: number,
): { done: Promise<ProgramResult>; pid: number | undefined } {
  const uid = program.uid === undefined ? undefined : accountId(program.uid, '/etc/passwd');
  const gid = program.gid === undefined ? undefined : accountId(program.gid, '/etc/group');
  if ((program.uid !== undefined && uid === undefined) || (program.gid !== undefined && gid === undefined)) {
    const who = uid === undefined ? `uid ${program.uid}` : `gid ${program.gid}`;
    return {
      pid: undefined,
      done: Promise.resolve({
        code: null,
        signal: null,
        timedOut: false,
        output: '',
        spawnError: `unknown ${who}`,
      }),
    };
  }
  const [file, ...args] = program.argv as [string, ...string[]];
  const child = spawn(file, args, {
    env: { ...ENV, MONIT_SERVICE: service },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...(uid === undefined ? {} : { uid }),
    ...(gid === undefined ? {} : { gid }),
  });
  let output = Buffer.alloc(0);
  const keep = (chunk: Buffer): void => {
    output = Buffer.concat([output, chunk]);
    if (output.length > OUTPUT_TAIL) output = output.subarray(output.length - OUTPUT_TAIL);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timeoutMs = (program.timeoutSeconds ?? 0) > 0 ? program.timeoutSeconds! * 1000 : defaultTimeoutMs;
  const done = new Promise<ProgramResult>((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, output: '', spawnError: err.message });
    });
    // 'exit', not 'close': a daemon the program leaves behind may hold its stdout for ever.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, signal, timedOut, output: output.toString('utf8').trim() });
    });
  });
  return { done, pid: child.pid };
}

/** How monit words a program that did not succeed, or undefined when it did. */
export function programFailure(verb: 'start' | 'stop' | 'exec', r: ProgramResult): string | undefined {
  if (r.spawnError !== undefined) return `failed to ${verb}: ${r.spawnError}`;
  if (r.timedOut) return `failed to ${verb} (timed out)${r.output ? ` -- ${r.output}` : ''}`;
  if (r.code === 0) return undefined;
  const how = r.code === null ? `signal ${r.signal ?? '?'}` : `exit status ${r.code}`;
  return `failed to ${verb} (${how})${r.output ? ` -- ${r.output}` : ''}`;
}
