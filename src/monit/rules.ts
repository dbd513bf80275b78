// A monit `if … then ACTION` line of a `check process` → the health rule the supervisor acts on in
// --monit-compat mode (docs/supervisor.md#replacing-monit), or the reason it is not supported. Pure:
// words in, a typed rule out. Understood: `failed [host H] port N [type tcp] [protocol http
// [request P]] [with timeout N seconds]`, `[total]mem[ory] | [total]cpu | children [usage] OP
// VALUE [UNIT]`, `N restarts within M cycles`, each with `for N cycles` or `N times within M
// cycles`, and `[does] not exist` (the restart a dead process gets anyway).
import type { IfRule, Program } from './monitrc.ts';

/** N failed cycles among the last M (`for N cycles` is N of N; none given is 1 of 1). */
export interface CycleWindow {
  count: number;
  within: number;
}

export type RuleAction = 'alert' | 'restart' | 'start' | 'stop' | 'unmonitor' | 'exec' | 'timeout';

export type ResourceMetric = 'mem' | 'totalmem' | 'cpu' | 'totalcpu' | 'children';
export type Comparison = '>' | '<' | '=' | '!=';

export type RuleCheck =
  | {
      kind: 'connection';
      host: string;
      port: number;
      protocol: 'tcp' | 'http';
      path: string;
      timeoutMs: number;
    }
  | {
      kind: 'resource';
      metric: ResourceMetric;
      op: Comparison;
      /** In KiB for memory given in bytes' units; in percent for `%`; a count for children. */
      value: number;
      unit: 'kb' | 'percent' | 'count';
    }
  | { kind: 'restarts'; count: number; cycles: number };

export interface HealthRule {
  check: RuleCheck;
  window: CycleWindow;
  action: RuleAction;
  exec?: Program;
  /** The test as written (without its cycles), for the alert's description. */
  text: string;
  line: number;
}

export type ParsedRule = { rule: HealthRule } | { unsupported: string } | { builtIn: true };

/** Monit's default connection timeout. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

const KB: Record<string, number> = {
  b: 1 / 1024,
  byte: 1 / 1024,
  bytes: 1 / 1024,
  kb: 1,
  k: 1,
  kilobyte: 1,
  kilobytes: 1,
  mb: 1024,
  m: 1024,
  megabyte: 1024,
  megabytes: 1024,
  gb: 1024 * 1024,
  g: 1024 * 1024,
  gigabyte: 1024 * 1024,
  gigabytes: 1024 * 1024,
};

const METRICS: Record<string, ResourceMetric> = {
  mem: 'mem',
  memory: 'mem',
  totalmem: 'totalmem',
  totalmemory: 'totalmem',
  cpu: 'cpu',
  totalcpu: 'totalcpu',
  children: 'children',
};

class Unsupported extends Error {}

/** A word list read from the front; keywords compared in lower case. */
class Words {
  private i = 0;
  private readonly words: readonly string[];
  constructor(words: readonly string[]) {
    this.words = words;
  }
  peek(k = 0): string | undefined {
    return this.words[this.i + k]?.toLowerCase();
  }
  raw(): string | undefined {
    return this.words[this.i];
  }
  next(): string | undefined {
    return this.words[this.i++];
  }
  eat(...options: string[]): boolean {
    const w = this.peek();
    if (w === undefined || !options.includes(w)) return false;
    this.i++;
    return true;
  }
  get done(): boolean {
    return this.i >= this.words.length;
  }
  rest(): string {
    return this.words.slice(this.i).join(' ');
  }
}

function integer(w: string | undefined, what: string): number {
  const n = Number(w);
  if (w === undefined || !Number.isInteger(n) || n <= 0) throw new Unsupported(`${what}: ${w ?? 'missing'}`);
  return n;
}

/** `for N cycles` or `N times within M cycles` at the end of the words; the words before it. */
function splitWindow(words: readonly string[]): { head: string[]; window: CycleWindow } {
  const lower = words.map((w) => w.toLowerCase());
  const n = lower.length;
  const isCycles = (w: string | undefined): boolean => w === 'cycles' || w === 'cycle';
  if (n >= 3 && lower[n - 3] === 'for' && isCycles(lower[n - 1])) {
    const count = integer(lower[n - 2], 'for N cycles');
    return { head: words.slice(0, n - 3), window: { count, within: count } };
  }
  if (n >= 5 && ['times', 'time', 'cycles', 'cycle'].includes(lower[n - 4]!) && lower[n - 3] === 'within') {
    if (isCycles(lower[n - 1])) {
      const count = integer(lower[n - 5], 'N times within');
      const within = integer(lower[n - 2], 'within M cycles');
      if (count > within) throw new Unsupported(`${count} times within ${within} cycles can never match`);
      return { head: words.slice(0, n - 5), window: { count, within } };
    }
  }
  return { head: [...words], window: { count: 1, within: 1 } };
}

function connection(w: Words): RuleCheck {
  let host = 'localhost';
  let port: number | undefined;
  let protocol: 'tcp' | 'http' = 'tcp';
  let path = '/';
  let timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  while (!w.done) {
    const k = w.peek();
    w.next();
    if (k === 'host') host = w.next() ?? host;
    else if (k === 'port') port = integer(w.next(), 'port');
    else if (k === 'type') {
      const t = w.next()?.toLowerCase();
      if (t !== 'tcp') throw new Unsupported(`type ${t ?? '?'} (only tcp)`);
    } else if (k === 'protocol' || k === 'proto') {
      const p = w.next()?.toLowerCase();
      if (p === 'http') protocol = 'http';
      else if (p !== 'default' && p !== 'generic') throw new Unsupported(`protocol ${p ?? '?'} (only http)`);
    } else if (k === 'request') {
      const r = w.next();
      if (r === undefined || !r.startsWith('/')) throw new Unsupported(`request ${r ?? '?'}`);
      path = r;
    } else if (k === 'with' && w.peek() === 'timeout') continue;
    else if (k === 'timeout') {
      timeoutMs = integer(w.next(), 'timeout') * 1000;
      w.eat('seconds', 'second', 's');
    } else if (k === 'and' || k === 'ipv4') continue;
    else throw new Unsupported(`"${k}" in a connection test`);
  }
  if (port === undefined) throw new Unsupported('a connection test without a port (unixsocket)');
  if (host === 'localhost') host = '127.0.0.1';
  return { kind: 'connection', host, port, protocol, path, timeoutMs };
}

function comparison(w: Words): Comparison {
  w.eat('is');
  if (w.eat('>', 'gt', 'greater')) {
    w.eat('than');
    return '>';
  }
  if (w.eat('<', 'lt', 'less')) {
    w.eat('than');
    return '<';
  }
  if (w.eat('!', '<>', 'ne', 'not')) {
    w.eat('equal');
    w.eat('to');
    return '!=';
  }
  if (w.eat('eq', 'equal')) {
    w.eat('to');
    return '=';
  }
  // `=` itself is noise to the tokenizer: a bare value means equality.
  return '=';
}

function resource(metric: ResourceMetric, w: Words): RuleCheck {
  w.eat('usage');
  const op = comparison(w);
  const raw = w.next();
  const m = raw === undefined ? null : /^(\d+(?:\.\d+)?)([a-z%]*)$/i.exec(raw);
  if (m === null) throw new Unsupported(`value ${raw ?? 'missing'}`);
  const number = Number(m[1]);
  const unit = (m[2] !== '' ? m[2]! : (w.next() ?? '')).toLowerCase();
  if (!w.done) throw new Unsupported(`"${w.rest()}" after the value`);
  if (metric === 'children') {
    if (unit !== '') throw new Unsupported(`children in ${unit}`);
    return { kind: 'resource', metric, op, value: number, unit: 'count' };
  }
  if (unit === '%') return { kind: 'resource', metric, op, value: number, unit: 'percent' };
  if (metric === 'cpu' || metric === 'totalcpu')
    throw new Unsupported(`cpu in ${unit || 'no unit'} (only %)`);
  const factor = KB[unit];
  if (factor === undefined) throw new Unsupported(`unit ${unit || 'missing'}`);
  return { kind: 'resource', metric, op, value: number * factor, unit: 'kb' };
}

const ACTIONS = new Set<string>(['alert', 'restart', 'start', 'stop', 'unmonitor', 'exec', 'timeout']);

/** The rule `if` line `r` asks for, or why the supervisor does not act on it. */
export function parseRule(r: IfRule): ParsedRule {
  try {
    if (!ACTIONS.has(r.action)) throw new Unsupported(`action ${r.action}`);
    const action = r.action as RuleAction;
    const lower = r.words.map((x) => x.toLowerCase()).join(' ');
    if (lower === 'not exist' || lower === 'does not exist' || lower === 'not exists') {
      if (action === 'restart' || action === 'start') return { builtIn: true };
      throw new Unsupported(`${action} on a process that does not exist (it is restarted)`);
    }
    const { head, window } = splitWindow(r.words);
    const w = new Words(head);
    const first = w.peek();
    let check: RuleCheck;
    if (first === 'failed') {
      w.next();
      check = connection(w);
    } else if (first !== undefined && METRICS[first] !== undefined) {
      w.next();
      check = resource(METRICS[first], w);
    } else if (/^\d+$/.test(first ?? '') && ['restarts', 'restart'].includes(w.peek(1) ?? '')) {
      const count = integer(w.next(), 'restarts');
      w.next();
      if (!w.eat('within')) throw new Unsupported('N restarts without "within M cycles"');
      const cycles = integer(w.next(), 'within M cycles');
      if (!w.eat('cycles', 'cycle') || !w.done) throw new Unsupported(`"${w.rest()}"`);
      check = { kind: 'restarts', count, cycles };
    } else throw new Unsupported(`the test "${first ?? ''}"`);
    const rule: HealthRule = { check, window, action, text: head.join(' '), line: r.line };
    if (r.exec !== undefined) rule.exec = r.exec;
    return { rule };
  } catch (err) {
    if (err instanceof Unsupported) return { unsupported: err.message };
    throw err;
  }
}
