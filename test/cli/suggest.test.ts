import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggestionsFor, unknownCommandMessage } from '../../src/cli/suggest.ts';

const names = ['completion', 'list', 'logs', 'pid', 'run', 'shell', 'start', 'stop', 'trace', 'version'];

test('edit distance', () => {
  assert.equal(editDistance('lis', 'list'), 1);
  assert.equal(editDistance('lis', 'logs'), 2);
  assert.equal(editDistance('lis', 'pid'), 2);
  assert.equal(editDistance('LIST', 'list'), 0);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggestions by distance and by prefix', () => {
  assert.deepEqual(suggestionsFor('lis', names), ['list', 'logs', 'pid']);
  assert.deepEqual(suggestionsFor('comp', names), ['completion']);
  assert.deepEqual(suggestionsFor('strat', names), ['start']);
  assert.deepEqual(suggestionsFor('zzzzzz', names), []);
});

test('message format', () => {
  assert.equal(
    unknownCommandMessage('lis', names),
    'unknown command "lis" for "bpm"\n\nDid you mean this?\n\tlist\n\tlogs\n\tpid\n',
  );
  assert.equal(unknownCommandMessage('zzzzzz', names), 'unknown command "zzzzzz" for "bpm"');
});
