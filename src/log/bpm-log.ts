// R/sys/log/JOB/bpm.log (docs/behaviour/logging.md §1, docs/behaviour/commands.md §1.4 step 1):
// `mkdir -p` the log dir (0750), look up vcap, open the file append/no-follow/non-blocking 0600 and
// fchown it to vcap. Each line is one write(2) on the O_APPEND descriptor, so concurrent bpm
// processes interleave whole lines.
//
// The job owns the log directory, so bpm.log is best effort (policy fix 14, docs/compatibility.md):
// a symlink, FIFO or hard link there, a read-only or full filesystem, a failing write — each gives
// one `warning: bpm.log not written: <cause>` line on stderr and the command goes on without
// bpm.log. Errors stay errors where the job has no hand in them: an unknown vcap user, and a log
// directory that resolves outside the BOSH root (R/sys/log is root's).
import { closeSync, writeSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import { mkdirAll } from '../go/os.ts';
import { assertInsideRoot } from '../host/inside-root.ts';
import { openLogFile, writeLogLine } from '../host/log-file.ts';
import type { User } from '../host-facts.ts';
import type { LogSink } from './logger.ts';

/** Where the one warning line goes; stderr unless a test passes its own. */
export type Warn = (line: string) => void;

function warnOnStderr(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // nowhere left to say it
  }
}

function warningLine(cause: unknown): string {
  return `warning: bpm.log not written: ${cause instanceof Error ? cause.message : String(cause)}\n`;
}

/** The bpm.log of one command: a sink that closes; writes nothing once a write failed. */
export interface BpmLog extends LogSink {
  close(): void;
}

export class BpmLogFile implements BpmLog {
  readonly path: string;
  readonly fd: number;
  readonly user: User;
  private readonly warn: Warn;
  private closed = false;
  private failed = false;

  constructor(path: string, fd: number, user: User, warn: Warn = warnOnStderr) {
    this.path = path;
    this.fd = fd;
    this.user = user;
    this.warn = warn;
  }

  write(line: string): void {
    if (this.closed || this.failed) return;
    try {
      writeLogLine(this.fd, this.path, line);
    } catch (err) {
      // A log line that cannot be written does not fail the command; say so once.
      this.failed = true;
      this.warn(warningLine(err));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** What a command logs to when bpm.log could not be opened. */
const noBpmLog: BpmLog = { write: () => {}, close: () => {} };

/** Set up bpm.log for a lifecycle command. `user` may be a lookup, run after the mkdir as upstream. */
export function setupBpmLog(paths: JobPaths, user: User | (() => User), warn: Warn = warnOnStderr): BpmLog {
  // R/sys/log is root's, so a log dir leading out of the root is root's doing, not the job's: refused.
  assertInsideRoot(paths.rootPaths.root, paths.logDir);
  try {
    mkdirAll(paths.logDir, 0o750);
  } catch (err) {
    warn(warningLine(err));
    return noBpmLog;
  }
  const owner = typeof user === 'function' ? user() : user;
  try {
    return new BpmLogFile(paths.bpmLog, openLogFile(paths.bpmLog, owner, true), owner, warn);
  } catch (err) {
    warn(warningLine(err));
    return noBpmLog;
  }
}
