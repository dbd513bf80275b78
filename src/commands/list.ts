// Temporary stub so the CLI's lazy loader resolves; the lifecycle engineer replaces this file.
import { BpmError } from '../errors.ts';
import type { Command } from './types.ts';

const list: Command = async () => {
  throw new BpmError('bpm list is not implemented yet');
};

export default list;
