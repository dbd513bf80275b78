// BPM_TRACE_TIMING=1 prints `bpm-timing <ms since process start> <phase>` on stderr at phase
// boundaries of start, stop and list (docs/performance.md, Round 2). Off: one env read per process.
import { writeSync } from 'node:fs';

const enabled = process.env['BPM_TRACE_TIMING'] === '1';

export function traceTiming(phase: string): void {
  if (!enabled) return;
  try {
    writeSync(2, `bpm-timing ${performance.now().toFixed(2)} ${phase}\n`);
  } catch {
    // profiling output only
  }
}

if (enabled) process.once('exit', () => traceTiming('exit'));
