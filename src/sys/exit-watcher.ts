// Many pidfds waited on at once: one poll(2) over all of them and an eventfd on one worker thread,
// with no timeout — the thread wakes only when a process exits or the set changes (no polling
// loop, whatever the number of processes). When nothing is watched, no thread is held.
import { closeSync, readSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

const POLLIN = 0x1;
const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;
const POLLFD_BYTES = 8;

export class ExitWatcher {
  private readonly watched = new Map<number, () => void>();
  private wakeFd = -1;
  private polling = false;
  private closed = false;

  /** Call `onExit` once, soon after the process behind `pidfd` exits. The caller keeps the fd open. */
  watch(pidfd: number, onExit: () => void): void {
    if (this.closed) throw new Error('exit watcher closed');
    this.watched.set(pidfd, onExit);
    this.kick();
  }

  /** Stop watching `pidfd` (before the caller closes it). */
  unwatch(pidfd: number): void {
    if (this.watched.delete(pidfd)) this.kick();
  }

  /** Stop watching everything; the worker thread returns. */
  close(): void {
    this.closed = true;
    this.watched.clear();
    this.kick();
  }

  private kick(): void {
    if (this.polling) {
      writeSync(this.wakeFd, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
      return;
    }
    if (this.watched.size === 0) return;
    if (this.wakeFd < 0) {
      this.wakeFd = libc().eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (this.wakeFd < 0) throw new SysError('eventfd', libc().errno());
    }
    this.polling = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    while (this.watched.size > 0 && !this.closed) {
      // The watches this poll is for: a result counts only for the same watch still in place. An
      // fd unwatched and closed while the poll ran shows as POLLNVAL, and its number may already
      // be another pidfd's (a reload reopens one on the same running process): neither is an exit.
      const watches = [...this.watched];
      const fds = [this.wakeFd, ...watches.map(([fd]) => fd)];
      const buf = Buffer.alloc(fds.length * POLLFD_BYTES);
      fds.forEach((fd, i) => {
        buf.writeInt32LE(fd, i * POLLFD_BYTES);
        buf.writeInt16LE(POLLIN, i * POLLFD_BYTES + 4);
      });
      const { result, errno } = await libc().pollManyAsync(buf, fds.length, -1);
      if (result < 0 && errno !== osConstants.errno.EINTR) throw new SysError('poll', errno);
      if (result <= 0) continue;
      if (buf.readInt16LE(6) !== 0) drain(this.wakeFd);
      for (let i = 1; i < fds.length; i++) {
        if ((buf.readInt16LE(i * POLLFD_BYTES + 6) & POLLIN) === 0) continue;
        const [fd, onExit] = watches[i - 1]!;
        if (this.watched.get(fd) !== onExit) continue;
        this.watched.delete(fd);
        onExit();
      }
    }
    this.polling = false;
    if (this.closed && this.wakeFd >= 0) {
      closeSync(this.wakeFd);
      this.wakeFd = -1;
    } else if (this.watched.size > 0) {
      this.kick();
    }
  }
}

function drain(fd: number): void {
  try {
    readSync(fd, Buffer.alloc(8));
  } catch {
    // EAGAIN: already drained
  }
}
