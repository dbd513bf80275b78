// `bpm help [command]` (cobra's help command): the command's help on stdout; an unknown topic
// gets `Unknown help topic [`…`]` and the root usage on stderr, exit 0 (as cobra does).

import type { Command } from '../commands/types.ts';
import { goQuote } from '../go/strconv.ts';
import { printHelp, printUnknownHelpTopic } from '../presenters/cli-text.ts';
import { COMPLETION_SHELLS, findCommand } from './command-table.ts';
import { commandSubject, completionShellSubject, helpText, rootSubject, usageText } from './help-text.ts';

/** Go's %#q of a []string: backquoted where possible. */
function topicList(words: readonly string[]): string {
  const q = (w: string): string =>
    /^[^`\x00-\x1f\x7f]*$/.test(w) && !w.includes('\ufffd') ? `\`${w}\`` : goQuote(w);
  return `[${words.map(q).join(' ')}]`;
}

const help: Command = async (inv) => {
  const [topic, sub] = inv.args;
  if (topic === undefined) {
    printHelp(helpText(rootSubject()));
    return 0;
  }
  const spec = findCommand(topic);
  if (spec === undefined) {
    printUnknownHelpTopic(topicList(inv.args), usageText(rootSubject()));
    return 0;
  }
  if (spec.name === 'completion' && sub !== undefined && COMPLETION_SHELLS.includes(sub)) {
    printHelp(helpText(completionShellSubject(sub)));
    return 0;
  }
  printHelp(helpText(commandSubject(spec)));
  return 0;
};

export default help;
