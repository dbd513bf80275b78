// A monit control file as on a BOSH VM, for the tests that drive real monit: `check process` on
// bpm's pid files, `bpm start` / `bpm stop` as start and stop programs (run through `env`, since
// monit gives them an almost empty environment); and `monit summary` parsed.
import { type BoshRoot, BPM } from '../helpers/bosh-root.ts';

export const MONIT = '/usr/bin/monit';

/** The monitrc for `jobs` in BOSH root `r`; monit's own files live in `dir`. */
export function monitrc(dir: string, r: BoshRoot, jobs: string[], slow: string[] = []): string {
  const lines = [
    'set daemon 1',
    `set pidfile ${dir}/monit.pid`,
    `set statefile ${dir}/monit.state`,
    `set idfile ${dir}/monit.id`,
    `set logfile ${dir}/monit.log`,
    // The CLI talks to the daemon over this socket; no TCP port is opened.
    `set httpd unixsocket ${dir}/monit.sock`,
    '  allow admin:reliability',
    '',
  ];
  for (const job of jobs) {
    // Slow stoppers get a stop timeout shorter than their shutdown: monit gives up on `bpm stop`
    // and runs `bpm start` while the stop is still under way, the race the lifecycle lock is for.
    const stopTimeout = slow.includes(job) ? 1 : 60;
    lines.push(
      `check process ${job}`,
      `  with pidfile ${r.pidFile(job)}`,
      `  start program "/usr/bin/env BPM_BOSH_ROOT=${r.root} ${BPM} start ${job}" with timeout 60 seconds`,
      `  stop program "/usr/bin/env BPM_BOSH_ROOT=${r.root} ${BPM} stop ${job}" with timeout ${stopTimeout} seconds`,
      '  group vcap',
      '',
    );
  }
  return lines.join('\n');
}

/** `monit summary -B` output → service name → status text (process services only). */
export function parseSummary(out: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\S+)\s+(.+?)\s+Process\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) map.set(m[1], m[2].trim());
  }
  return map;
}
