// The job monit files the BOSH agent writes, R/monit/job/NNNN_JOB.monitrc, read in name order (the
// agent's index prefix keeps the manifest's order), parsed, every problem logged.
import { readdirSync, readFileSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { messageOf } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { MailTarget } from './alert-mail.ts';
import { formatProblem, type MonitService, parseMonitrc } from './monitrc.ts';

/** The cycle when no control file says `set daemon N`: the stemcell's monitrc has 10 s. */
export const DEFAULT_CYCLE_SECONDS = 10;

export function monitDir(root: RootPaths): string {
  return root.external('monit');
}

export function jobMonitDir(root: RootPaths): string {
  return root.external('monit', 'job');
}

/** The `*.monitrc` files of `dir`, full paths in name order; none when it cannot be read. */
export function monitrcFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.monitrc'))
      .sort()
      .map((n) => `${dir}/${n}`);
  } catch {
    return [];
  }
}

/** Every service of R/monit/job/*.monitrc; a name declared twice keeps its first declaration. */
export function readJobServices(root: RootPaths, log: Logger): MonitService[] {
  const seen = new Set<string>();
  const out: MonitService[] = [];
  for (const file of monitrcFiles(jobMonitDir(root))) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      log.error('monitrc-unreadable', new Error(messageOf(err)), { file });
      continue;
    }
    const rc = parseMonitrc(file, text);
    for (const w of rc.warnings) log.info('monitrc-ignored', { problem: formatProblem(w) });
    for (const e of rc.errors) log.error('monitrc-invalid', new Error(formatProblem(e)), { file });
    for (const s of rc.services) {
      if (seen.has(s.name)) {
        log.error('monitrc-invalid', new Error(`${file}:${s.line}: service ${s.name} declared twice`), {
          file,
        });
        continue;
      }
      seen.add(s.name);
      out.push(s);
    }
  }
  return out;
}

/**
 * Monit's cycle in seconds: the last `set daemon N` of the stemcell's R/bosh/etc/monitrc and of
 * R/monit/*.monitrc, else the stemcell's 10 s.
 */
export function readCycleSeconds(root: RootPaths): number {
  let seconds: number | undefined;
  for (const file of [root.external('bosh', 'etc', 'monitrc'), ...monitrcFiles(monitDir(root))]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    seconds = parseMonitrc(file, text).settings.daemonSeconds ?? seconds;
  }
  return seconds ?? DEFAULT_CYCLE_SECONDS;
}

/**
 * Where alerts go: the `set mailserver` and `set alert` of R/monit/*.monitrc (the agent's
 * alerts.monitrc: 127.0.0.1 port 2825, agent@local). Undefined when no file names a mail server.
 */
export function readAlertTarget(root: RootPaths, log: Logger): MailTarget | undefined {
  let server: { host: string; port: number } | undefined;
  let to: string | undefined;
  for (const file of monitrcFiles(monitDir(root))) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const { settings, errors } = parseMonitrc(file, text);
    for (const e of errors) log.error('monitrc-invalid', new Error(formatProblem(e)), { file });
    server = settings.mailserver ?? server;
    to = settings.alertTo ?? to;
  }
  return server === undefined ? undefined : { ...server, to: to ?? 'root@localhost' };
}
