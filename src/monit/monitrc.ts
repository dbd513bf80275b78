// A monit control file → the services it declares, the way `bpm supervise --monit-compat` needs
// them (docs/supervisor.md#replacing-monit). Understood: `check process NAME with pidfile P`, `start
// program`, `stop program`, `restart program` (each with `as uid U [and] gid G` and `with timeout N
// seconds`), `group G`, `depends on A, B`, `if … then ACTION` (its words and an exec's program,
// for rules.ts to judge), and the global `set daemon`, `set httpd port … allow …`, `set mailserver
// HOST port N`, `include`.
// Anything else is skipped with a warning naming file and line; a service that cannot be run
// (no pid file, `matching`) is an error for that service only — the file's other services stay.
import { MonitrcSyntaxError, splitProgram, type Token, tokenize } from './monitrc-tokens.ts';

export interface Program {
  /** The program text as written. */
  command: string;
  /** Split the way monit splits it (no shell). */
  argv: string[];
  timeoutSeconds?: number;
  uid?: string;
  gid?: string;
  line: number;
}

export interface IfRule {
  /** The words between `if` and `then`, joined by one blank. */
  condition: string;
  /** The same words one by one (a quoted one without its quotes). */
  words: string[];
  /** The action after `then`: alert, restart, start, stop, exec, unmonitor, timeout. */
  action: string;
  /** The program of an `exec` action. */
  exec?: Program;
  line: number;
}

export interface MonitService {
  name: string;
  file: string;
  line: number;
  pidfile: string;
  start?: Program;
  stop?: Program;
  restart?: Program;
  groups: string[];
  dependsOn: string[];
  rules: IfRule[];
}

export interface MonitrcProblem {
  file: string;
  line: number;
  message: string;
}

export interface MonitrcSettings {
  daemonSeconds?: number;
  httpd?: { port?: number; address?: string; allow: string[] };
  mailserver?: { host: string; port: number };
  /** The first address of `set alert`. */
  alertTo?: string;
  includes: string[];
}

export interface Monitrc {
  services: MonitService[];
  settings: MonitrcSettings;
  errors: MonitrcProblem[];
  warnings: MonitrcProblem[];
}

export function formatProblem(p: MonitrcProblem): string {
  return `${p.file}:${p.line}: ${p.message}`;
}

/** Monit's service names; also what may follow `/` in the HTTP API. */
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const TOP_LEVEL = new Set(['check', 'set', 'include']);
const STATEMENTS = new Set([
  'with',
  'pidfile',
  'matching',
  'start',
  'stop',
  'restart',
  'group',
  'depends',
  'if',
  'mode',
  'every',
  'alert',
  'noalert',
  'onreboot',
]);
const ACTIONS = new Set(['alert', 'restart', 'start', 'stop', 'exec', 'unmonitor', 'timeout', 'monitor']);

class ServiceError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

function word(t: Token | undefined): string | undefined {
  return t === undefined || t.quoted ? undefined : t.text.toLowerCase();
}

class Parser {
  private i = 0;
  readonly out: Monitrc = { services: [], settings: { includes: [] }, errors: [], warnings: [] };

  private readonly file: string;
  private readonly tokens: Token[];

  constructor(file: string, tokens: Token[]) {
    this.file = file;
    this.tokens = tokens;
  }

  parse(): Monitrc {
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
      const w = word(t);
      if (w === 'check') this.check();
      else if (w === 'set') this.set();
      else if (w === 'include') {
        this.i++;
        const glob = this.tokens[this.i++];
        if (glob !== undefined) this.out.settings.includes.push(glob.text);
      } else {
        this.warn(t.line, `unexpected ${JSON.stringify(t.text)} outside a check; ignored`);
        this.skipTo(TOP_LEVEL);
      }
    }
    return this.out;
  }

  private warn(line: number, message: string): void {
    this.out.warnings.push({ file: this.file, line, message });
  }

  private atTopLevel(): boolean {
    const w = word(this.tokens[this.i]);
    return w !== undefined && TOP_LEVEL.has(w);
  }

  /** Skip tokens up to (not including) the next unquoted word in `stops` or a top-level keyword. */
  private skipTo(stops: ReadonlySet<string>): void {
    this.i++;
    while (this.i < this.tokens.length) {
      const w = word(this.tokens[this.i]);
      if (w !== undefined && (stops.has(w) || TOP_LEVEL.has(w))) return;
      this.i++;
    }
  }

  /** `set WHAT …` up to the next top-level keyword. */
  private set(): void {
    const line = this.tokens[this.i]!.line;
    this.i++;
    const what = word(this.tokens[this.i]);
    const start = this.i + 1;
    this.skipTo(TOP_LEVEL);
    const args = this.tokens.slice(start, this.i);
    const after = (key: string): Token | undefined => {
      const k = args.findIndex((a) => word(a) === key);
      return k < 0 ? undefined : args[k + 1];
    };
    const s = this.out.settings;
    if (what === 'daemon') {
      const n = Number(args[0]?.text);
      if (Number.isInteger(n) && n > 0) s.daemonSeconds = n;
    } else if (what === 'httpd') {
      const port = Number(after('port')?.text);
      const address = after('address')?.text;
      const allow = args.flatMap((a, k) => (word(a) === 'allow' && args[k + 1] ? [args[k + 1]!.text] : []));
      s.httpd = { allow };
      if (Number.isInteger(port)) s.httpd.port = port;
      if (address !== undefined) s.httpd.address = address;
    } else if (what === 'mailserver') {
      const host = args[0]?.text;
      const port = Number(after('port')?.text ?? 25);
      if (host !== undefined && Number.isInteger(port)) s.mailserver = { host, port };
    } else if (what === 'alert') {
      if (args[0] !== undefined) s.alertTo = args[0].text;
    } else if (
      what === undefined ||
      !['mail-format', 'eventqueue', 'logfile', 'pidfile', 'statefile', 'idfile'].includes(what)
    ) {
      this.warn(line, `set ${what ?? '?'}: not understood by bpm; ignored`);
    }
  }

  private check(): void {
    const line = this.tokens[this.i]!.line;
    const type = word(this.tokens[this.i + 1]);
    const name = this.tokens[this.i + 2];
    this.i += 3;
    if (type !== 'process') {
      this.warn(line, `check ${type ?? '?'} ${name?.text ?? ''}: only check process is supported; ignored`);
      this.i--;
      this.skipTo(new Set());
      return;
    }
    try {
      if (name === undefined || !SERVICE_NAME.test(name.text))
        throw new ServiceError(`check process: bad service name ${JSON.stringify(name?.text ?? '')}`, line);
      this.out.services.push(this.processBody(name.text, line));
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      this.out.errors.push({
        file: this.file,
        line: err.line,
        message: `${err.message}; service not supervised`,
      });
      while (this.i < this.tokens.length && !this.atTopLevel()) this.i++;
    }
  }

  private processBody(name: string, line: number): MonitService {
    const svc: Omit<MonitService, 'pidfile'> & { pidfile?: string } = {
      name,
      file: this.file,
      line,
      groups: [],
      dependsOn: [],
      rules: [],
    };
    while (this.i < this.tokens.length && !this.atTopLevel()) {
      const t = this.tokens[this.i]!;
      const w = word(t);
      switch (w) {
        case 'with':
          this.i++;
          break;
        case 'pidfile':
          svc.pidfile = this.operand(`${name}: pidfile`);
          break;
        case 'matching':
          throw new ServiceError(
            `${name}: check process … matching is not supported (use a pidfile)`,
            t.line,
          );
        case 'start':
        case 'stop':
        case 'restart':
          svc[w] = this.program(`${name}: ${w} program`);
          break;
        case 'group':
          svc.groups.push(this.operand(`${name}: group`));
          break;
        case 'depends':
          this.i++;
          if (word(this.tokens[this.i]) === 'on') this.i++;
          while (this.i < this.tokens.length && !this.isStatement(this.tokens[this.i]!))
            svc.dependsOn.push(this.tokens[this.i++]!.text);
          break;
        case 'if':
          svc.rules.push(this.ifRule(name));
          break;
        case 'onreboot':
        case 'mode':
          this.warn(t.line, `${name}: ${w} ${this.tokens[this.i + 1]?.text ?? ''}: not supported; ignored`);
          this.i += 2;
          break;
        default:
          this.warn(t.line, `${name}: ${JSON.stringify(t.text)}: not understood by bpm; ignored`);
          this.skipTo(STATEMENTS);
      }
    }
    if (svc.pidfile === undefined)
      throw new ServiceError(`${name}: check process needs "with pidfile"`, line);
    return { ...svc, pidfile: svc.pidfile };
  }

  private isStatement(t: Token): boolean {
    const w = word(t);
    return w !== undefined && (STATEMENTS.has(w) || TOP_LEVEL.has(w));
  }

  /** The token after the keyword at `i`; it must be there. */
  private operand(what: string): string {
    const kw = this.tokens[this.i]!;
    const t = this.tokens[this.i + 1];
    if (t === undefined || (!t.quoted && this.isStatement(t)))
      throw new ServiceError(`${what}: value missing`, kw.line);
    this.i += 2;
    return t.text;
  }

  /** `start [program] "…" [as] [uid U] [and] [gid G] [with timeout N second(s)]`. */
  private program(what: string): Program {
    const kw = this.tokens[this.i]!;
    this.i++;
    if (word(this.tokens[this.i]) === 'program') this.i++;
    const cmd = this.tokens[this.i];
    if (cmd === undefined || !cmd.quoted)
      throw new ServiceError(`${what}: expected a quoted command`, kw.line);
    this.i++;
    const p: Program = { command: cmd.text, argv: splitProgram(cmd.text), line: cmd.line };
    if (p.argv.length === 0) throw new ServiceError(`${what}: empty command`, cmd.line);
    for (;;) {
      const w = word(this.tokens[this.i]);
      const next = this.tokens[this.i + 1];
      if (w === 'as' || w === 'and') this.i++;
      else if ((w === 'uid' || w === 'gid') && next !== undefined) {
        p[w] = next.text;
        this.i += 2;
      } else if (w === 'with' && word(next) === 'timeout') this.i++;
      else if (w === 'timeout') {
        const n = Number(next?.text);
        if (!Number.isInteger(n) || n <= 0) throw new ServiceError(`${what}: bad timeout`, kw.line);
        p.timeoutSeconds = n;
        this.i += 2;
        const unit = word(this.tokens[this.i]);
        if (unit === 'seconds' || unit === 'second' || unit === 's') this.i++;
        else if (unit === 'cycles' || unit === 'cycle')
          throw new ServiceError(`${what}: a timeout in cycles is not supported (use seconds)`, kw.line);
      } else return p;
    }
  }

  /** `if CONDITION then ACTION [exec "…"] [else if succeeded|recovered then ACTION]`. */
  private ifRule(name: string): IfRule {
    const kw = this.tokens[this.i]!;
    this.i++;
    const words: string[] = [];
    while (this.i < this.tokens.length && word(this.tokens[this.i]) !== 'then') {
      if (this.atTopLevel()) throw new ServiceError(`${name}: if without then`, kw.line);
      words.push(this.tokens[this.i++]!.text);
    }
    this.i++;
    const rule: IfRule = { condition: words.join(' '), words, action: '', line: kw.line };
    this.action(name, kw.line, rule);
    if (word(this.tokens[this.i]) === 'else' && word(this.tokens[this.i + 1]) === 'if') {
      this.i += 3; // else if succeeded|recovered
      if (word(this.tokens[this.i]) === 'then') this.i++;
      this.action(name, kw.line);
    }
    return rule;
  }

  /** The action at `i` (and an exec's program), into `rule` when given. */
  private action(name: string, line: number, rule?: IfRule): void {
    const a = word(this.tokens[this.i]);
    if (a === undefined || !ACTIONS.has(a))
      throw new ServiceError(`${name}: if … then: unknown action`, line);
    if (rule !== undefined) rule.action = a;
    if (a === 'exec') {
      const program = this.program(`${name}: if … then exec`);
      if (rule !== undefined) rule.exec = program;
    } else this.i++;
    if (word(this.tokens[this.i]) === 'repeat') this.i += 4; // repeat every N cycles
  }
}

/** Parse one control file's text; `file` names it in every problem. */
export function parseMonitrc(file: string, text: string): Monitrc {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (err) {
    if (!(err instanceof MonitrcSyntaxError)) throw err;
    return {
      services: [],
      settings: { includes: [] },
      errors: [{ file, line: err.line, message: `${err.message}; file not read` }],
      warnings: [],
    };
  }
  return new Parser(file, tokens).parse();
}
