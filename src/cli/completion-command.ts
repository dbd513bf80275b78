// `bpm completion bash|zsh|fish|powershell`: prints a completion script (content is ours).

import type { Command } from '../commands/types.ts';
import { UsageError } from '../errors.ts';
import { printScript } from '../presenters/cli-text.ts';
import { completionScript } from './completion-scripts.ts';

const completion: Command = async (inv) => {
  const shell = inv.args[0] ?? '';
  const script = completionScript(shell);
  // The CLI only runs this with a known shell; anything else prints the completion help.
  if (script === undefined) throw new UsageError(`unknown shell ${JSON.stringify(shell)}`);
  printScript(script);
  return 0;
};

export default completion;
