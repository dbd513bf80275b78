// One-line stderr notices of start, stop and run where upstream succeeds silently although
// nothing (or not what was asked) happened (issue #13). The exit status stays upstream's.
import { writeSync } from 'node:fs';

function writeStderr(text: string): void {
  try {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(2, buf, off);
  } catch {
    // stderr closed: a notice is not worth failing the command for
  }
}

/** `bpm stop` of a job with no bpm.yml and no container. */
export function printNothingToStop(job: string, configFile: string): void {
  writeStderr(`bpm stop: nothing to stop: job "${job}" has no ${configFile} and no container\n`);
}

/** `bpm start` whose process exited right after it started; `how` is `exit status 3` or similar. */
export function printExitedAtOnce(job: string, proc: string, how: string, stderrLog: string): void {
  const which = job === proc ? `job "${job}"` : `process "${proc}" of job "${job}"`;
  writeStderr(`bpm start: ${which} exited right after it started (${how}); see ${stderrLog}\n`);
}

/** A long-running command under a `Type=notify` service manager that could not tell it its state. */
export function printNotifyFailed(command: string, reason: string): void {
  writeStderr(`bpm ${command}: warning: could not notify the service manager: ${reason}\n`);
}
