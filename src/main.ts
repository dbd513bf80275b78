// Entry point of the bundle (dist/main.js). Keep it tiny: commands are loaded lazily by the CLI.
import { main } from './cli/main.ts';

await main(process.argv.slice(2));
