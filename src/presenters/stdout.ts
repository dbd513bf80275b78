// Writing to stdout without process.stdout: creating that stream loads Node's stream modules,
// ~3 ms of every `bpm version` and `bpm list` (docs/performance.md). Falls back to the stream
// for whatever a direct write(2) cannot take (a non-blocking pipe that is full, EPIPE, …), so
// behaviour there stays the stream's. A closed pipe (EPIPE) ends bpm silently with status 141.
import { writeSync } from 'node:fs';
import { BrokenPipeError } from '../errors.ts';
import { hasCode } from '../sys/errno.ts';

export function writeStdout(text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(1, buf, off);
  } catch (err) {
    // The reader is gone: Go would die of SIGPIPE right here (status 141, no message).
    if (hasCode(err, 'EPIPE')) throw new BrokenPipeError(err);
    process.stdout.once('error', () => {
      process.exitCode = 141; // EPIPE later: same outcome, and never an unhandled 'error' crash
    });
    process.stdout.write(buf.subarray(off));
  }
}
