// Go's texts for OS errors (syscall.Errno.Error and os.PathError), which upstream prints verbatim,
// e.g. `open /var/vcap/jobs/x/config/bpm.yml: no such file or directory`.
import { getSystemErrorMessage } from 'node:util';

/** Go's errno strings (glibc strerror, lower-cased by Go's zerrors table) by Node error code. */
const goErrnoTexts: Record<string, string> = {
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
  ERANGE: 'numerical result out of range',
  EDEADLK: 'resource deadlock avoided',
  ENAMETOOLONG: 'file name too long',
  ENOLCK: 'no locks available',
  ENOSYS: 'function not implemented',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  ENOTSUP: 'operation not supported',
  EOPNOTSUPP: 'operation not supported',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EADDRINUSE: 'address already in use',
  ETIMEDOUT: 'connection timed out',
  ECANCELED: 'operation canceled',
  EOVERFLOW: 'value too large for defined data type',
};

interface ErrnoLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
}

function asErrno(err: unknown): ErrnoLike {
  return typeof err === 'object' && err !== null ? (err as ErrnoLike) : {};
}

/** The Go text of an OS error (`no such file or directory` for ENOENT, …). */
export function goErrnoText(err: unknown): string {
  const { code, errno } = asErrno(err);
  if (typeof code === 'string') {
    const known = goErrnoTexts[code];
    if (known !== undefined) return known;
  }
  if (typeof errno === 'number' && errno < 0) {
    try {
      return getSystemErrorMessage(errno).toLowerCase();
    } catch {
      // fall through to the generic text below
    }
  }
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Go's *os.PathError text: `<op> <path>: <errno text>`. `op` defaults to the failing syscall Node
 * reports (open, read, mkdir, …), else `open`.
 */
export function goPathErrorText(path: string, err: unknown, op?: string): string {
  const syscall = asErrno(err).syscall;
  const theOp = op ?? (typeof syscall === 'string' && syscall !== '' ? syscall : 'open');
  return `${theOp} ${path}: ${goErrnoText(err)}`;
}
