// Job and process names are checked before any path is built (docs/behaviour/policy.md fix #3).
import { BpmError } from '../errors.ts';
import { goQuote } from '../go/strconv.ts';

/** A longer name cannot be a file name component (log, pid and bundle paths). */
const MAX_NAME_BYTES = 255;

function problem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name === '.' || name === '..') return `must not be ${goQuote(name)}`;
  if (name.includes('/')) return 'must not contain "/"';
  if (name.includes('\0')) return 'must not contain a NUL byte';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `must be at most ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

export function validateJobName(name: string): void {
  const p = problem(name);
  if (p !== undefined) throw new BpmError(`invalid job name ${goQuote(name)}: ${p}`);
}

export function validateProcessName(name: string): void {
  const p = problem(name);
  if (p !== undefined) throw new BpmError(`invalid process name ${goQuote(name)}: ${p}`);
}
