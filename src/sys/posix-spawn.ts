// Starting a program with posix_spawn(3) on a libuv worker thread, and waiting for its end there.
//
// Node's child_process forks: the kernel copies the page tables of the whole process (a supervisor
// of 30 jobs is ~75 MiB with ~70 threads) and the calling thread — the event loop — waits until the
// child has exec'd, which under load means waiting for a CPU for the child. glibc's posix_spawn
// uses clone(CLONE_VM|CLONE_VFORK): nothing is copied, and only the worker thread that calls it
// waits for the exec. The child's end is taken by a blocking waitid(2) on another worker, so the
// event loop never waits for either.
//
// For programs bpm runs with descriptors or /dev/null as stdio (runc run --detach, kill, delete,
// an exec probe's runc exec), or whose output it reads from anonymous files once they have exited
// (runc state and list, through memfd.ts). The child is claimed from the orphan reaper
// (reaper.ts) until it is reaped here; it is a worker thread's child, which the reaper's sweep does
// not list anyway. The worker's waitid only waits (WNOWAIT); the main thread reaps, so a signal
// sent from the main thread before it has (kill) reaches that child and never a reused pid.
import { constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { ExitResult } from '../text/exit-status.ts';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';
import { claimChild, decodeSiginfo, unclaimChild } from './reaper.ts';

/** A descriptor the child gets as that stdio fd, or /dev/null. */
export type ChildStdio = number | 'ignore';

export interface SpawnedChild {
  pid: number;
  /** Resolves once the child has exited and been reaped. */
  exited: Promise<ExitResult>;
  /** True until the child has been reaped (its pid is its own until then). */
  readonly running: boolean;
  /** Send `signal` to the child; nothing once it has been reaped. */
  kill(signal: NodeJS.Signals): void;
}

// glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336 and sigset_t 128 on
// x86_64 and arm64; the buffers leave room.
const FILE_ACTIONS_BYTES = 256;
const ATTR_BYTES = 512;
const SIGSET_BYTES = 128;
const SIGINFO_BYTES = 128;
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const P_PID = 1;
const WEXITED = 4;
const WNOHANG = 1;
const WNOWAIT = 0x01000000;
const { EINTR } = osConstants.errno;
const { O_RDONLY, O_WRONLY } = fsConstants;

function check(call: string, rc: number): void {
  if (rc !== 0) throw new SysError(call, rc);
}

/** The environment as `NAME=value` strings (unset entries left out). */
function environ(env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out.push(`${name}=${value}`);
  return out;
}

/**
 * Start `path` with `argv` (argv[0] included), `env`, and `stdio` as fds 0, 1 and 2; `fd3`, when
 * given, as fd 3 (a copy without close-on-exec: the lifecycle lock handed to runc). Every other
 * descriptor bpm holds is close-on-exec (Node's and bpm's own are). Every signal is reset to its
 * default and none is blocked, as Node does for its children. Rejects with a SysError (ENOENT,
 * EACCES, …) when the program cannot be started.
 */
export async function spawnChild(
  path: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: readonly [ChildStdio, ChildStdio, ChildStdio],
  fd3?: number,
): Promise<SpawnedChild> {
  const c = libc();
  const actions = Buffer.alloc(FILE_ACTIONS_BYTES);
  const attr = Buffer.alloc(ATTR_BYTES);
  check('posix_spawn_file_actions_init', c.spawnFileActionsInit(actions));
  try {
    check('posix_spawnattr_init', c.spawnAttrInit(attr));
    try {
      stdio.forEach((s, fd) => {
        if (s === 'ignore')
          check(
            'posix_spawn_file_actions_addopen',
            c.spawnFileActionsAddOpen(actions, fd, '/dev/null', fd === 0 ? O_RDONLY : O_WRONLY, 0),
          );
        else check('posix_spawn_file_actions_adddup2', c.spawnFileActionsAddDup2(actions, s, fd));
      });
      // After the stdio, which a source at fd 3 has then been copied to already; Node keeps fds
      // 0–2 open, so `fd3` is never one the stdio actions overwrite. When `fd3` is 3 itself, glibc
      // clears its close-on-exec flag instead (as POSIX asks of a dup2 onto the same fd; 2.36 here).
      if (fd3 !== undefined)
        check('posix_spawn_file_actions_adddup2', c.spawnFileActionsAddDup2(actions, fd3, 3));
      // Every bit set by hand: sigfillset(3) leaves out glibc's two internal signals (32, 33),
      // which its posix_spawn then sets to SIG_IGN in the child, and an ignored signal stays
      // ignored across exec — into runc, and from there into the job's processes.
      const all = Buffer.alloc(SIGSET_BYTES, 0xff);
      const none = Buffer.alloc(SIGSET_BYTES);
      c.sigEmptySet(none);
      check('posix_spawnattr_setsigdefault', c.spawnAttrSetSigDefault(attr, all));
      check('posix_spawnattr_setsigmask', c.spawnAttrSetSigMask(attr, none));
      check(
        'posix_spawnattr_setflags',
        c.spawnAttrSetFlags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK),
      );
      const pidOut = Buffer.alloc(4);
      const { result } = await c.posixSpawnAsync(pidOut, path, actions, attr, argv, environ(env));
      if (result !== 0) throw new SysError('posix_spawn', result, path);
      const pid = pidOut.readInt32LE(0);
      claimChild(pid);
      return child(pid);
    } finally {
      c.spawnAttrDestroy(attr);
    }
  } finally {
    c.spawnFileActionsDestroy(actions);
  }
}

function child(pid: number): SpawnedChild {
  let running = true;
  const exited = reap(pid, () => {
    running = false;
  });
  return {
    pid,
    exited,
    get running() {
      return running;
    },
    kill(signal) {
      if (!running) return;
      try {
        process.kill(pid, signal);
      } catch {
        // ESRCH cannot happen before the reap; EPERM neither (bpm's own child)
      }
    },
  };
}

/**
 * Until the child `pid` has exited: waitid(P_PID, pid, WEXITED | WNOWAIT) on a worker thread,
 * which leaves it a zombie; then it is reaped here, on the calling thread (WNOHANG).
 */
async function reap(pid: number, reaped: () => void): Promise<ExitResult> {
  const info = Buffer.alloc(SIGINFO_BYTES);
  try {
    for (;;) {
      const { result, errno } = await libc().waitidAsync(P_PID, pid, info, WEXITED | WNOWAIT);
      if (result === 0) break;
      if (errno !== EINTR) throw new SysError('waitid', errno);
    }
    info.fill(0);
    if (libc().waitid(P_PID, pid, info, WEXITED | WNOHANG) < 0) throw new SysError('waitid', libc().errno());
    return decodeSiginfo(info);
  } finally {
    reaped();
    unclaimChild(pid);
  }
}
