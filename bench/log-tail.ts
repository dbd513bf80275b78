// Follow the supervisor's log (R/sys/log/bpm/supervisor.log) as it grows: inotify (fs.watch) wakes
// the reader, which reads only the new bytes and hands each complete JSON line to the listeners.
import { closeSync, existsSync, type FSWatcher, mkdirSync, openSync, readSync, watch } from 'node:fs';
import { dirname } from 'node:path';

export interface SupervisorLine {
  timestamp: string;
  message: string;
  data: Record<string, string>;
}

/** Milliseconds since the epoch of a lager timestamp (nanosecond digits kept to 1e-6 ms). */
export function lineTime(l: SupervisorLine): number {
  const [whole, frac = '0'] = l.timestamp.replace(/Z$/, '').split('.');
  return Date.parse(`${whole}Z`) + Number(`0.${frac}`) * 1000;
}

export class LogTail {
  readonly lines: SupervisorLine[] = [];
  private fd = -1;
  private offset = 0;
  private partial = '';
  private readonly watcher: FSWatcher;
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    this.watcher = watch(dirname(path), () => this.read());
    this.read();
  }

  /** Resolve once `check()` holds (checked after every read), or reject after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  count(message: string): number {
    let n = 0;
    for (const l of this.lines) if (l.message === message) n++;
    return n;
  }

  close(): void {
    this.watcher.close();
    if (this.fd >= 0) closeSync(this.fd);
  }

  private read(): void {
    if (this.fd < 0) {
      if (!existsSync(this.path)) return;
      this.fd = openSync(this.path, 'r');
    }
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      this.partial += buf.subarray(0, n).toString('utf8');
    }
    const parts = this.partial.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) if (p !== '') this.lines.push(JSON.parse(p) as SupervisorLine);
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}
