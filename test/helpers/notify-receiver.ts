// A service manager's end of sd_notify for tests: an AF_UNIX datagram socket bound at a path (or an
// abstract `@name`), made through the same FFI as src/sys/notify.ts, whose datagrams are read as
// they arrive (poll(2) on a worker thread, then a non-blocking recv(2)).
import { closeSync } from 'node:fs';
import { libc } from '../../src/sys/libc.ts';
import { datagramSocket, unixAddress } from '../../src/sys/notify.ts';

const POLLIN = 0x1;
const MSG_DONTWAIT = 0x40;

export class NotifyReceiver {
  readonly address: string;
  private readonly fd: number;
  private closed = false;

  constructor(address: string) {
    this.address = address;
    this.fd = datagramSocket();
    if (libc().bind(this.fd, unixAddress(address)) < 0) {
      closeSync(this.fd);
      throw new Error(`bind ${address}: errno ${libc().errno()}`);
    }
  }

  /** The next datagram, or undefined when none arrived within `timeoutMs`. */
  async next(timeoutMs: number): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (!this.closed) {
      const buf = Buffer.alloc(4096);
      const n = libc().recv(this.fd, buf, MSG_DONTWAIT);
      if (n >= 0) return buf.subarray(0, n).toString('utf8');
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) return undefined;
      // Slices of at most 200 ms, so that a closed receiver leaves no worker blocked for long.
      await libc().pollOneAsync(this.fd, POLLIN, Math.min(left, 200));
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Let the last poll slice return before the descriptor number can be reused.
    setTimeout(() => closeSync(this.fd), 250).unref();
  }
}
