// Temporary stub so the CLI's lazy loader resolves; the lifecycle engineer replaces this file.
import { BpmError } from '../errors.ts';
import type { Command } from './types.ts';

const start: Command = async () => {
  throw new BpmError('bpm start is not implemented yet');
};

export default start;
