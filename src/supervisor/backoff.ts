// When to restart a process that exited (docs/supervisor.md): pure, driven by the caller's clock.
// The first restart after a healthy run is at once; each further one in a row waits
// initial_delay, doubled each time up to max_delay. A run of reset_after or longer is healthy.
import type { RestartConfig, RestartPolicy } from '../config/supervision.ts';

/** How a process ended: its exit code, or the signal that killed it. */
export type ExitStatus = { code: number } | { signal: string };

/** Whether the policy restarts a process that ended this way. */
export function policyRestarts(policy: RestartPolicy, exit: ExitStatus): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  return !('code' in exit) || exit.code !== 0;
}

/** The delay before restart number `streak` of a crash streak (0: the first one, at once). */
export function backoffDelay(config: RestartConfig, streak: number): number {
  if (streak <= 0) return 0;
  // 2^(streak-1) overflows to Infinity for huge streaks; min() keeps it at the cap.
  return Math.min(config.maxDelayMs, config.initialDelayMs * 2 ** (streak - 1));
}

export interface RestartPlan {
  /** Absolute time (the clock's) of the restart. */
  at: number;
  delayMs: number;
}

/** The restart bookkeeping of one process. */
export class BackoffSchedule {
  /** Restarts in the current crash streak. */
  private streak = 0;
  /** Restarts since the supervisor began supervising the process. */
  restarts = 0;

  private readonly config: RestartConfig;

  constructor(config: RestartConfig) {
    this.config = config;
  }

  /**
   * The process that started at `startedAt` ended at `now` with `exit`: the restart to make, or
   * undefined when the policy says it stays down.
   */
  exited(exit: ExitStatus, startedAt: number, now: number): RestartPlan | undefined {
    if (!policyRestarts(this.config.policy, exit)) return undefined;
    if (now - startedAt >= this.config.resetAfterMs) this.streak = 0;
    const delayMs = backoffDelay(this.config, this.streak);
    this.streak++;
    this.restarts++;
    return { at: now + delayMs, delayMs };
  }

  /** An operator start or restart: the next crash restarts at once again. */
  reset(): void {
    this.streak = 0;
  }
}
