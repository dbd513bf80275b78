// What the health rules of one monit service decide, cycle by cycle (docs/supervisor.md#replacing-monit).
// Pure: each cycle the driver (rule-cycle.ts) hands in what it measured; this says which rules
// matched (their action is due, once per match) and which recovered. A restart of the process — by
// a rule or after it died — starts every test afresh, as the process does; the restarts it made are
// counted by cycle for `N restarts within M cycles`.
import type { HealthRule } from './rules.ts';

/** One rule's test this cycle: failed or not; undefined when it could not be made (no process). */
export type TestResult = { failed: boolean; detail: string } | undefined;

export interface RuleDecision {
  rule: HealthRule;
  /** `matched`: the rule's action is due; `recovered`: it matched before and passes now. */
  change: 'matched' | 'recovered';
  detail: string;
}

export class RuleState {
  readonly rules: readonly HealthRule[];
  /** Per rule, the last results (true = failed), at most `window.within` of them. */
  private history: boolean[][];
  private matched: boolean[];
  private cycleNo = 0;
  /** The cycles in which the process was restarted (newest last). */
  private restartCycles: number[] = [];

  constructor(rules: readonly HealthRule[]) {
    this.rules = rules;
    this.history = rules.map(() => []);
    this.matched = rules.map(() => false);
  }

  /** The process was restarted (by a rule, or after it died): its tests start again. */
  restarted(): void {
    this.restartCycles.push(this.cycleNo);
    this.history = this.rules.map(() => []);
    for (const [k, rule] of this.rules.entries()) if (rule.check.kind !== 'restarts') this.matched[k] = false;
  }

  /** Monitoring begins again (start, monitor): nothing of before counts. */
  reset(): void {
    this.restartCycles = [];
    this.history = this.rules.map(() => []);
    this.matched = this.rules.map(() => false);
  }

  /** Restarts within the last `cycles` cycles, this one included. */
  restartsWithin(cycles: number): number {
    return this.restartCycles.filter((c) => c > this.cycleNo - cycles).length;
  }

  /** Whether a rule is matched now (its service shows the failure in its status). */
  isMatched(k: number): boolean {
    return this.matched[k] ?? false;
  }

  /** Open the next cycle (before the tests of `restarts` rules are made). */
  beginCycle(): void {
    this.cycleNo += 1;
    const oldest =
      this.cycleNo -
      Math.max(0, ...this.rules.map((r) => (r.check.kind === 'restarts' ? r.check.cycles : 0)));
    this.restartCycles = this.restartCycles.filter((c) => c > oldest);
  }

  /** This cycle's results, one per rule (in order); what changed. */
  endCycle(results: readonly TestResult[]): RuleDecision[] {
    const out: RuleDecision[] = [];
    for (const [k, rule] of this.rules.entries()) {
      const r = results[k];
      if (r === undefined) continue;
      const h = this.history[k]!;
      h.push(r.failed);
      if (h.length > rule.window.within) h.shift();
      const failures = h.filter(Boolean).length;
      if (!this.matched[k] && failures >= rule.window.count) {
        this.matched[k] = true;
        out.push({ rule, change: 'matched', detail: r.detail });
      } else if (this.matched[k] && !r.failed) {
        this.matched[k] = false;
        out.push({ rule, change: 'recovered', detail: r.detail });
      }
    }
    return out;
  }
}
