// The supervisor's bpm.yml keys (docs/supervisor.md): restart policy, shutdown timeout, dependencies and
// probes. Upstream ignores these keys, so a file that uses them stays valid for it. Durations are in ms.

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface RestartConfig {
  policy: RestartPolicy;
  /** The delay before the second restart in a row (the first is at once); doubled after each. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long counts as healthy: its next crash restarts at once again. */
  resetAfterMs: number;
}

/** The Kubernetes-like defaults: at once, then 10 s doubling to 5 min, reset after 10 min up. */
export const DEFAULT_RESTART: RestartConfig = {
  policy: 'always',
  initialDelayMs: 10_000,
  maxDelayMs: 300_000,
  resetAfterMs: 600_000,
};

/** The wait after the shutdown signal before SIGQUIT when `shutdown_timeout` is absent. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 20_000;

export type ProbeCheck =
  | { kind: 'exec'; argv: string[] }
  | { kind: 'http'; port: number; path: string }
  | { kind: 'tcp'; port: number };

export interface ProbeConfig {
  check: ProbeCheck;
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  initialDelayMs: number;
}

export const DEFAULT_PROBE_TIMING = {
  periodMs: 10_000,
  timeoutMs: 1_000,
  failureThreshold: 3,
  initialDelayMs: 0,
} as const;
