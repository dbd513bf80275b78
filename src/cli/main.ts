// Placeholder until the CLI lands: version only.
import { VERSION } from '../version.ts';

export async function main(argv: string[]): Promise<void> {
  if (argv.includes('--version') || argv[0] === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  process.stderr.write('Error: not implemented yet\n');
  process.exitCode = 1;
}
