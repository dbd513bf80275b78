// The runc a killed bpm leaves behind, made to order: a wrapper of the host runc that holds one
// call until the test lets it go (`gateRunc`); and who holds a file open (`processesWithOpen`), to
// tell which processes hold a lifecycle lock.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { type BoshRoot, eventually, HOST_RUNC } from './bosh-root.ts';

/** A runc call held back by `gateRunc` until released. */
export interface GatedRunc {
  /** The held call's pid (a shell that execs the host runc once released), once it is held. */
  held(timeoutMs?: number): Promise<number | undefined>;
  /** Let it go on: it execs the host runc with its argv and descriptors. */
  release(): void;
  /** SIGKILL a call still held (a test that failed before releasing it). */
  close(): void;
}

/**
 * Replace R/packages/bpm/bin/runc with a wrapper of the host runc that holds the first call whose
 * argv has the word `word` (`run`, `delete`) until `release()`, then execs the host runc with what
 * bpm gave it — its descriptors too, so it stands for a runc slow to do its work, which a killed
 * bpm leaves behind (an orphan). Every other call goes to the host runc at once.
 */
export function gateRunc(r: BoshRoot, word: string): GatedRunc {
  const gate = mkdtempSync(join(r.root, 'gate-'));
  const go = join(gate, 'go');
  if (spawnSync('mkfifo', [go]).status !== 0) throw new Error(`mkfifo ${go}`);
  const pidFile = join(gate, 'taken', 'pid');
  rmSync(r.paths.runcBinary, { force: true });
  writeFileSync(
    r.paths.runcBinary,
    `#!/bin/sh
case " $* " in
*" ${word} "*)
  if mkdir ${gate}/taken 2>/dev/null; then
    echo $$ > ${pidFile}.new && mv ${pidFile}.new ${pidFile}
    read _ < ${go}
  fi ;;
esac
exec ${HOST_RUNC} "$@"
`,
    { mode: 0o755 },
  );
  let released = false;
  return {
    held: async (timeoutMs = 10_000) =>
      (await eventually(() => existsSync(pidFile), timeoutMs))
        ? Number(readFileSync(pidFile, 'utf8'))
        : undefined,
    release: () => {
      released = true;
      writeFileSync(go, 'go\n'); // opening the fifo waits for the held call's read: a moment at most
    },
    close: () => {
      if (released || !existsSync(pidFile)) return;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
}

/** The pids of the processes holding a descriptor of `file` open (from /proc/PID/fd). */
export function processesWithOpen(file: string): number[] {
  const holders: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target = '';
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        // closed meanwhile
      }
      if (target === file) {
        holders.push(Number(pid));
        break;
      }
    }
  }
  return holders;
}
