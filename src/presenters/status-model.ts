// What `bpm status` and `bpm list --json` print, per process (filled by lifecycle/status.ts via the
// command; kept here so that the presenters depend on nothing above them).

export interface Usage {
  current: number;
  /** null: no limit. */
  limit: number | null;
}

export interface StatusRow {
  job: string;
  process: string;
  /** Decoded container id, as `bpm list` shows it. */
  name: string;
  /** `running`, `failed`, `stopped`, `created`, `creating` — `bpm list`'s words. */
  status: string;
  /** The container init's host pid; 0 when there is none. */
  pid: number;
  /** When runc created the container (RFC 3339). */
  created?: string;
  uptimeSeconds?: number;
  cgroup?: { version: 1 | 2; memory?: Usage; pids?: Usage; oomKills?: number };
  lastExit?: {
    /** `exited 3`, `killed by SIGKILL`, `exited (status unknown) (OOM)`. */
    description: string;
    at: string;
    code: number | null;
    signal: string | null;
    seenBy: string;
    oomKilled?: boolean;
  };
  /** What the running `bpm supervise` says about the process; absent when none runs or it does not supervise it. */
  supervisor?: SupervisorView;
}

export interface SupervisorView {
  desired: 'running' | 'stopped';
  /** `starting`, `running`, `ready`, `backoff`, `failed`, `stopping`, `stopped`. */
  state: string;
  restarts: number;
  /** When the planned restart is due (ISO 8601), in `backoff` only. */
  nextRestartAt?: string;
  /** The configured probes (absent: none of that kind). */
  readiness?: ProbeResultView;
  liveness?: ProbeResultView;
}

export interface ProbeResultView {
  /** `unknown`, `passing`, `failing`. */
  status: string;
  consecutiveFailures: number;
  /** The last attempt (ISO 8601 time), absent before the first. */
  last?: { ok: boolean; detail: string; at: string };
}
