// pflag-compatible parsing of one command's arguments (docs/behaviour/commands.md §1.1): flags anywhere,
// `--`, combined shorthands (`-af`), attached values (`-n30`, `--lines=30`, `-pworker`, `-p=worker`),
// repeatable string arrays. Error texts are pflag's.
import { goQuote, parseGoBool, parseGoInt, StrconvError } from '../go/strconv.ts';
import { type FlagSpec, type FlagValue, flagDisplayName, zeroValue } from './flag-spec.ts';
import { plainReason } from './flag-values.ts';

/** A bad flag: the caller prints the command's usage, then `Error: <message>`. */
export class FlagError extends Error {}

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  /** Long names of the flags that appeared on the command line. */
  changed: Set<string>;
  positional: string[];
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  return `'${goQuote(c).slice(1, -1)}'`;
}

class FlagParser {
  readonly byName: Map<string, FlagSpec> = new Map();
  readonly byShort: Map<string, FlagSpec> = new Map();
  readonly result: ParsedArgs = { flags: {}, changed: new Set(), positional: [] };

  constructor(specs: readonly FlagSpec[]) {
    for (const f of specs) {
      this.byName.set(f.name, f);
      if (f.short !== undefined) this.byShort.set(f.short, f);
      this.result.flags[f.name] = f.defaultValue ?? zeroValue(f.kind);
    }
  }

  set(flag: FlagSpec, value: string): void {
    const flags = this.result.flags;
    try {
      switch (flag.kind) {
        case 'bool':
          flags[flag.name] = parseGoBool(value);
          break;
        case 'int':
          flags[flag.name] = parseGoInt(value);
          break;
        case 'string':
          flags[flag.name] = value;
          break;
        case 'stringArray': {
          const prev = this.result.changed.has(flag.name) ? (flags[flag.name] as string[]) : [];
          flags[flag.name] = [...prev, value];
          break;
        }
      }
    } catch (err) {
      if (!(err instanceof StrconvError)) throw err;
      throw new FlagError(
        `invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(flag))} flag: ${plainReason(err)}`,
      );
    }
    this.result.changed.add(flag.name);
  }

  /** `--name`, `--name=value`, `--name value`. Returns the remaining args. */
  long(arg: string, rest: string[]): string[] {
    const body = arg.slice(2);
    if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const flag = this.byName.get(name);
    if (flag === undefined) throw new FlagError(`unknown flag: --${name}`);
    if (eq >= 0) this.set(flag, body.slice(eq + 1));
    else if (flag.kind === 'bool') this.set(flag, 'true');
    else if (rest.length > 0) {
      this.set(flag, rest[0]!);
      return rest.slice(1);
    } else throw new FlagError(`flag needs an argument: ${arg}`);
    return rest;
  }

  /** `-abc`, `-n30`, `-n 30`, `-n=30`. Returns the remaining args. */
  short(arg: string, rest: string[]): string[] {
    let shorthands = arg.slice(1);
    const args = rest;
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0)!);
      const flag = this.byShort.get(c);
      if (flag === undefined) {
        throw new FlagError(`unknown shorthand flag: ${quoteChar(c)} in -${shorthands}`);
      }
      const after = shorthands.slice(c.length);
      if (after.length > 1 && after[0] === '=') {
        this.set(flag, after.slice(1));
        return args;
      }
      if (flag.kind === 'bool') {
        this.set(flag, 'true');
        shorthands = after;
      } else if (after.length > 0) {
        this.set(flag, after);
        return args;
      } else if (args.length > 0) {
        this.set(flag, args[0]!);
        return args.slice(1);
      } else {
        throw new FlagError(`flag needs an argument: ${quoteChar(c)} in -${shorthands}`);
      }
    }
    return args;
  }
}

/** Parse a command's arguments (the command word already removed). Throws FlagError. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const parser = new FlagParser(specs);
  let rest = [...args];
  while (rest.length > 0) {
    const arg = rest[0]!;
    rest = rest.slice(1);
    if (arg.length < 2 || arg[0] !== '-') {
      parser.result.positional.push(arg);
    } else if (arg === '--') {
      parser.result.positional.push(...rest);
      break;
    } else if (arg[1] === '-') {
      rest = parser.long(arg, rest);
    } else {
      rest = parser.short(arg, rest);
    }
  }
  return parser.result;
}

/**
 * Index of the word that selects the subcommand, like cobra's stripFlags: skips flags, and the
 * value after a flag that is not known to be boolean; stops at `--`. -1 when there is none.
 */
export function commandWordIndex(args: readonly string[], rootBoolFlags: readonly FlagSpec[]): number {
  const boolLong = new Set(rootBoolFlags.map((f) => f.name));
  const boolShort = new Set(rootBoolFlags.flatMap((f) => (f.short === undefined ? [] : [f.short])));
  for (let i = 0; i < args.length; i++) {
    const s = args[i]!;
    if (s === '--') return -1;
    if (s.startsWith('--') && !s.includes('=') && !boolLong.has(s.slice(2))) {
      if (args.length - i - 1 <= 1) return -1;
      i++;
    } else if (s.startsWith('-') && !s.includes('=') && s.length === 2 && !boolShort.has(s.slice(1))) {
      if (args.length - i - 1 <= 1) return -1;
      i++;
    } else if (s !== '' && !s.startsWith('-')) {
      return i;
    }
  }
  return -1;
}
