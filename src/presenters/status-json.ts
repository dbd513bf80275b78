// `bpm status --json` and `bpm list --json` stdout: schema `bpm.status` version 1 (docs/status.md).
// Keys are only ever added within a version (the supervisor will add desired state, restart count
// and next restart); a consumer must ignore keys it does not know. A key's meaning or type changes
// only with a new version number.
import type { ProbeResultView, StatusRow, Usage } from './status-model.ts';

export const STATUS_SCHEMA_VERSION = 1;

function usageJson(u: Usage | undefined, unit: string): Record<string, number | null> | null {
  if (u === undefined) return null;
  return { [`current${unit}`]: u.current, [`limit${unit}`]: u.limit };
}

function probeJson(p: ProbeResultView): Record<string, unknown> {
  return {
    status: p.status,
    consecutive_failures: p.consecutiveFailures,
    last_result: p.last === undefined ? null : p.last.ok ? 'success' : 'failure',
    last_detail: p.last?.detail ?? null,
    last_probed_at: p.last?.at ?? null,
  };
}

function processJson(r: StatusRow): Record<string, unknown> {
  const e = r.lastExit;
  const doc = {
    job: r.job,
    process: r.process,
    name: r.name,
    state: r.status,
    pid: r.pid > 0 ? r.pid : null,
    started_at: r.created ?? null,
    uptime_seconds: r.uptimeSeconds ?? null,
    memory: usageJson(r.cgroup?.memory, '_bytes'),
    pids: usageJson(r.cgroup?.pids, ''),
    oom_kills: r.cgroup?.oomKills ?? null,
    cgroup_version: r.cgroup?.version ?? null,
    last_exit:
      e === undefined
        ? null
        : {
            description: e.description,
            at: e.at,
            code: e.code,
            signal: e.signal,
            oom_killed: e.oomKilled ?? null,
            seen_by: e.seenBy,
          },
  };
  const s = r.supervisor;
  if (s === undefined) return doc;
  // Present only while bpm supervise runs and supervises the process (docs/supervisor.md).
  const supervisor: Record<string, unknown> = {
    desired: s.desired,
    state: s.state,
    restarts: s.restarts,
    next_restart_at: s.nextRestartAt ?? null,
  };
  // Each probe's key is present only when the process has that probe.
  if (s.readiness !== undefined) supervisor['readiness'] = probeJson(s.readiness);
  if (s.liveness !== undefined) supervisor['liveness'] = probeJson(s.liveness);
  return { ...doc, supervisor };
}

/** The whole document, pretty-printed, with a trailing newline. */
export function renderStatusJson(rows: readonly StatusRow[], generatedAt: Date): string {
  const doc = {
    schema: 'bpm.status',
    schema_version: STATUS_SCHEMA_VERSION,
    generated_at: generatedAt.toISOString(),
    processes: rows.map(processJson),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
