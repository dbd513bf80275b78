// The `if … then` rules of every monit service, acted on (docs/supervisor.md#replacing-monit): each
// rule line is parsed once when the services are built (one not supported is logged
// `monitrc-ignored` with its file and line, and left alone), tested on monit's cycle
// (rule-cycle.ts), and what matches becomes monit's event — mailed to the agent like the others —
// and monit's action: restart, start, stop, unmonitor (`timeout` too), exec, or only the alert.
import type { Logger } from '../log/logger.ts';
import { httpProbe } from '../supervisor/probes/http.ts';
import { REAL_TIMERS } from '../supervisor/probes/loop.ts';
import { tcpProbe } from '../supervisor/probes/tcp.ts';
import type { MonitService } from './monitrc.ts';
import { VitalsReader } from './process-vitals.ts';
import { programFailure, runProgram } from './program-runner.ts';
import { RuleCycle, type RuleTarget } from './rule-cycle.ts';
import { type RuleDecision, RuleState } from './rule-state.ts';
import { type HealthRule, parseRule, type RuleCheck } from './rules.ts';
import { DEFAULT_PROGRAM_TIMEOUT_MS } from './script-service.ts';
import {
  type Action,
  type EventSink,
  MONITOR_YES,
  type MonitRuntimeService,
  STATUS_CONNECTION,
  STATUS_RESOURCE,
  STATUS_TIMEOUT,
} from './service.ts';

const EVENTS: Record<RuleCheck['kind'], { matched: string; recovered: string; bit: number }> = {
  connection: { matched: 'Connection failed', recovered: 'Connection succeeded', bit: STATUS_CONNECTION },
  resource: {
    matched: 'Resource limit matched',
    recovered: 'Resource limit succeeded',
    bit: STATUS_RESOURCE,
  },
  restarts: { matched: 'Timeout', recovered: 'Timeout recovery', bit: STATUS_TIMEOUT },
};

/** What the rules need of the supervisor's services. */
export interface RuleHost {
  log: Logger;
  emit: EventSink;
  /** Run a service action the way the API's are run (pending meanwhile), not as a request. */
  perform(service: MonitRuntimeService, action: Action): void;
  /** Whether an action is under way on the service (its rules wait). */
  busy(name: string): boolean;
}

interface Entry extends RuleTarget {
  service: MonitRuntimeService;
  /** The description of each matched rule, by index: what the status shows. */
  failing: Map<number, string>;
}

export function connectionTest(check: Extract<RuleCheck, { kind: 'connection' }>) {
  const run =
    check.protocol === 'http'
      ? httpProbe(check.port, check.path, check.host)
      : tcpProbe(check.port, check.host);
  return run(AbortSignal.timeout(check.timeoutMs));
}

export class ServiceRules {
  private readonly host: RuleHost;
  private entries = new Map<string, Entry>();
  private readonly vitals = new VitalsReader();
  private cycle: RuleCycle | undefined;

  constructor(host: RuleHost) {
    this.host = host;
  }

  /** Parse the rules of `spec` for `service` (replacing any of the same name). */
  add(spec: MonitService, service: MonitRuntimeService): void {
    const rules: HealthRule[] = [];
    for (const r of spec.rules) {
      const parsed = parseRule(r);
      if ('rule' in parsed) rules.push(parsed.rule);
      else if ('unsupported' in parsed)
        this.host.log.info('monitrc-ignored', {
          problem: `${spec.file}:${r.line}: ${spec.name}: if ${r.condition} then ${r.action}: not supported by bpm (${parsed.unsupported}); ignored`,
        });
    }
    if (rules.length === 0) {
      this.entries.delete(spec.name);
      return;
    }
    const entry: Entry = {
      name: spec.name,
      state: new RuleState(rules),
      service,
      failing: new Map(),
      tested: () => !this.host.busy(spec.name) && service.view().monitor === MONITOR_YES,
      pid: () => service.view().pid,
    };
    this.entries.set(spec.name, entry);
  }

  /** The rules of service `name` that are acted on. */
  rulesOf(name: string): readonly HealthRule[] {
    return this.entries.get(name)?.state.rules ?? [];
  }

  /** Forget every service's rules (a reload builds them again). */
  clear(): void {
    this.stop();
    this.entries = new Map();
  }

  /** The service's process was restarted (it died, or a rule restarted it). */
  restarted(name: string): void {
    const e = this.entries.get(name);
    if (e === undefined) return;
    e.state.restarted();
    for (const [k, rule] of e.state.rules.entries()) if (rule.check.kind !== 'restarts') e.failing.delete(k);
  }

  /** Started or monitored on request: the counts begin again. */
  reset(name: string): void {
    const e = this.entries.get(name);
    if (e === undefined) return;
    e.state.reset();
    e.failing.clear();
  }

  /** The status bits and message of the service's matched rules, if any. */
  status(name: string): { bits: number; message: string } | undefined {
    const e = this.entries.get(name);
    if (e === undefined || e.failing.size === 0) return undefined;
    let bits = 0;
    for (const k of e.failing.keys()) bits |= EVENTS[e.state.rules[k]!.check.kind].bit;
    return { bits, message: [...e.failing.values()].at(-1)! };
  }

  /** Begin the cycle of `cycleSeconds` (when some service has a rule). */
  start(cycleSeconds: number): void {
    this.stop();
    this.cycle = new RuleCycle({
      cycleMs: cycleSeconds * 1000,
      targets: () => this.entries.values(),
      beginSample: () => this.vitals.beginSnapshot(),
      sample: (service, pid, now) => this.vitals.read(service, pid, now),
      endSample: () => this.vitals.endSnapshot(),
      connect: connectionTest,
      decided: (t, d) => this.apply(t.name, d),
      timers: REAL_TIMERS,
    });
    this.cycle.start();
  }

  stop(): void {
    this.cycle?.stop();
    this.cycle = undefined;
  }

  /** Act on what a cycle decided for service `name`: its event, its status, its action. */
  apply(name: string, d: RuleDecision): void {
    const e = this.entries.get(name);
    if (e === undefined) return;
    const k = e.state.rules.indexOf(d.rule);
    // A cycle that began before a reload decided for rules that are gone.
    if (k < 0) return;
    const names = EVENTS[d.rule.check.kind];
    const { action } = d.rule;
    if (d.change === 'recovered') {
      e.failing.delete(k);
      this.host.emit({ service: name, event: names.recovered, action: 'alert', description: d.detail });
      return;
    }
    e.failing.set(k, d.detail);
    const word = action === 'timeout' ? 'unmonitor' : action;
    this.host.emit({ service: name, event: names.matched, action: word, description: d.detail });
    this.host.log.info('monit-rule-matched', {
      service: name,
      line: String(d.rule.line),
      action: word,
      detail: d.detail,
    });
    switch (action) {
      case 'alert':
        return;
      case 'exec':
        if (d.rule.exec !== undefined) this.exec(name, d.rule);
        return;
      case 'restart':
        this.restarted(name);
        this.host.perform(e.service, 'restart');
        return;
      case 'timeout':
        this.host.perform(e.service, 'unmonitor');
        return;
      default:
        this.host.perform(e.service, action);
    }
  }

  private exec(name: string, rule: HealthRule): void {
    const program = rule.exec!;
    void runProgram(program, name, DEFAULT_PROGRAM_TIMEOUT_MS).done.then((r) => {
      const failure = programFailure('exec', r);
      if (failure === undefined) return;
      this.host.emit({ service: name, event: 'Execution failed', action: 'alert', description: failure });
    });
  }
}
