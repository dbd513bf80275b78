// The stemcell's part of a BOSH VM that bpm meets, for the install test on the Noble VM, laid out
// as a Noble stemcell has it: monit's control file /var/vcap/bosh/etc/monitrc (httpd on
// 127.0.0.1:2822, users from the agent's /var/vcap/monit/monit.user, including monit/*.monitrc and
// every job's monit/job/*.monitrc), the command /var/vcap/bosh/bin/monit (the stemcell's wrapper;
// here it runs Debian's monit with that control file) and the systemd unit monit.service, which
// starts monit through that command as the stemcell's unit does. The agent's side: monit.user
// (`vcap:` and a random password, as the agent writes it) and alerts.monitrc, mails to `alertPort`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertsMonitrc } from '../monit/agent/alerts.ts';
import { sh } from './agent.ts';

export const MONIT_UNIT = 'monit.service';

export class Stemcell {
  readonly root: string;
  readonly monitrc: string;
  /** /var/vcap/bosh/bin/monit: the command the agent runs as `monit`. */
  readonly command: string;
  readonly password = randomBytes(8).toString('hex');
  constructor(root = '/var/vcap') {
    this.root = root;
    this.monitrc = join(root, 'bosh', 'etc', 'monitrc');
    this.command = join(root, 'bosh', 'bin', 'monit');
  }

  /** The stemcell's /var/vcap/bosh/bin/monit, as this test stemcell ships it. */
  static readonly COMMAND_TEXT =
    '#!/bin/bash\n# the stemcell\'s monit command\nexec /usr/bin/monit -c /var/vcap/bosh/etc/monitrc "$@"\n';

  /** Writes the stemcell's and the agent's files and starts monit.service. */
  startMonit(alertPort: number): void {
    const monitDir = join(this.root, 'monit');
    mkdirSync(join(monitDir, 'job'), { recursive: true });
    writeFileSync(join(monitDir, 'monit.user'), `vcap:${this.password}\n`, { mode: 0o600 });
    writeFileSync(join(monitDir, 'alerts.monitrc'), alertsMonitrc(monitDir, alertPort), { mode: 0o600 });
    mkdirSync(join(this.root, 'bosh', 'etc'), { recursive: true });
    writeFileSync(
      this.monitrc,
      [
        'set daemon 1',
        `set logfile ${join(monitDir, 'monit.log')}`,
        `set pidfile ${join(monitDir, 'monit.pid')}`,
        `set statefile ${join(monitDir, 'monit.state')}`,
        `set idfile ${join(monitDir, 'monit.id')}`,
        'set httpd port 2822 and use address 127.0.0.1',
        // The stemcell reads the agent's monit.user (`allow cleartext FILE`); Debian's monit 5.34
        // rejects that file here ("is not a file"), so its one user is written in.
        `  allow vcap:${this.password}`,
        `include ${join(monitDir, '*.monitrc')}`,
        `include ${join(monitDir, 'job', '*.monitrc')}`,
        '',
      ].join('\n'),
    );
    chmodSync(this.monitrc, 0o600);
    mkdirSync(join(this.root, 'bosh', 'bin'), { recursive: true });
    writeFileSync(this.command, Stemcell.COMMAND_TEXT, { mode: 0o755 });
    // /run/systemd/system overrides the Debian package's own (disabled) monit.service.
    writeFileSync(
      `/run/systemd/system/${MONIT_UNIT}`,
      [
        '[Unit]',
        'Description=monit, as a BOSH stemcell runs it',
        '[Service]',
        "ExecStart=/bin/bash -c 'PATH=/var/vcap/bosh/bin:$PATH exec nice -n -10 /var/vcap/bosh/bin/monit -I'",
        // Stopping monit must not take the jobs' processes with it.
        'KillMode=process',
        'Restart=always',
        '[Install]',
        'WantedBy=multi-user.target',
        '',
      ].join('\n'),
    );
    sh('systemctl', ['daemon-reload']);
    sh('systemctl', ['start', MONIT_UNIT]);
  }

  stopMonit(): void {
    spawnSync('systemctl', ['stop', MONIT_UNIT]);
  }

  /** `monit ARGS` as the agent runs it: whatever /var/vcap/bosh/bin/monit is now. */
  monit(...args: string[]): { code: number | null; out: string } {
    const r = spawnSync(this.command, args, {
      encoding: 'utf8',
      env: { PATH: '/var/vcap/bosh/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      timeout: 120_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** `monit summary` of the real monit: service → status ("OK", "Not monitored", "Initializing", …). */
  summary(): Map<string, string> {
    const map = new Map<string, string>();
    for (const line of this.monit('summary', '-B').out.split('\n')) {
      const m = /^\s*(\S+)\s+(.+?)\s+Process\s*$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], m[2].trim());
    }
    return map;
  }

  /**
   * After a `systemctl restart` of monit.service, in ms: `stop`, from SIGTERM to the old daemon to
   * its exit, and `start`, from then to the new one being active (for the supervisor: its READY=1,
   * sent once its API listens). Port 2822 is refused within `stop + start` at most.
   */
  lastRestart(): { stop: number; start: number } {
    const keys = ['ActiveExit', 'InactiveEnter', 'ActiveEnter'].map((k) => `${k}TimestampMonotonic`);
    const out = sh('systemctl', ['show', ...keys.flatMap((k) => ['-p', k]), MONIT_UNIT]);
    const [exit, inactive, active] = keys.map((key) =>
      Number(new RegExp(`^${key}=(\\d+)$`, 'm').exec(out)?.[1] ?? Number.NaN),
    ) as [number, number, number];
    return { stop: Math.round((inactive - exit) / 1000), start: Math.round((active - inactive) / 1000) };
  }

  /** monit.service's main process: its pid and command line (words). */
  monitMain(): { pid: number; argv: string[] } {
    const pid = Number(sh('systemctl', ['show', '-p', 'MainPID', '--value', MONIT_UNIT]).trim());
    const argv =
      pid > 0 && existsSync(`/proc/${pid}`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') : [];
    return { pid, argv: argv.filter((a) => a !== '') };
  }
}
