// The only place bpm spawns runc (docs/behaviour/container.md §6):
//   R/packages/bpm/bin/runc --root R/sys/run/bpm-runc [--systemd-cgroup] <operation>
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RootPaths } from '../bosh/paths.ts';
import { hasCode } from '../sys/errno.ts';
import { type ExitResult, exitText, succeeded } from '../text/exit-status.ts';
import { clearRuncLog, runcErrorFromLog } from './error-log.ts';
import { RuncError } from './errors.ts';
import { endExec } from './exec-tree.ts';
import {
  attached,
  cancellable,
  captureApart,
  captureCombined,
  NO_STDIO,
  type TeeTargets,
  teed,
  withDescriptors,
  withStdio,
} from './spawn.ts';
import { type ContainerState, interpretList, interpretState, type StateResult } from './state.ts';
import { stateFilePath } from './state-file.ts';

export interface RuncOptions {
  /** External path of the runc binary. */
  binary: string;
  /** runc's state root (`--root`). */
  root: string;
  /** The host runs systemd: pass `--systemd-cgroup`. */
  systemdCgroup: boolean;
  /**
   * The lifecycle lock's descriptor, while an operation holds it: each runc that changes the
   * container and exits on its own (`run --detach`, `kill`, `delete`) gets a copy as its fd 3, so
   * that the lock lasts until that runc is done even when bpm is killed first
   * (docs/behaviour/locking-and-recovery.md §1.2). Never given to a foreground `run` (it lasts as
   * long as the container), `exec`, `state` or `list`.
   */
  lockFd?: number;
}

/** Signals bpm sends through `runc kill`. */
export type KillSignal = 'TERM' | 'INT' | 'QUIT' | 'KILL';

export interface DetachedRun {
  cid: string;
  bundle: string;
  pidFile: string;
  /** The opened PROC.stdout.log / PROC.stderr.log; runc and the container inherit them. */
  stdoutFd: number;
  stderrFd: number;
  /** runc's JSON log (`--log`), in a root-only directory; its last error explains a failure. */
  logFile: string;
}

export interface ForegroundRun {
  cid: string;
  bundle: string;
  tee: TeeTargets;
  /** As for DetachedRun. */
  logFile: string;
  /** Called once runc is spawned, with the way to signal the container init through it. */
  started?: (runc: ForegroundRunc) => void;
}

/** Signals runc forwards to a foreground container's init (SIGKILL cannot be forwarded). */
export type ForwardedSignal = Exclude<KillSignal, 'KILL'>;

/**
 * A foreground `runc run`: runc relays the signals it receives to the container init, and holds
 * those that arrive while it is still creating the container until the init runs.
 */
export interface ForegroundRunc {
  signal(signal: ForwardedSignal): void;
}

/** How a foreground run ended, and runc's own error when runc (not the process) failed. */
export interface ForegroundEnd extends ExitResult {
  runcError: string | undefined;
}

/** `exit status 1: runc: <reason>` when runc logged one, else upstream's `exit status 1`. */
export function failureText(exit: ExitResult, runcError: string | undefined): string {
  return runcError === undefined ? exitText(exit) : `${exitText(exit)}: runc: ${runcError}`;
}

/** How many times `list` asks runc when a container vanished while runc listed (see there). */
const LIST_ATTEMPTS = 5;

function isMissing(err: unknown): boolean {
  return hasCode(err, 'ENOENT') || hasCode(err, 'ENOTDIR');
}

export class RuncClient {
  readonly options: RuncOptions;

  constructor(options: RuncOptions) {
    this.options = options;
  }

  /** The client for a BOSH root: its bundled runc and `R/sys/run/bpm-runc`. */
  static forRoot(root: RootPaths, systemdCgroup: boolean, lockFd?: number): RuncClient {
    const options: RuncOptions = { binary: root.runcBinary, root: root.runcRoot, systemdCgroup };
    return new RuncClient(lockFd === undefined ? options : { ...options, lockFd });
  }

  private args(...operation: string[]): string[] {
    const global = ['--root', this.options.root];
    if (this.options.systemdCgroup) global.push('--systemd-cgroup');
    return [...global, ...operation];
  }

  private async check(operation: string[]): Promise<void> {
    const exit = await withDescriptors(
      this.options.binary,
      this.args(...operation),
      NO_STDIO,
      this.options.lockFd,
    );
    if (!succeeded(exit)) throw RuncError.fromExit(exit);
  }

  /** runc's state file of a container (`<root>/<cid>/state.json`). */
  stateFile(cid: string): string {
    return stateFilePath(this.options.root, cid);
  }

  /**
   * `runc --log-format json state CID` (docs/behaviour/commands.md §10.2). When runc's state file is
   * absent runc can only answer "container does not exist", so that answer is given without spawning
   * it.
   */
  async state(cid: string): Promise<StateResult> {
    try {
      statSync(this.stateFile(cid));
    } catch (err) {
      if (isMissing(err)) return { exists: false };
    }
    const { exit, output } = await captureCombined(
      this.options.binary,
      this.args('--log-format', 'json', 'state', cid),
    );
    return interpretState(exit, output);
  }

  /**
   * `runc list --format json`; `null` means none. Foreign ids are returned as they are. runc 1.1
   * gives up (exit 1, `stat ROOT/CID: no such file or directory`) when a container is deleted
   * between its reading the state root and its stat of the entry — many times a second while the
   * supervisor restarts a crash-looping process. Such a failure is asked again, up to
   * LIST_ATTEMPTS times in all; any other failure, or the last, is the error.
   */
  async list(): Promise<ContainerState[]> {
    for (let attempt = 1; ; attempt++) {
      const { exit, stdout, stderr } = await captureApart(
        this.options.binary,
        this.args('list', '--format', 'json'),
      );
      if (attempt < LIST_ATTEMPTS && !succeeded(exit) && this.vanishedDuringList(stderr)) continue;
      return interpretList(exit, stdout);
    }
  }

  /** runc's stderr says an entry of its state root went away while it listed. */
  private vanishedDuringList(stderr: Buffer): boolean {
    const text = stderr.toString('utf8');
    return text.includes(`stat ${this.options.root}/`) && text.includes('no such file or directory');
  }

  /** The global flags that send runc's own log, as JSON, to `file` (emptied first). */
  private logTo(file: string): string[] {
    clearRuncLog(file);
    return ['--log', file, '--log-format', 'json'];
  }

  /**
   * `runc --log F --log-format json run --bundle B --pid-file P --detach CID`; returns once the
   * container init runs. A failure carries runc's logged reason.
   */
  async runDetached(run: DetachedRun): Promise<void> {
    const exit = await withDescriptors(
      this.options.binary,
      this.args(
        ...this.logTo(run.logFile),
        'run',
        '--bundle',
        run.bundle,
        '--pid-file',
        run.pidFile,
        '--detach',
        run.cid,
      ),
      ['ignore', run.stdoutFd, run.stderrFd],
      this.options.lockFd,
    );
    if (!succeeded(exit)) throw new RuncError(failureText(exit, runcErrorFromLog(run.logFile)), exit);
  }

  /**
   * `runc --log F --log-format json run --bundle B CID` in the foreground, output teed to the logs
   * and bpm's streams. Resolves with runc's end (the container init's exit status, or runc's own
   * failure with its logged reason); rejects only if runc cannot start.
   */
  async runForeground(run: ForegroundRun): Promise<ForegroundEnd> {
    const exit = await teed(
      this.options.binary,
      this.args(...this.logTo(run.logFile), 'run', '--bundle', run.bundle, run.cid),
      run.tee,
      (child) => run.started?.({ signal: (signal) => child.kill(`SIG${signal}`) }),
    );
    return { ...exit, runcError: succeeded(exit) ? undefined : runcErrorFromLog(run.logFile) };
  }

  /** `runc kill CID SIGNAL`. */
  kill(cid: string, signal: KillSignal): Promise<void> {
    return this.check(['kill', cid, signal]);
  }

  /** `runc delete --force CID`: kills whatever is left with SIGKILL and removes runc's state. */
  delete(cid: string): Promise<void> {
    return this.check(['delete', '--force', cid]);
  }

  /** `runc exec --tty --env TERM=<term> CID <argv…>` with bpm's own stdio (`bpm shell`). */
  exec(cid: string, term: string, argv: string[] = ['/bin/bash']): Promise<ExitResult> {
    return withStdio(
      this.options.binary,
      this.args('exec', '--tty', '--env', `TERM=${term}`, cid, ...argv),
      'inherit',
    );
  }

  /**
   * `runc exec CID <argv…>` without a terminal (`bpm exec`): bpm's stdin, stdout and stderr;
   * `whileRunning` gets runc's child process (bpm forwards its signals to it, and runc passes them
   * on to the command). runc runs the command with the container process's user, environment, cwd
   * and restrictions, and exits with its status (128+N when signal N killed it; 255 when it could
   * not be started, runc's reason on stderr).
   */
  execAttached(
    cid: string,
    argv: readonly string[],
    whileRunning: (child: ChildProcess) => () => void,
  ): Promise<ExitResult> {
    return attached(this.options.binary, this.args('exec', cid, ...argv), whileRunning);
  }

  /**
   * `runc exec CID <argv…>` for a supervisor's probe: no stdio (the command's output is discarded),
   * the container process's user, environment and restrictions; resolves with the command's end.
   * When `abort` aborts, the command is killed with its process group as soon as runc has named it
   * in its `--pid-file` (exec-tree.ts's endExec; never a set-up stage mid-way); runc then exits.
   */
  async execProbe(cid: string, argv: readonly string[], abort: AbortSignal): Promise<ExitResult> {
    // runc names the command's pid here, in a directory only root can enter (exec-tree.ts).
    const dir = mkdtempSync(join(tmpdir(), 'bpm-exec-'));
    const pidFile = join(dir, 'pid');
    try {
      return await cancellable(
        this.options.binary,
        this.args('exec', '--pid-file', pidFile, cid, ...argv),
        abort,
        (child) => endExec(child, dir, pidFile),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
