// The one errno → text table for syscall failures, worded like Go's syscall.Errno.Error() (upstream
// bpm prints these), e.g. EBUSY → "device or resource busy". Keyed by the POSIX name so it serves
// both raw errno numbers from FFI calls and Node's `err.code` strings.
import { constants } from 'node:os';
import { BpmError } from '../errors.ts';

const goTexts: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EINTR: 'interrupted system call',
  EIO: 'input/output error',
  ENXIO: 'no such device or address',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  EBADF: 'bad file descriptor',
  ECHILD: 'no child processes',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'cannot allocate memory',
  EACCES: 'permission denied',
  EFAULT: 'bad address',
  ENOTBLK: 'block device required',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  EXDEV: 'invalid cross-device link',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  ENFILE: 'too many open files in system',
  EMFILE: 'too many open files',
  ENOTTY: 'inappropriate ioctl for device',
  ETXTBSY: 'text file busy',
  EFBIG: 'file too large',
  ENOSPC: 'no space left on device',
  ESPIPE: 'illegal seek',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  EPIPE: 'broken pipe',
  EDOM: 'numerical argument out of domain',
  ERANGE: 'numerical result out of range',
  EDEADLK: 'resource deadlock avoided',
  ENAMETOOLONG: 'file name too long',
  ENOLCK: 'no locks available',
  ENOSYS: 'function not implemented',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  EOPNOTSUPP: 'operation not supported',
  ENOTSUP: 'operation not supported',
  ETIMEDOUT: 'connection timed out',
  ESTALE: 'stale NFS file handle',
  EDQUOT: 'disk quota exceeded',
  ENOTCONN: 'transport endpoint is not connected',
  ECONNREFUSED: 'connection refused',
  ENOTSOCK: 'socket operation on non-socket',
  EOVERFLOW: 'value too large for defined data type',
  ENOMEDIUM: 'no medium found',
};

const errnoNames: Map<number, string> = new Map();
for (const [name, num] of Object.entries(constants.errno)) {
  // Keep the first name for aliased numbers (EAGAIN before EWOULDBLOCK, EOPNOTSUPP before ENOTSUP).
  if (!errnoNames.has(num)) errnoNames.set(num, name);
}

/** The POSIX name of an errno number (`EBUSY`), or `errno N` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** The errno number of a POSIX name, if Node knows it. */
export function errnoNumber(name: string): number | undefined {
  return (constants.errno as Record<string, number>)[name];
}

/** Go's text for an errno given as number or POSIX name; `errno N` when unknown (as Go does). */
export function errnoText(errno: number | string): string {
  const name = typeof errno === 'number' ? errnoNames.get(errno) : errno;
  const text = name === undefined ? undefined : goTexts[name];
  if (text !== undefined) return text;
  const num = typeof errno === 'number' ? errno : errnoNumber(errno);
  return num === undefined ? String(errno) : `errno ${num}`;
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
