// runc's own reason for a failed `run` (docs/compatibility.md): bpm passes `--log FILE
// --log-format json`, and runc 1.1 writes one JSON object per line there, its final error last
// (`{"level":"error","msg":"runc run failed: …","time":"…"}`). The file lives in the bundle
// directory (root-only, 0700), so nothing a job process wrote can appear as runc's reason.
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';

/** Only the end of the file matters; a runaway log never makes bpm read megabytes. */
const TAIL_BYTES = 64 * 1024;

/** runc's wrapping around the cause: the same for every failed start, so it says nothing. */
const BOILERPLATE = [
  /^runc (?:run|create|start) failed: /,
  /^unable to start container process: /,
  /^error during container init: /,
];

/** The cause as runc states it, without the wrapping every failed start has. */
export function stripBoilerplate(msg: string): string {
  let out = msg.replace(/\s*\n\s*/g, ' ').trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of BOILERPLATE) {
      const next = out.replace(re, '');
      if (next !== out) {
        out = next;
        changed = true;
      }
    }
  }
  return out;
}

/** The message of the last `error`-level line of runc's JSON log, stripped; undefined when none. */
export function lastRuncError(logText: string): string | undefined {
  const lines = logText.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a torn first line of the tail, or something that is not runc's
    }
    if (typeof entry !== 'object' || entry === null) continue;
    const { level, msg } = entry as Record<string, unknown>;
    if ((level === 'error' || level === 'fatal') && typeof msg === 'string' && msg.trim() !== '') {
      return stripBoilerplate(msg);
    }
  }
  return undefined;
}

/** The last TAIL_BYTES of `file` (not following a symlink); '' when it cannot be read. */
function readTail(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return '';
    const length = Math.min(st.size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    let off = 0;
    while (off < length) {
      const n = readSync(fd, buf, off, length - off, st.size - length + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}

/** runc's reason from its log file, or undefined. */
export function runcErrorFromLog(file: string): string | undefined {
  return lastRuncError(readTail(file));
}

/** Remove the log of an earlier run so that only this run's lines are read (runc appends). */
export function clearRuncLog(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // missing: nothing to clear; any other problem shows up when runc opens it
  }
}
