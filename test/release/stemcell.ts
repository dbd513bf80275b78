// The stemcell's part of a BOSH VM that bpm meets, for the install test on the Noble VM: the vcap
// monitrc (including every job's monit/job/*.monitrc) and monit run as a systemd service, the way
// a stemcell's monit unit runs it. The monit CLI talks to the daemon on 127.0.0.1:2822.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from './agent.ts';

const UNIT = 'bosh-monit.service';

export class Stemcell {
  readonly root: string;
  readonly monitrc: string;
  constructor(root = '/var/vcap') {
    this.root = root;
    this.monitrc = join(root, 'monit', 'monitrc');
  }

  /** Writes monitrc and the unit, and starts monit under systemd. */
  startMonit(): void {
    mkdirSync(join(this.root, 'monit', 'job'), { recursive: true });
    writeFileSync(
      this.monitrc,
      [
        'set daemon 1',
        `set logfile ${join(this.root, 'monit', 'monit.log')}`,
        `set pidfile ${join(this.root, 'monit', 'monit.pid')}`,
        `set statefile ${join(this.root, 'monit', 'monit.state')}`,
        `set idfile ${join(this.root, 'monit', 'monit.id')}`,
        'set httpd port 2822 and use address 127.0.0.1',
        '  allow vcap:install-test',
        `include ${join(this.root, 'monit', 'job', '*.monitrc')}`,
        '',
      ].join('\n'),
    );
    chmodSync(this.monitrc, 0o600);
    writeFileSync(
      `/run/systemd/system/${UNIT}`,
      [
        '[Unit]',
        'Description=monit, as a BOSH stemcell runs it',
        '[Service]',
        `ExecStart=/usr/bin/monit -I -c ${this.monitrc}`,
        // Stopping monit must not take the jobs' processes with it.
        'KillMode=process',
        'Restart=always',
        '',
      ].join('\n'),
    );
    sh('systemctl', ['daemon-reload']);
    sh('systemctl', ['start', UNIT]);
  }

  stopMonit(): void {
    spawnSync('systemctl', ['stop', UNIT]);
  }

  monit(...args: string[]): { code: number | null; out: string } {
    const r = spawnSync('/usr/bin/monit', ['-c', this.monitrc, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** `monit summary`: service → status ("OK", "Not monitored", "Initializing", …). */
  summary(): Map<string, string> {
    const map = new Map<string, string>();
    for (const line of this.monit('summary', '-B').out.split('\n')) {
      const m = /^\s*(\S+)\s+(.+?)\s+Process\s*$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], m[2].trim());
    }
    return map;
  }
}
