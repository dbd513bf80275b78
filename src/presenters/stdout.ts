// Writing to stdout without process.stdout: creating that stream loads Node's stream modules,
// ~3 ms of every `bpm version` and `bpm list` (docs/performance.md). Falls back to the stream
// for whatever a direct write(2) cannot take (a non-blocking pipe that is full, EPIPE, …), so
// behaviour there stays the stream's.
import { writeSync } from 'node:fs';

export function writeStdout(text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  try {
    while (off < buf.length) off += writeSync(1, buf, off);
  } catch {
    process.stdout.write(buf.subarray(off));
  }
}
