// A BOSH VM's monit side in a temporary root, for the test agent: the bpm job's wrapper at
// R/jobs/bpm/bin/bpm (so job monit files read exactly as on a VM, with R for /var/vcap), the agent's
// R/monit/monit.user, job monit files in R/monit/job/NNNN_JOB.monitrc, and the two daemons that can
// serve them: `bpm supervise --monit-compat` and the real monit (Debian's) on the same files.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BoshRoot, BPM, scaledMs } from '../../helpers/bosh-root.ts';
import { SLEEPER } from '../../reliability/support.ts';
import { alertsMonitrc } from './alerts.ts';

export const MONIT = '/usr/bin/monit';

export interface Vm {
  r: BoshRoot;
  user: string;
  password: string;
  /** Next NNNN index for a job monit file. */
  index: number;
}

/** The agent's R/monit/alerts.monitrc (as the stemcell ships it), alerts to `port`. */
export function writeAlertsMonitrc(vm: Vm, port: number): void {
  writeFileSync(join(vm.r.root, 'monit', 'alerts.monitrc'), alertsMonitrc(join(vm.r.root, 'monit'), port), {
    mode: 0o600,
  });
}

export function prepareVm(r: BoshRoot): Vm {
  const bpmBin = join(r.root, 'jobs', 'bpm', 'bin');
  mkdirSync(bpmBin, { recursive: true, mode: 0o755 });
  writeFileSync(join(bpmBin, 'bpm'), `#!/bin/sh\nexec /usr/bin/env BPM_BOSH_ROOT=${r.root} ${BPM} "$@"\n`, {
    mode: 0o755,
  });
  mkdirSync(join(r.root, 'monit', 'job'), { recursive: true, mode: 0o700 });
  const password = randomBytes(8).toString('hex');
  writeFileSync(join(r.root, 'monit', 'monit.user'), `vcap:${password}\n`, { mode: 0o600 });
  return { r, user: 'vcap', password, index: 0 };
}

export function addMonitFile(vm: Vm, job: string, text: string): void {
  const name = `${String(vm.index++).padStart(4, '0')}_${job}.monitrc`;
  writeFileSync(join(vm.r.root, 'monit', 'job', name), text, { mode: 0o600 });
}

/** A bpm job whose process runs `run` (by default it sleeps), with the monit file a bpm job ships. */
export function addBpmJob(vm: Vm, prefix: string, run = SLEEPER): string {
  const job = vm.r.uniqueJob(prefix);
  vm.r.addJob(job, { processes: [{ name: job, executable: vm.r.jobBin(job, 'run') }] }, { run });
  const bpm = join(vm.r.root, 'jobs', 'bpm', 'bin', 'bpm');
  addMonitFile(
    vm,
    job,
    `check process ${job}\n  with pidfile ${vm.r.pidFile(job)}\n  start program "${bpm} start ${job}"\n` +
      `  stop program "${bpm} stop ${job}"\n  group vcap\n`,
  );
  return job;
}

/**
 * A job not converted to bpm: a ctl script that backgrounds a sleeper and writes its pid file.
 * `alsoStart` is more shell for its start (e.g. a second, untracked background process);
 * `dependsOn` a service its monit file names in `depends on`.
 */
export function addScriptJob(
  vm: Vm,
  prefix: string,
  opts: { alsoStart?: string; dependsOn?: string } = {},
): { job: string; pidfile: string } {
  const job = vm.r.uniqueJob(prefix);
  const runDir = join(vm.r.root, 'sys', 'run', job);
  const pidfile = join(runDir, `${job}.pid`);
  const ctl = vm.r.writeScript(
    job,
    'ctl',
    `#!/bin/sh\ncase $1 in\n` +
      `start) mkdir -p ${runDir}; ${opts.alsoStart ?? ''}\n  sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > ${pidfile} ;;\n` +
      `stop) [ -f ${pidfile} ] && kill $(cat ${pidfile}); rm -f ${pidfile} ;;\nesac\n`,
  );
  addMonitFile(
    vm,
    job,
    `check process ${job}\n  with pidfile ${pidfile}\n  start program "${ctl} start" with timeout 20 seconds\n` +
      `  stop program "${ctl} stop"\n  group vcap\n  if totalmem > 2000 Mb for 5 cycles then alert\n` +
      (opts.dependsOn === undefined ? '' : `  depends on ${opts.dependsOn}\n`),
  );
  return { job, pidfile };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

/** Something that serves monit's API on `port`: started, killed (`sv kill`), started again. */
export interface MonitDaemon {
  readonly kind: 'bpm' | 'monit';
  readonly port: number;
  start(): void;
  /** Signal it (SIGTERM: `systemctl restart monit`'s stop) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Its command line (`monit ARGS`, or `bpm monit ARGS`): the exit status and the output. */
  cli(...args: string[]): { code: number | null; out: string };
  /** Until what it was told is on disk (monit: its state file, written at the end of a cycle). */
  settle(): Promise<void>;
  /** Kill it for good and remove its files. */
  dispose(): Promise<void>;
  log(): string;
}

abstract class Daemon implements MonitDaemon {
  abstract readonly kind: 'bpm' | 'monit';
  readonly port: number;
  protected readonly dir: string;
  private child: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync('/tmp/bpm-monit-agent-');
  }

  protected abstract command(): { file: string; args: string[]; env: NodeJS.ProcessEnv };
  abstract cli(...args: string[]): { code: number | null; out: string };

  start(): void {
    const { file, args, env } = this.command();
    const out = openSync(join(this.dir, 'daemon.out'), 'a');
    this.child = spawn(file, args, { env, stdio: ['ignore', out, out] });
    closeSync(out);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await exited;
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  async dispose(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'daemon.out'), 'utf8');
    } catch {
      return '';
    }
  }
}

export class SupervisorDaemon extends Daemon {
  readonly kind = 'bpm' as const;
  private readonly root: string;
  constructor(vm: Vm, port: number) {
    super(port);
    this.root = vm.r.root;
  }
  protected command(): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
    return {
      file: BPM,
      args: ['supervise', '--monit-compat', '--monit-port', String(this.port)],
      env: { ...process.env, BPM_BOSH_ROOT: this.root },
    };
  }
  cli(...args: string[]): { code: number | null; out: string } {
    const r = spawnSync(BPM, ['monit', ...args], {
      encoding: 'utf8',
      env: { ...process.env, BPM_BOSH_ROOT: this.root },
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }
  override log(): string {
    let own = '';
    try {
      own = readFileSync(join(this.root, 'sys', 'log', 'bpm', 'supervisor.log'), 'utf8');
    } catch {
      // not written yet
    }
    return `${super.log()}${own}`;
  }
}

export class RealMonitDaemon extends Daemon {
  readonly kind = 'monit' as const;
  private readonly rc: string;
  constructor(vm: Vm, port: number, cycleSeconds = 1) {
    super(port);
    this.rc = join(this.dir, 'monitrc');
    writeFileSync(
      this.rc,
      [
        `set daemon ${cycleSeconds}`,
        `set pidfile ${this.dir}/monit.pid`,
        `set statefile ${this.dir}/monit.state`,
        `set idfile ${this.dir}/monit.id`,
        `set logfile ${this.dir}/daemon.out`,
        `set httpd port ${port} and use address 127.0.0.1`,
        // The agent's credentials, inline: what the stemcell's monitrc reads from R/monit/monit.user
        // (`allow cleartext FILE`), but monit 5.34 (the Noble VM's) rejects every htpasswd file as
        // "not a file" without looking at it, and does not start.
        `  allow ${vm.user}:${vm.password}`,
        `include ${join(vm.r.root, 'monit')}/*.monitrc`,
        `include ${join(vm.r.root, 'monit', 'job')}/*.monitrc`,
        '',
      ].join('\n'),
    );
    chmodSync(this.rc, 0o600);
  }
  protected command(): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
    // -I: in the foreground, so the test owns the daemon's pid; an empty environment, as on a VM.
    return { file: MONIT, args: ['-c', this.rc, '-I'], env: {} };
  }
  override async settle(): Promise<void> {
    const since = Date.now();
    const deadline = performance.now() + scaledMs(30_000);
    while (performance.now() < deadline) {
      try {
        if (statSync(join(this.dir, 'monit.state')).mtimeMs > since) return;
      } catch {
        // not written yet
      }
      await sleep(100);
    }
  }

  cli(...args: string[]): { code: number | null; out: string } {
    const r = spawnSync(MONIT, ['-c', this.rc, ...args], { encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }
}
