// R/sys/log/JOB/bpm.log (docs/behaviour/logging.md §1, docs/behaviour/commands.md §1.4 step 1): `mkdir -p`
// the log dir (0750), look up vcap, open the file append/no-follow 0600 and fchown it to vcap. Each line is
// one write(2) on the O_APPEND descriptor, so concurrent bpm processes interleave whole lines.
//
// Errors are the bare causes (`mkdir …: …`, `user: unknown user vcap`,
// `refusing to open symlink at …`); upstream prints them unwrapped and logs nothing.
import { closeSync, writeSync } from 'node:fs';
import type { JobPaths } from '../bosh/paths.ts';
import { assertInsideRoot } from '../host/inside-root.ts';
import { openLogFile } from '../host/log-file.ts';
import { mkdirAll } from '../host/mkdir-all.ts';
import type { User } from '../oci/input.ts';
import type { LogSink } from './logger.ts';

export class BpmLogFile implements LogSink {
  readonly path: string;
  readonly fd: number;
  readonly user: User;
  private closed = false;

  constructor(path: string, fd: number, user: User) {
    this.path = path;
    this.fd = fd;
    this.user = user;
  }

  write(line: string): void {
    if (this.closed) return;
    const buf = Buffer.from(line, 'utf8');
    try {
      writeSync(this.fd, buf, 0, buf.length);
    } catch {
      // Like lager, a log line that cannot be written does not fail the command.
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Set up bpm.log for a lifecycle command. `user` may be a lookup, run after the mkdir as upstream. */
export function setupBpmLog(paths: JobPaths, user: User | (() => User)): BpmLogFile {
  assertInsideRoot(paths.rootPaths.root, paths.logDir);
  mkdirAll(paths.logDir, 0o750);
  const owner = typeof user === 'function' ? user() : user;
  return new BpmLogFile(paths.bpmLog, openLogFile(paths.bpmLog, owner), owner);
}
