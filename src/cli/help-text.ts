// Help and usage texts in cobra's templates (docs/behaviour/commands.md §9): byte-exact for upstream's
// commands.
import { COMPLETION_SHELLS, type CommandSpec, visibleCommands } from './command-table.ts';
import { type FlagSpec, helpFlag, VERSION_FLAG } from './flag-spec.ts';

/** Anything cobra renders help for: the root, a command, or a `completion` subcommand. */
export interface HelpSubject {
  /** `bpm`, `bpm start`, `bpm completion bash`. */
  path: string;
  short: string;
  long?: string;
  /** Usage line without ` [flags]`, or undefined for a command that only groups subcommands. */
  useLine?: string;
  subcommands: { name: string; short: string }[];
  localFlags: FlagSpec[];
  inheritedFlags: FlagSpec[];
}

function byName(a: FlagSpec, b: FlagSpec): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function defaultText(flag: FlagSpec): string {
  const d = flag.defaultValue;
  if (d === undefined || d === false || d === 0 || d === '' || (Array.isArray(d) && d.length === 0))
    return '';
  return typeof d === 'string' ? ` (default ${JSON.stringify(d)})` : ` (default ${String(d)})`;
}

/** pflag's FlagUsages: names column padded so that every usage starts in the same column. */
function flagUsages(flags: readonly FlagSpec[]): string {
  const rows = [...flags]
    .filter((f) => f.hidden !== true)
    .sort(byName)
    .map((f) => {
      let left = f.short === undefined ? `      --${f.name}` : `  -${f.short}, --${f.name}`;
      if (f.kind !== 'bool') left += ` ${f.kind}`;
      return { left, right: f.usage + defaultText(f) };
    });
  const width = Math.max(...rows.map((r) => r.left.length));
  return rows.map((r) => `${r.left.padEnd(width)}   ${r.right}\n`).join('');
}

function trimTrailing(s: string): string {
  return s.replace(/\s+$/, '');
}

/** cobra's usage template: the block printed before flag errors and `must specify a job`. */
export function usageText(s: HelpSubject): string {
  let out = 'Usage:';
  if (s.useLine !== undefined) {
    out += `\n  ${s.useLine}${s.useLine.includes('[flags]') || s.localFlags.length + s.inheritedFlags.length === 0 ? '' : ' [flags]'}`;
  }
  if (s.subcommands.length > 0) {
    out += `\n  ${s.path} [command]`;
    const pad = Math.max(11, ...s.subcommands.map((c) => c.name.length));
    out += '\n\nAvailable Commands:';
    for (const c of s.subcommands) out += `\n  ${c.name.padEnd(pad)} ${c.short}`;
  }
  if (s.localFlags.length > 0) out += `\n\nFlags:\n${trimTrailing(flagUsages(s.localFlags))}`;
  if (s.inheritedFlags.length > 0) out += `\n\nGlobal Flags:\n${trimTrailing(flagUsages(s.inheritedFlags))}`;
  if (s.subcommands.length > 0) {
    out += `\n\nUse "${s.path} [command] --help" for more information about a command.`;
  }
  return `${out}\n`;
}

/** cobra's help template: description, blank line, usage block. */
export function helpText(s: HelpSubject): string {
  const about = trimTrailing(s.long ?? s.short);
  return about === '' ? usageText(s) : `${about}\n\n${usageText(s)}`;
}

export function rootSubject(): HelpSubject {
  return {
    path: 'bpm',
    short: '',
    long: 'A bosh process manager for starting and stopping release jobs',
    useLine: 'bpm [flags]',
    subcommands: visibleCommands().map((c) => ({ name: c.name, short: c.short })),
    localFlags: [helpFlag('bpm'), VERSION_FLAG],
    inheritedFlags: [],
  };
}

export function commandSubject(cmd: CommandSpec): HelpSubject {
  const grouping = cmd.name === 'completion';
  const long = cmd.long;
  return {
    path: `bpm ${cmd.name}`,
    short: cmd.short,
    ...(long === undefined ? {} : { long }),
    ...(grouping ? {} : { useLine: `bpm ${cmd.use}` }),
    subcommands: grouping
      ? COMPLETION_SHELLS.map((sh) => ({ name: sh, short: `Generate the autocompletion script for ${sh}` }))
      : [],
    localFlags: [...cmd.flags, helpFlag(cmd.name)],
    inheritedFlags: [VERSION_FLAG],
  };
}

/** Flags of `bpm completion <shell>`. */
const NO_DESCRIPTIONS_FLAG: FlagSpec = {
  name: 'no-descriptions',
  kind: 'bool',
  usage: 'disable completion descriptions',
};

const SHELL_SETUP: Record<string, string> = {
  bash: 'source <(bpm completion bash)\n\nTo load completions for every new session, execute once:\n\n\tbpm completion bash > /etc/bash_completion.d/bpm',
  zsh: 'source <(bpm completion zsh)\n\nTo load completions for every new session, execute once:\n\n\tbpm completion zsh > "$fpath[1]/_bpm"',
  fish: 'bpm completion fish | source\n\nTo load completions for every new session, execute once:\n\n\tbpm completion fish > ~/.config/fish/completions/bpm.fish',
  powershell:
    'bpm completion powershell | Out-String | Invoke-Expression\n\nTo load completions for every new session, add the output of the above command\nto your powershell profile.',
};

export function completionShellSubject(shell: string): HelpSubject {
  return {
    path: `bpm completion ${shell}`,
    short: `Generate the autocompletion script for ${shell}`,
    long:
      `Generate the autocompletion script for the ${shell} shell.\n\n` +
      `To load completions in your current shell session:\n\n\t${SHELL_SETUP[shell] ?? ''}\n\n` +
      'You will need to start a new shell for this setup to take effect.\n',
    useLine: `bpm completion ${shell}`,
    subcommands: [],
    localFlags: [helpFlag(shell), NO_DESCRIPTIONS_FLAG],
    inheritedFlags: [VERSION_FLAG],
  };
}
