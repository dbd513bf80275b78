// Temporary stub so the CLI's lazy loader resolves; the lifecycle engineer replaces this file.
import { BpmError } from '../errors.ts';
import type { Command } from './types.ts';

const stop: Command = async () => {
  throw new BpmError('bpm stop is not implemented yet');
};

export default stop;
