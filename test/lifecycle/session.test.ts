import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inSession } from '../../src/lifecycle/session.ts';
import { commandLogger } from '../../src/log/logger.ts';

function recorder(): { lines: string[]; log: ReturnType<typeof commandLogger> } {
  const lines: string[] = [];
  return { lines, log: commandLogger({ write: (l) => lines.push(l) }, 'start', 'web', 'web') };
}

test('a session that succeeds ends with complete', async () => {
  const { lines, log } = recorder();
  assert.equal(await inSession(log, async () => 7), 7);
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).message),
    ['bpm.start.starting', 'bpm.start.complete'],
  );
});

test('a session that fails ends with failed and the error, never complete', async () => {
  const { lines, log } = recorder();
  await assert.rejects(
    inSession(log, async () => {
      throw new Error('failed to parse job configuration: nope');
    }),
    /nope/,
  );
  const records = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    records.map((r) => [r.message, r.level]),
    [
      ['bpm.start.starting', 'info'],
      ['bpm.start.failed', 'error'],
    ],
  );
  assert.equal(records[1].data.error, 'failed to parse job configuration: nope');
});
