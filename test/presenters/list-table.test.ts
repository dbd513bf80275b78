import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderListTable, tabulate } from '../../src/presenters/list-table.ts';

test('the spec example', () => {
  const out = renderListTable([
    { name: 'errand', pid: 0, status: 'failed' },
    { name: 'myjob', pid: 29452, status: 'running' },
    { name: 'myjob.worker', pid: 0, status: 'stopped' },
  ]);
  assert.equal(
    out,
    'Name         Pid   Status\nerrand       -     failed\nmyjob        29452 running\nmyjob.worker -     stopped\n',
  );
});

test('no jobs', () => {
  assert.equal(renderListTable([]), 'Name Pid Status\n');
});

test('widths count code points, not bytes or UTF-16 units', () => {
  assert.equal(
    renderListTable([{ name: 'é😀', pid: 7, status: 'running' }]),
    'Name Pid Status\né😀   7   running\n',
  );
});

test('the last cell is never padded', () => {
  assert.equal(
    tabulate([
      ['a', 'bbbb'],
      ['ccc', 'd'],
    ]),
    'a   bbbb\nccc d\n',
  );
});
