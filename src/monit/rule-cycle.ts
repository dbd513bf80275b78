// Monit's cycle for the health rules of --monit-compat (docs/supervisor.md#replacing-monit): one
// timer for the whole supervisor, armed `set daemon N` seconds after the previous cycle ended (as
// monit sleeps between cycles), and only while some service has a rule. Each cycle takes one /proc
// snapshot for every memory, cpu and children test, makes the connection tests in parallel (each
// cut off at its timeout), and hands each service's results to its RuleState; what matched or
// recovered goes to `decided`.
import type { ProbeOutcome } from '../supervisor/probes/tracker.ts';
import type { Vitals } from './process-vitals.ts';
import type { RuleDecision, RuleState, TestResult } from './rule-state.ts';
import type { HealthRule, RuleCheck } from './rules.ts';

export interface RuleTarget {
  readonly name: string;
  readonly state: RuleState;
  /** Whether its rules are tested now (monitored, no action under way). */
  tested(): boolean;
  /** The process to test: its pid, or 0 when none runs (then only `restarts` rules are tested). */
  pid(): number;
}

export interface RuleCycleDeps {
  cycleMs: number;
  targets(): Iterable<RuleTarget>;
  /** One /proc walk for the cycle's samples: `sample` reads a process tree from it. */
  beginSample(): void;
  sample(service: string, pid: number, nowMs: number): Vitals | undefined;
  endSample(): void;
  connect(check: Extract<RuleCheck, { kind: 'connection' }>): Promise<ProbeOutcome>;
  decided(target: RuleTarget, decision: RuleDecision): void;
  timers: {
    now(): number;
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
}

const OPS: Record<string, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

function shown(value: number, unit: 'kb' | 'percent' | 'count'): string {
  if (unit === 'percent') return `${value.toFixed(1)}%`;
  if (unit === 'count') return String(value);
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} GB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} MB`;
  return `${value.toFixed(1)} kB`;
}

/** A memory, cpu or children test against a process tree's vitals. */
export function resourceTest(
  check: Extract<RuleCheck, { kind: 'resource' }>,
  v: Vitals,
  text: string,
): TestResult {
  const percent = check.unit === 'percent';
  const actual = (() => {
    switch (check.metric) {
      case 'mem':
        return percent ? v.percent : v.kilobyte;
      case 'totalmem':
        return percent ? v.percentTotal : v.kilobyteTotal;
      case 'cpu':
        return v.cpuPercent;
      case 'totalcpu':
        return v.cpuPercentTotal;
      case 'children':
        return v.children;
    }
  })();
  const failed = OPS[check.op]!(actual, check.value);
  const amount = `${check.metric} ${check.metric.endsWith('cpu') ? 'usage' : 'amount'} of ${shown(actual, check.unit)}`;
  return {
    failed,
    detail: failed
      ? `${amount} matches resource limit [${text}]`
      : `${check.metric} check succeeded [current ${amount}]`,
  };
}

export class RuleCycle {
  private readonly deps: RuleCycleDeps;
  private timer: unknown;
  private running = false;
  private stopped = false;

  constructor(deps: RuleCycleDeps) {
    this.deps = deps;
  }

  /** Arm the first cycle, once, when some target has a rule. */
  start(): void {
    if (this.running || this.timer !== undefined || this.stopped) return;
    if (![...this.deps.targets()].some((t) => t.state.rules.length > 0)) return;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = undefined;
      void this.cycle();
    }, this.deps.cycleMs);
  }

  /** One cycle: every target's tests, then their decisions; the next cycle is armed after it. */
  async cycle(): Promise<void> {
    this.running = true;
    const now = this.deps.timers.now();
    const work: Promise<void>[] = [];
    this.deps.beginSample();
    try {
      for (const t of this.deps.targets()) {
        if (t.state.rules.length === 0 || !t.tested()) continue;
        t.state.beginCycle();
        const pid = t.pid();
        const vitals = pid > 0 ? this.deps.sample(t.name, pid, now) : undefined;
        const tests = t.state.rules.map((rule) => this.test(rule, t, pid, vitals));
        work.push(
          Promise.all(tests).then((results) => {
            for (const d of t.state.endCycle(results)) this.deps.decided(t, d);
          }),
        );
      }
    } finally {
      this.deps.endSample();
    }
    await Promise.all(work);
    this.running = false;
    this.arm();
  }

  private test(
    rule: HealthRule,
    t: RuleTarget,
    pid: number,
    vitals: Vitals | undefined,
  ): Promise<TestResult> {
    const c = rule.check;
    switch (c.kind) {
      case 'restarts': {
        const n = t.state.restartsWithin(c.cycles);
        const failed = n >= c.count;
        return Promise.resolve({
          failed,
          detail: `service restarted ${n} times within ${c.cycles} cycles(s)${failed ? ` - ${rule.action}` : ''}`,
        });
      }
      case 'resource':
        return Promise.resolve(vitals === undefined ? undefined : resourceTest(c, vitals, rule.text));
      case 'connection': {
        if (pid <= 0) return Promise.resolve(undefined);
        const where = `[${c.host}]:${c.port}`;
        return this.deps.connect(c).then(
          (o): TestResult =>
            o.ok
              ? {
                  failed: false,
                  detail: `connection succeeded to ${where} [TCP/IP]${c.protocol === 'http' ? ' [HTTP]' : ''}`,
                }
              : {
                  failed: true,
                  detail:
                    c.protocol === 'http'
                      ? `failed protocol test [HTTP] at ${where}${c.path} [TCP/IP] -- ${o.detail}`
                      : `failed to connect to ${where} [TCP/IP] -- ${o.detail}`,
                },
          (err: unknown): TestResult => ({ failed: true, detail: `${where}: ${String(err)}` }),
        );
      }
    }
  }
}
