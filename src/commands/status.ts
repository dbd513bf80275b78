// `bpm status [JOB] [-p PROC] [--json]` (beyond upstream, docs/status.md): every configured
// process (or JOB's) with its state, pid, uptime, memory and pids against their limits, OOM kills
// and last exit. `bpm list --json` prints the same document for every job.
import { BpmError } from '../errors.ts';
import { validateJobName, validateProcessName } from '../ids/names.ts';
import { describeLastExit } from '../lifecycle/last-exit.ts';
import type { ListScope } from '../lifecycle/list.ts';
import { type ProcessView, processViews, type Viewer } from '../lifecycle/status.ts';
import { extraProcessNotice, invalidConfigNotice } from '../presenters/list-notices.ts';
import { renderStatusJson } from '../presenters/status-json.ts';
import type { ProbeResultView, StatusRow, SupervisorView } from '../presenters/status-model.ts';
import { renderStatusTable } from '../presenters/status-table.ts';
import { writeStdout } from '../presenters/stdout.ts';
import { RuncError } from '../runc/errors.ts';
import { askSupervisor } from '../supervisor/control-client.ts';
import type { ProcessSnapshot } from '../supervisor/supervised-process.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

function toRow(v: ProcessView): StatusRow {
  const { lastExit, ...rest } = v;
  return lastExit === undefined
    ? rest
    : { ...rest, lastExit: { ...lastExit, description: describeLastExit(lastExit) } };
}

/** Print the views of `scope` as JSON or as the status table. */
export async function printStatus(
  inv: Parameters<Command>[0],
  scope: ListScope,
  viewer: Viewer,
  json: boolean,
) {
  const now = new Date();
  let views: ProcessView[];
  try {
    views = await processViews(
      inv.root,
      {
        onInvalidConfig: (job, error) => process.stderr.write(`${invalidConfigNotice(job, error)}\n`),
        onExtra: (decoded) => process.stderr.write(`${extraProcessNotice(decoded)}\n`),
      },
      commandOperation(inv.root),
      scope,
      viewer,
      now.getTime(),
    );
  } catch (err) {
    if (!(err instanceof RuncError)) throw err;
    throw new BpmError(`failed to list jobs: ${err.message}`, { cause: err });
  }
  const supervised = await supervisorViews(inv);
  const rows = views.map((v) => {
    const row = toRow(v);
    const s = supervised.get(`${v.job}/${v.process}`);
    return s === undefined ? row : { ...row, supervisor: s };
  });
  writeStdout(json ? renderStatusJson(rows, now) : renderStatusTable(rows));
}

/** What the running supervisor says, by `JOB/PROC`; empty when none runs (or it cannot answer). */
async function supervisorViews(inv: Parameters<Command>[0]): Promise<Map<string, SupervisorView>> {
  const out = new Map<string, SupervisorView>();
  let reply: Awaited<ReturnType<typeof askSupervisor>>;
  try {
    reply = await askSupervisor(inv.root, { op: 'status' });
  } catch {
    return out;
  }
  if (reply === undefined || !reply.ok) return out;
  for (const p of reply.processes) out.set(`${p.job}/${p.process}`, supervisorView(p));
  return out;
}

function supervisorView(p: ProcessSnapshot): SupervisorView {
  const v: SupervisorView = { desired: p.desired, state: p.actual, restarts: p.restarts };
  if (p.nextRestartAt !== undefined) v.nextRestartAt = new Date(p.nextRestartAt).toISOString();
  for (const kind of ['readiness', 'liveness'] as const) {
    const probe = p.probes?.[kind];
    if (probe === undefined) continue;
    const view: ProbeResultView = { status: probe.status, consecutiveFailures: probe.consecutiveFailures };
    if (probe.last !== undefined) view.last = { ...probe.last, at: new Date(probe.last.at).toISOString() };
    v[kind] = view;
  }
  return v;
}

const status: Command = async (inv) => {
  const job = inv.args[0];
  if (inv.args.length > 1) throw new BpmError(`bpm status takes at most one job, got ${inv.args.length}`);
  const procFlag = inv.flags['process'];
  const proc = typeof procFlag === 'string' && procFlag !== '' ? procFlag : undefined;
  if (job !== undefined) validateJobName(job);
  if (proc !== undefined) {
    if (job === undefined) throw new BpmError('-p needs a job: bpm status JOB -p PROC');
    validateProcessName(proc);
  }
  const scope: ListScope = job === undefined ? {} : proc === undefined ? { job } : { job, process: proc };
  await printStatus(inv, scope, 'status', inv.flags['json'] === true);
  return 0;
};

export default status;
