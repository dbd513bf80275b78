// `bpm monit ACTION [NAME|all]` and `bpm monit -g GROUP ACTION`: the monit command line as the
// BOSH agent and operators use it, against a running `bpm supervise --monit-compat`
// (docs/supervisor.md#replacing-monit). summary and status read the status XML; start, stop,
// restart, unmonitor (and monitor, a start) send one `_doaction` and return, as monit's do (the
// actions run in the supervisor); reload is SIGHUP and quit SIGTERM to the supervisor; validate
// parses the job monit files and reports their problems. Returns data; the command prints it.
import { readFileSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError } from '../errors.ts';
import { MonitApiClient } from './api-client.ts';
import { readUsers } from './credentials.ts';
import { jobMonitDir, monitDir, monitrcFiles } from './job-files.ts';
import { formatProblem, parseMonitrc } from './monitrc.ts';
import { readRunInfo } from './run-file.ts';
import { readServiceRows, type ServiceRow } from './status-read.ts';

export type MonitCliResult =
  | { kind: 'summary' | 'status'; services: ServiceRow[] }
  | { kind: 'done' }
  | { kind: 'problems'; lines: string[]; errors: number };

const ACTIONS = new Set(['start', 'stop', 'restart', 'unmonitor', 'monitor']);

function client(root: RootPaths): MonitApiClient {
  const info = readRunInfo(root);
  if (info === undefined)
    throw new BpmError('bpm supervise --monit-compat is not running for this BOSH root');
  return new MonitApiClient(info.port, readUsers(`${monitDir(root)}/monit.user`));
}

/** Signal the supervisor named in the run file, only if that pid is still a `bpm supervise`. */
function signalSupervisor(root: RootPaths, signal: NodeJS.Signals): void {
  const info = readRunInfo(root);
  let cmdline = '';
  try {
    if (info !== undefined) cmdline = readFileSync(`/proc/${info.pid}/cmdline`, 'latin1');
  } catch {
    cmdline = '';
  }
  if (info === undefined || !cmdline.split('\0').includes('supervise'))
    throw new BpmError('bpm supervise --monit-compat is not running for this BOSH root');
  process.kill(info.pid, signal);
}

function validate(root: RootPaths): MonitCliResult {
  const lines: string[] = [];
  let errors = 0;
  for (const file of monitrcFiles(jobMonitDir(root))) {
    const rc = parseMonitrc(file, readFileSync(file, 'utf8'));
    for (const e of rc.errors) lines.push(`error: ${formatProblem(e)}`);
    for (const w of rc.warnings) lines.push(`warning: ${formatProblem(w)}`);
    errors += rc.errors.length;
  }
  return { kind: 'problems', lines, errors };
}

export async function monitCli(
  root: RootPaths,
  args: readonly string[],
  group: string,
): Promise<MonitCliResult> {
  const [action, target, ...extra] = args;
  if (action === undefined)
    throw new BpmError('monit: an action is needed (summary, status, start, stop, …)');
  if (extra.length > 0) throw new BpmError(`monit: unexpected argument ${JSON.stringify(extra[0])}`);
  if (action === 'validate') return validate(root);
  if (action === 'reload' || action === 'quit') {
    signalSupervisor(root, action === 'reload' ? 'SIGHUP' : 'SIGTERM');
    return { kind: 'done' };
  }
  const api = client(root);
  const all = readServiceRows(await api.status()).services;
  const chosen = group !== '' ? all.filter((s) => s.groups.includes(group)) : all;
  if (action === 'summary' || action === 'status') {
    const named = target === undefined || target === 'all' ? chosen : chosen.filter((s) => s.name === target);
    if (target !== undefined && target !== 'all' && named.length === 0)
      throw new BpmError(`monit: there is no service named ${JSON.stringify(target)}`);
    return { kind: action, services: named };
  }
  if (!ACTIONS.has(action)) throw new BpmError(`monit: invalid action ${JSON.stringify(action)}`);
  let names: string[];
  if (group !== '') {
    if (target !== undefined) throw new BpmError(`monit: ${action} -g takes no service name`);
    names = chosen.map((s) => s.name);
  } else if (target === 'all') names = all.map((s) => s.name);
  else if (target !== undefined) names = [target];
  else throw new BpmError(`monit: ${action} needs a service name, all, or -g GROUP`);
  await api.action(action === 'monitor' ? 'start' : action, names);
  return { kind: 'done' };
}
