// Syscall failures worded like Go's syscall.Errno / *os.PathError (upstream bpm prints these), e.g.
// EBUSY → "device or resource busy". The text table itself lives in src/text/os-error.ts; this
// module maps raw errno numbers from FFI calls onto it and gives them a typed error.
import { constants } from 'node:os';
import { BpmError } from '../errors.ts';
import { goErrnoText } from '../text/os-error.ts';

const errnoNames: Map<number, string> = new Map();
for (const [name, num] of Object.entries(constants.errno)) {
  // Keep the first name for aliased numbers (EAGAIN before EWOULDBLOCK, EOPNOTSUPP before ENOTSUP).
  if (!errnoNames.has(num)) errnoNames.set(num, name);
}

/** The POSIX name of an errno number (`EBUSY`), or `errno N` when unknown. */
function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** The errno number of a POSIX name, if Node knows it. */
function errnoNumber(name: string): number | undefined {
  return (constants.errno as Record<string, number>)[name];
}

/** Go's text for an errno given as number or POSIX name. */
export function errnoText(errno: number | string): string {
  const code = typeof errno === 'number' ? errnoNames.get(errno) : errno;
  const num = typeof errno === 'number' ? errno : errnoNumber(errno);
  const text = goErrnoText({ code, errno: num === undefined ? undefined : -num });
  // Outside the table Go prints `errno N`; libuv would say `unknown system error -N`.
  if (num !== undefined && (text === code || text.startsWith('unknown system error'))) return `errno ${num}`;
  return text;
}

/**
 * A failed system call, worded like Go: `<op> <path>: <errno text>` when a path is involved (Go's
 * *os.PathError), else the bare errno text (Go's syscall.Errno). Callers add their own prefixes.
 */
export class SysError extends BpmError {
  readonly errno: number;
  /** POSIX name, e.g. `EBUSY`. */
  readonly code: string;
  readonly syscall: string;
  readonly path: string | undefined;

  constructor(syscall: string, errno: number | string, path?: string) {
    const num = typeof errno === 'number' ? errno : (errnoNumber(errno) ?? -1);
    const text = errnoText(errno);
    super(path === undefined ? text : `${syscall} ${path}: ${text}`);
    this.errno = num;
    this.code = typeof errno === 'number' ? errnoName(errno) : errno;
    this.syscall = syscall;
    this.path = path;
  }
}

/**
 * Re-word a Node fs error as Go would print it (`mkdir /x: permission denied`). Errors without an
 * errno code are returned unchanged.
 */
export function goPathError(op: string, path: string, err: unknown): Error {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !code.startsWith('E'))
    return err instanceof Error ? err : new Error(String(err));
  return new SysError(op, code, path);
}

/** Whether `err` is a Node or FFI error carrying the POSIX code `code`. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
