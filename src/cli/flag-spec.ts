// What a command-line flag is: pflag's kinds, names and help texts.

export type FlagKind = 'bool' | 'string' | 'int' | 'stringArray';
export type FlagValue = string | boolean | number | string[];

export interface FlagSpec {
  /** Long name, without dashes (`process`). */
  name: string;
  /** One-letter shorthand, without the dash (`p`). */
  short?: string;
  kind: FlagKind;
  /** Help text of the flag. */
  usage: string;
  /** Default value; shown in help as `(default …)` when not the kind's zero value. */
  defaultValue?: FlagValue;
  /** Parsed but left out of the help text (pflag's MarkHidden): keeps upstream's help byte-identical. */
  hidden?: boolean;
}

/** Every command has these two (cobra's help flag, bpm's persistent `--version`). */
export function helpFlag(command: string): FlagSpec {
  return { name: 'help', short: 'h', kind: 'bool', usage: `help for ${command}` };
}

export const VERSION_FLAG: FlagSpec = { name: 'version', kind: 'bool', usage: 'print BPM version' };

export function zeroValue(kind: FlagKind): FlagValue {
  switch (kind) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'stringArray':
      return [];
  }
}

/** pflag's `-n, --lines` / `--version` naming used in error messages. */
export function flagDisplayName(flag: FlagSpec): string {
  return flag.short === undefined ? `--${flag.name}` : `-${flag.short}, --${flag.name}`;
}
