import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { locateField, parentField } from '../../src/analysis/finding.ts';
import { knownKeysAt } from '../../src/analysis/known-keys.ts';
import { closest, editDistance } from '../../src/analysis/suggest.ts';

describe('did you mean', () => {
  it('measures edit distance', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
  it('suggests close keys only', () => {
    const process = knownKeysAt('processes[3]') ?? [];
    assert.equal(closest('executible', process), 'executable');
    assert.equal(closest('persistent-disk', process), 'persistent_disk');
    assert.equal(closest('colour', process), undefined);
    assert.equal(closest('mem', knownKeysAt('processes[0].limits') ?? []), undefined);
    assert.equal(knownKeysAt('processes[0].env'), undefined);
    assert.deepEqual(
      knownKeysAt('processes[1].unsafe.unrestricted_volumes[2]'),
      knownKeysAt('processes[0].additional_volumes[0]'),
    );
  });
});

describe('field locations', () => {
  it('walks up to the nearest located parent', () => {
    assert.equal(parentField('processes[0].limits.memory'), 'processes[0].limits');
    assert.equal(parentField('processes[0]'), 'processes');
    assert.equal(parentField('processes'), '');
    assert.equal(parentField(''), undefined);
    const loc = locateField(
      '/f',
      (f) => (f === 'processes[0]' ? { file: '/f', line: 2, column: 3, field: f } : undefined),
      'processes[0].workdir',
    );
    assert.deepEqual(loc, { file: '/f', line: 2, column: 3, field: 'processes[0].workdir' });
    assert.deepEqual(
      locateField('/f', () => undefined, 'x'),
      { file: '/f', line: 1, column: 1, field: 'x' },
    );
  });
});
