// Entry point of the single executable `bpm` the BOSH release ships (scripts/release/sea.ts): the
// CLI in one script, run by the Node runtime it is injected into. In a single executable
// process.argv is [executable, executable, ...args]. koffi's addon is loaded from disk next to the
// executable (src/sys/libc.ts resolves it from __filename, which is the executable's path here).
import { main } from './cli/main.ts';

void main(process.argv.slice(2));
