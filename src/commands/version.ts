// `bpm version` (docs/behaviour/commands.md §9): the pre-run (root check) has passed; extra arguments are
// refused by the CLI before this runs.
import { printVersion } from '../presenters/cli-text.ts';
import type { Command } from './types.ts';

const version: Command = async () => {
  printVersion();
  return 0;
};

export default version;
