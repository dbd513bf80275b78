import { BpmError } from '../errors.ts';
import { goQuote } from '../go/strconv.ts';

// Container ids and lock-file names, byte-identical to upstream (docs/behaviour/locking-and-recovery.md §2).

const PREFIX = 'bpm-';

function isPlain(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x5f ||
    b === 0x2d
  );
}

/** `bpm-` + every byte outside [A-Za-z0-9_-] escaped as `.` and two lowercase hex digits. */
export function encode(name: string): string {
  let out = PREFIX;
  for (const b of Buffer.from(name, 'utf8')) {
    out += isPlain(b) ? String.fromCharCode(b) : `.${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The runc container id of a job's process: `JOB` when PROC equals JOB, else `JOB.PROC`. */
export function containerId(job: string, proc: string): string {
  return encode(job === proc ? job : `${job}.${proc}`);
}

/** The lifecycle lock file name; it always includes the process name. */
export function lifecycleLockName(job: string, proc: string): string {
  return `job-${encode(`${job}.${proc}`)}.lock`;
}

/** A container id bpm cannot decode (`bpm list` reports it and goes on). */
export class ContainerIdError extends BpmError {}

const HEX = /^[0-9a-fA-F]{2}$/;

/** Decode a container id back into `JOB` or `JOB.PROC`. Never throws anything but ContainerIdError. */
export function decode(id: string): string {
  if (!id.startsWith(PREFIX)) {
    throw new ContainerIdError(`invalid job ID (missing prefix): ${goQuote(id)}`);
  }
  const rest = Buffer.from(id.slice(PREFIX.length), 'utf8');
  const out: number[] = [];
  for (let i = 0; i < rest.length; i++) {
    const b = rest[i]!;
    if (b !== 0x2e) {
      out.push(b);
      continue;
    }
    if (i + 2 >= rest.length) {
      // Upstream panics when the '.' is second to last; both cases are an incomplete escape.
      throw new ContainerIdError(
        `invalid job ID (incomplete escape sequence): ${goQuote(rest.toString('utf8'))}`,
      );
    }
    const pair = rest.subarray(i + 1, i + 3).toString('latin1');
    if (HEX.test(pair)) out.push(Number.parseInt(pair, 16));
    i += 2;
  }
  return Buffer.from(out).toString('utf8');
}
