// The ways bpm runs runc: output captured, stdio handed over as fds (or bpm's own), or output
// teed.
// Start failures (ENOENT, EACCES, …) become RuncError with Go's `fork/exec` text.
//
// What the supervisor calls — captured output (`state`, `list`), descriptors (`run --detach`,
// `kill`, `delete`), an exec probe — starts runc by posix_spawn on a libuv worker
// (sys/posix-spawn.ts): no fork of bpm, no wait for the exec on the event loop. Captured output
// goes into anonymous in-memory files (sys/memfd.ts), read once runc has exited. withStdio,
// attached and teed stay on node:child_process: they are the foreground I/O of `bpm run`, `bpm
// exec` and `bpm shell` (bpm's terminal handed over, or output relayed while runc runs), one call
// per CLI command, where a fork costs nothing that matters.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { traceTiming } from '../log/trace-timing.ts';
import { anonymousFile, readWhole } from '../sys/memfd.ts';
import { type ChildStdio, type SpawnedChild, spawnChild } from '../sys/posix-spawn.ts';
import type { ExitResult } from '../text/exit-status.ts';
import { goErrnoText } from '../text/os-error.ts';
import { execFailureText, RuncError } from './errors.ts';

/**
 * bpm's environment without `NOTIFY_SOCKET`. Given that variable, runc binds the service manager's
 * socket into the container (a mount upstream never makes) and waits for, or relays, the
 * container's own readiness; under a systemd `Type=notify` unit bpm speaks for its process itself
 * (docs/supervisor.md, "Running under systemd").
 */
export function runcEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env['NOTIFY_SOCKET'] === undefined) return env;
  const { NOTIFY_SOCKET: _, ...rest } = env;
  return rest;
}

function settle(
  binary: string,
  args: string[],
  stdio: StdioOptions,
  onStart: (child: ReturnType<typeof spawn>) => void,
): Promise<ExitResult> {
  return new Promise((resolve, reject) => {
    let done = false;
    traceTiming('spawn');
    const child = spawn(binary, args, { stdio, env: runcEnvironment() });
    traceTiming('spawned');
    child.once('error', (err) => {
      if (done) return;
      done = true;
      reject(new RuncError(execFailureText(binary, err)));
    });
    // 'close' waits for the piped streams to drain as well as for the exit.
    child.once('close', (code, signal) => {
      if (done) return;
      done = true;
      traceTiming('runc-exit');
      resolve({ code, signal });
    });
    onStart(child);
  });
}

export interface Captured {
  exit: ExitResult;
  /** stdout and stderr interleaved in arrival order. */
  output: Buffer;
}

/** An anonymous file for runc's output; failing to make one is a RuncError, as Go's pipe2 is. */
function outputFile(name: string): number {
  try {
    return anonymousFile(name);
  } catch (err) {
    throw new RuncError(`memfd_create: ${goErrnoText(err)}`);
  }
}

/**
 * Run with stdin /dev/null and capture stdout and stderr together: one anonymous file as both, so
 * they interleave in the order runc wrote them. Read once runc has exited (sys/memfd.ts).
 */
export async function captureCombined(binary: string, args: string[]): Promise<Captured> {
  const fd = outputFile('bpm-runc-output');
  try {
    const exit = await withDescriptors(binary, args, ['ignore', fd, fd]);
    return { exit, output: readWhole(fd) };
  } finally {
    closeSync(fd);
  }
}

/** Run with stdin /dev/null and capture stdout and stderr apart, each in its anonymous file. */
export async function captureApart(
  binary: string,
  args: string[],
): Promise<{ exit: ExitResult; stdout: Buffer; stderr: Buffer }> {
  const out = outputFile('bpm-runc-stdout');
  try {
    const err = outputFile('bpm-runc-stderr');
    try {
      const exit = await withDescriptors(binary, args, ['ignore', out, err]);
      return { exit, stdout: readWhole(out), stderr: readWhole(err) };
    } finally {
      closeSync(err);
    }
  } finally {
    closeSync(out);
  }
}

/** stdin, stdout and stderr all /dev/null. */
export const NO_STDIO = ['ignore', 'ignore', 'ignore'] as const;

/** Start runc by posix_spawn (sys/posix-spawn.ts); a start failure becomes a RuncError. */
async function spawned(
  binary: string,
  args: string[],
  stdio: readonly [ChildStdio, ChildStdio, ChildStdio],
  fd3?: number,
): Promise<SpawnedChild> {
  traceTiming('spawn');
  try {
    return await spawnChild(binary, [binary, ...args], runcEnvironment(), stdio, fd3);
  } catch (err) {
    throw new RuncError(execFailureText(binary, err));
  } finally {
    traceTiming('spawned');
  }
}

/**
 * Run with descriptors (or /dev/null) as stdio and nothing read back; resolves when runc exits.
 * posix_spawn on a worker thread (sys/posix-spawn.ts): the event loop neither copies bpm's memory
 * nor waits for runc's exec, which is what keeps a supervisor's 30 parallel starts from queueing
 * behind one another. `fd3`, when given, is runc's fd 3 (the lifecycle lock, client.ts).
 */
export async function withDescriptors(
  binary: string,
  args: string[],
  stdio: readonly [ChildStdio, ChildStdio, ChildStdio],
  fd3?: number,
): Promise<ExitResult> {
  const child = await spawned(binary, args, stdio, fd3);
  const exit = await child.exited;
  traceTiming('runc-exit');
  return exit;
}

/** Run with the given stdio (fds, 'ignore', 'inherit'); resolves when runc exits. */
export function withStdio(binary: string, args: string[], stdio: StdioOptions): Promise<ExitResult> {
  return settle(binary, args, stdio, () => {});
}

/**
 * Run with no stdio until runc exits; once `abort` aborts (also when it already has), `onAbort` is
 * called with the child to end it. Resolves with runc's end either way. Started by posix_spawn, as
 * withDescriptors: an exec probe's attempt costs the event loop no fork.
 */
export async function cancellable(
  binary: string,
  args: string[],
  abort: AbortSignal,
  onAbort: (child: SpawnedChild) => void,
): Promise<ExitResult> {
  const child = await spawned(binary, args, NO_STDIO);
  const end = (): void => onAbort(child);
  if (abort.aborted) end();
  else abort.addEventListener('abort', end, { once: true });
  try {
    return await child.exited;
  } finally {
    abort.removeEventListener('abort', end);
  }
}

/**
 * Run with bpm's own stdio until runc exits. `whileRunning` is called with the child once it is
 * spawned (e.g. to forward signals to it) and returns what undoes that, called when runc is done.
 */
export async function attached(
  binary: string,
  args: string[],
  whileRunning: (child: ChildProcess) => () => void,
): Promise<ExitResult> {
  let undo = (): void => {};
  try {
    return await settle(binary, args, 'inherit', (child) => {
      undo = whileRunning(child);
    });
  } finally {
    undo();
  }
}

/** Where a foreground run's output goes: a log fd and one of bpm's own streams, per channel. */
export interface TeeTargets {
  stdoutLog: number;
  stderrLog: number;
  stdout: Writable;
  stderr: Writable;
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off);
}

/**
 * Writes to one of bpm's streams until it fails (EPIPE once the reader of `bpm run JOB | head` went
 * away): then the relay to it stops, instead of an unhandled 'error' crashing bpm with a stack
 * trace; the log file keeps receiving everything and the errand runs to its end.
 */
function relay(stream: Writable): (chunk: Buffer) => void {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  return (chunk) => {
    if (!broken) stream.write(chunk);
  };
}

/**
 * Run with stdin /dev/null; each output chunk is appended to its log, then written to bpm's stream.
 * `onStart` receives the child once it is spawned.
 */
export function teed(
  binary: string,
  args: string[],
  targets: TeeTargets,
  onStart: (child: ChildProcess) => void = () => {},
): Promise<ExitResult> {
  const toStdout = relay(targets.stdout);
  const toStderr = relay(targets.stderr);
  return settle(binary, args, ['ignore', 'pipe', 'pipe'], (child) => {
    onStart(child);
    child.stdout?.on('data', (c: Buffer) => {
      writeAll(targets.stdoutLog, c);
      toStdout(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      writeAll(targets.stderrLog, c);
      toStderr(c);
    });
  });
}
