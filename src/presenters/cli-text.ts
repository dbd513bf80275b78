// stdout of the command line itself: version, help texts, and the blank line after `bpm logs`.
import { VERSION } from '../version.ts';
import { writeStdout } from './stdout.ts';

/** `bpm version` / `--version`: the release version baked in at build time. */
export function printVersion(): void {
  writeStdout(`${VERSION}\n`);
}

/** A help text (`-h`, `bpm help`), already formatted. */
export function printHelp(text: string): void {
  writeStdout(text);
}

/** `bpm logs` ends with one empty line when tail ended normally or by SIGINT. */
export function printLogsEnd(): void {
  process.stdout.write('\n');
}

/** A generated shell completion script. */
export function printScript(script: string): void {
  process.stdout.write(script);
}

/** `bpm help <unknown>`: cobra writes this and the root usage to stderr, exit 0. */
export function printUnknownHelpTopic(topicText: string, rootUsage: string): void {
  process.stderr.write(`Unknown help topic ${topicText}\n${rootUsage}`);
}
