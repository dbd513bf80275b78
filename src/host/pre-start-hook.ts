// The pre-start hook (docs/behaviour/config.md §3.3): run on the host as root, before the container starts,
// with the container's environment, bpm's working directory, stdin /dev/null, and output appended
// to the process logs. A bare name is looked up in bpm's own PATH (not the container's).
//
// Two deviations (policy fix 11, docs/compatibility.md): HOME and TMPDIR are not the job's
// vcap-writable data and tmp dirs but a fresh root-only scratch directory, removed afterwards
// (root's interpreters would load what the job planted there); and the hook runs under
// `setpriv --pdeathsig KILL`, so the kernel kills it when the bpm that started it dies, and in a
// session of its own, so that what it forked can be found and killed by the next run
// (host/hook-session.ts): a SIGKILLed `bpm start` leaves no hook running beside the next one's.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { BpmError, messageOf } from '../errors.ts';
import { commandPath, lookPath } from '../go/exec.ts';
import { mkdirAll, removeAll } from '../go/os.ts';
import { exitText, succeeded } from '../text/exit-status.ts';
import { goErrnoText } from '../text/os-error.ts';
import { forgetHookSession, killHookLeftovers, recordHookSession } from './hook-session.ts';
import type { ProcessLogs } from './prerequisites.ts';

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

/**
 * What execve(2) would say about `file`, as Go's `fork/exec <file>: <errno text>`. setpriv execs
 * the hook, so its failure would otherwise only be setpriv's exit status.
 */
function assertExecutable(file: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch (err) {
    throw new Error(`fork/exec ${file}: ${goErrnoText(err)}`);
  }
  if (statSync(file).isDirectory()) throw new Error(`fork/exec ${file}: permission denied`);
  if (!hasExecMagic(file)) throw new Error(`fork/exec ${file}: exec format error`);
}

/**
 * Whether execve(2) would recognise `file`: a `#!` script or an ELF binary. setpriv execs through
 * execvp, which hands any other file (ENOEXEC) to /bin/sh; Go's exec fails with ENOEXEC instead.
 */
function hasExecMagic(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, head, 0, 4, 0);
    return (n >= 2 && head[0] === 0x23 && head[1] === 0x21) || (n === 4 && head.equals(ELF_MAGIC));
  } finally {
    closeSync(fd);
  }
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Where a hook run keeps its HOME/TMPDIR and the record of its session (bosh/paths.ts). */
export interface HookPlaces {
  scratch: string;
  session: string;
}

/**
 * The hook waits behind this gate until bpm has recorded its session: a bpm killed before that
 * closes the gate's descriptor 3 unwritten, and the hook never runs (nothing would find what it
 * forked). The gate is the session leader and execs setpriv, which execs the hook, in one pid.
 */
export const HOOK_GATE = 'read -r go <&3 && [ "$go" = go ] || exit 125; exec "$@" 3<&-';

function run(file: string, env: Record<string, string>, logs: ProcessLogs, session: string): Promise<void> {
  assertExecutable(file);
  const setpriv = lookPath('setpriv');
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/bin/sh',
      ['-c', HOOK_GATE, 'bpm-hook-gate', setpriv, '--pdeathsig', 'KILL', '--', file],
      {
        env,
        stdio: ['ignore', logs.stdout, logs.stderr, 'pipe'],
        detached: true, // setsid: the hook and what it forks form one session
      },
    );
    const gate = child.stdio[3] as Writable | null;
    gate?.on('error', () => {}); // the gate died first (its status is reported below)
    if (child.pid !== undefined) recordHookSession(session, child.pid);
    gate?.end('go\n');
    child.once('error', (err) => {
      forgetHookSession(session);
      reject(new Error(`fork/exec /bin/sh: ${goErrnoText(err)}`));
    });
    child.once('close', (code, signal) => {
      forgetHookSession(session);
      const exit = { code, signal };
      if (succeeded(exit)) resolve();
      else reject(new Error(exitText(exit)));
    });
  });
}

/** Make `dir` afresh, root-only, with `tmp` inside: the hook's HOME and TMPDIR. */
function makeScratch(dir: string): { HOME: string; TMPDIR: string } {
  removeAll(dir); // left behind by a bpm that was killed while its hook ran
  mkdirAll(dirname(dir), 0o700);
  mkdirSync(dir, 0o700);
  mkdirSync(join(dir, 'tmp'), 0o700);
  return { HOME: dir, TMPDIR: join(dir, 'tmp') };
}

/**
 * Run the hook with `places.scratch` (a root-only path under R/data/bpm, made afresh and removed
 * afterwards) as HOME and TMPDIR, after killing what a killed bpm's hook left running. Failures
 * read `prestart hook failed: <exit status N | exec error>`.
 */
export async function runPreStartHook(
  command: string,
  env: readonly string[],
  logs: ProcessLogs,
  places: HookPlaces,
): Promise<void> {
  const { scratch, session } = places;
  try {
    const file = commandPath(command);
    await killHookLeftovers(session);
    await run(file, { ...envObject(env), ...makeScratch(scratch) }, logs, session);
  } catch (err) {
    throw new BpmError(`prestart hook failed: ${messageOf(err)}`, { cause: err });
  } finally {
    try {
      removeAll(scratch);
    } catch {
      // the next hook run removes it before it starts
    }
  }
}
