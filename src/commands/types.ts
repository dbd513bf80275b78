// The contract between the CLI (src/cli) and each command module (src/commands/NAME.ts).
// A command module's default export is a Command. It prints through src/presenters, throws a
// BpmError (or subclass) to fail, and never calls process.exit.
import type { RootPaths } from '../bosh/paths.ts';

export interface Invocation {
  /** First positional argument, already validated (empty for list, version, …). */
  job: string;
  /** `-p/--process`, or the job name when absent or empty; already validated. */
  process: string;
  /** Every positional argument after the command name. */
  args: string[];
  /** Parsed flag values by long name: strings, booleans, numbers, and string arrays for repeatable flags. */
  flags: Record<string, string | boolean | number | string[]>;
  root: RootPaths;
}

/** Resolves to the exit status (0 when omitted). */
export type Command = (inv: Invocation) => Promise<number | undefined>;
