// sd_notify(3) without libsystemd: one datagram on an AF_UNIX socket to the service manager's
// `NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace). Node has no unix datagram
// sockets, so this is socket(2) + sendto(2) through the FFI; this module owns both. The message is
// newline-separated `KEY=VALUE` lines (`READY=1`, `STOPPING=1`, `MAINPID=N`).
import { closeSync } from 'node:fs';
import { endianness, constants as osConstants } from 'node:os';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

export const AF_UNIX = 1;
export const SOCK_DGRAM = 2;
export const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;
const MSG_DONTWAIT = 0x40;
/** sizeof(sun_path) in `struct sockaddr_un`. */
const SUN_PATH_MAX = 108;

/**
 * The `struct sockaddr_un` for a notify socket address, sized as the kernel wants it: a path ends
 * with its NUL, an abstract name (`@name`) starts with one and has none at the end.
 */
export function unixAddress(address: string): Buffer {
  const abstract = address.startsWith('@');
  const name = Buffer.from(abstract ? `\0${address.slice(1)}` : `${address}\0`);
  if (address === '' || address === '@' || name.length > SUN_PATH_MAX) {
    throw new SysError('sockaddr_un', osConstants.errno.EINVAL);
  }
  const addr = Buffer.alloc(2 + name.length);
  if (endianness() === 'LE') addr.writeUInt16LE(AF_UNIX, 0);
  else addr.writeUInt16BE(AF_UNIX, 0);
  name.copy(addr, 2);
  return addr;
}

/** A new AF_UNIX datagram socket (close-on-exec); the caller closes it. */
export function datagramSocket(): number {
  const fd = libc().socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw new SysError('socket', libc().errno());
  return fd;
}

/**
 * Send `message` as one datagram to the socket at `address`. A full receive queue blocks until
 * there is room, unless `wait` is false: then it fails with EAGAIN. Errors: SysError (ENOENT,
 * ECONNREFUSED, EAGAIN, …).
 */
export function sendNotify(address: string, message: string, wait = true): void {
  const addr = unixAddress(address);
  const fd = datagramSocket();
  try {
    const flags = wait ? MSG_NOSIGNAL : MSG_NOSIGNAL | MSG_DONTWAIT;
    if (libc().sendto(fd, Buffer.from(message), flags, addr) < 0) {
      throw new SysError('sendto', libc().errno(), address);
    }
  } finally {
    closeSync(fd);
  }
}
