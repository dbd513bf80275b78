// `bpm list` (docs/behaviour/commands.md §5): configured processes and their state. Notices go to stderr as
// found. `--json` (beyond upstream) prints `bpm status --json` for every job instead (docs/status.md).
import { BpmError } from '../errors.ts';
import { listProcesses } from '../lifecycle/list.ts';
import { extraProcessNotice, invalidConfigNotice, listFailedNotice } from '../presenters/list-notices.ts';
import { renderListTable } from '../presenters/list-table.ts';
import { writeStdout } from '../presenters/stdout.ts';
import { RuncError } from '../runc/errors.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const list: Command = async (inv) => {
  if (inv.flags['json'] === true) {
    const { printStatus } = await import('./status.ts');
    await printStatus(inv, {}, 'list', true);
    return 0;
  }
  let rows: Awaited<ReturnType<typeof listProcesses>>;
  try {
    rows = await listProcesses(
      inv.root,
      {
        onInvalidConfig: (job, error) => process.stderr.write(invalidConfigNotice(job, error)),
        onExtra: (decoded) => process.stderr.write(extraProcessNotice(decoded)),
      },
      commandOperation(inv.root),
    );
  } catch (err) {
    if (!(err instanceof RuncError)) throw err;
    // Upstream prints the runc failure twice: once here, once as `Error: <err>`.
    process.stderr.write(listFailedNotice(err.message));
    throw new BpmError(err.message, { cause: err });
  }
  writeStdout(renderListTable(rows));
  return 0;
};

export default list;
