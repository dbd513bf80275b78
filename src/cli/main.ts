// bpm's command line: select the command, parse its flags, answer -h/--version, run the global
// pre-run, validate JOB/PROC, then load the command module lazily and run it. Every failure ends
// in reportError, the only place that prints errors and sets the exit status.
import { boshRoot, RootPaths } from '../bosh/paths.ts';
import type { Invocation } from '../commands/types.ts';
import { BpmError, SilentUsageError, UsageError } from '../errors.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { printHelp, printVersion } from '../presenters/cli-text.ts';
import { COMMAND_LOADERS } from './command-loaders.ts';
import { COMPLETION_SHELLS, type CommandSpec, findCommand, visibleCommands } from './command-table.ts';
import { helpFlag, VERSION_FLAG } from './flag-spec.ts';
import {
  commandSubject,
  completionShellSubject,
  type HelpSubject,
  helpText,
  rootSubject,
  usageText,
} from './help-text.ts';
import { validateJobArgs } from './job-args.ts';
import { commandWordIndex, FlagError, type ParsedArgs, parseFlags } from './parse-flags.ts';
import { reportError } from './report-error.ts';
import { unknownCommandMessage } from './suggest.ts';

const ROOT_BOOL_FLAGS = [helpFlag('bpm'), VERSION_FLAG];

/** Names offered as "Did you mean this?" (cobra leaves out `help`). */
function suggestionNames(): string[] {
  return visibleCommands()
    .map((c) => c.name)
    .filter((n) => n !== 'help');
}

function without(args: readonly string[], index: number): string[] {
  return [...args.slice(0, index), ...args.slice(index + 1)];
}

interface Selection {
  spec: CommandSpec | undefined;
  subject: HelpSubject;
  /** Arguments after the command word(s). */
  rest: string[];
  /** `completion` without a known shell only prints its help (cobra: not runnable). */
  runnable: boolean;
}

function select(argv: readonly string[]): Selection {
  const idx = commandWordIndex(argv, ROOT_BOOL_FLAGS);
  if (idx < 0) return { spec: undefined, subject: rootSubject(), rest: [...argv], runnable: true };
  const word = argv[idx]!;
  const spec = findCommand(word);
  if (spec === undefined) throw new BpmError(unknownCommandMessage(word, suggestionNames()));
  const rest = without(argv, idx);
  if (spec.name !== 'completion') return { spec, subject: commandSubject(spec), rest, runnable: true };
  const shellIdx = commandWordIndex(rest, ROOT_BOOL_FLAGS);
  const shell = shellIdx < 0 ? undefined : rest[shellIdx]!;
  if (shell === undefined || !COMPLETION_SHELLS.includes(shell)) {
    return { spec, subject: commandSubject(spec), rest, runnable: false };
  }
  return { spec, subject: completionShellSubject(shell), rest: without(rest, shellIdx), runnable: true };
}

function parse(sel: Selection): ParsedArgs {
  try {
    return parseFlags(sel.rest, [...sel.subject.localFlags, ...sel.subject.inheritedFlags]);
  } catch (err) {
    if (err instanceof FlagError) throw new UsageError(err.message);
    throw err;
  }
}

async function dispatch(argv: readonly string[], setUsage: (usage: string) => void): Promise<number> {
  const sel = select(argv);
  setUsage(usageText(sel.subject));
  const parsed = parse(sel);
  if (parsed.flags['help'] === true || !sel.runnable) {
    printHelp(helpText(sel.subject));
    return 0;
  }
  // Pre-run step 1, kept here so that `--version` loads nothing else.
  if (parsed.flags['version'] === true) {
    printVersion();
    return 0;
  }
  traceTiming('pre-run');
  const root = new RootPaths(boshRoot());
  if (sel.spec?.readOnly !== true) {
    const { globalPreRun } = await import('./pre-run.ts');
    await globalPreRun(root);
  }
  traceTiming('pre-run-done');

  const spec = sel.spec;
  // Upstream's cobra says `Error: Exit code 1` here; the usage block and the exit status stay.
  if (spec === undefined) throw new UsageError('no command given');
  if (spec.name === 'version' && parsed.positional.length > 0) throw new SilentUsageError();
  const { job, process: proc } = spec.needsJob ? validateJobArgs(parsed) : { job: '', process: '' };

  const { positional, flags } = parsed;
  const args = spec.name === 'completion' ? [sel.subject.path.split(' ')[2]!, ...positional] : positional;
  const inv: Invocation = { job, process: proc, args, flags, root };
  const command = (await COMMAND_LOADERS[spec.name]()).default;
  traceTiming('command-loaded');
  return (await command(inv)) ?? 0;
}

export async function main(argv: string[]): Promise<void> {
  traceTiming('cli');
  let usage: string | undefined;
  try {
    process.exitCode = await dispatch(argv, (u) => {
      usage = u;
    });
  } catch (err) {
    process.exitCode = reportError(err, usage);
  }
}
