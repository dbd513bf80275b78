import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shown } from '../../src/config/shown.ts';

test('plain values are shown verbatim, values with control characters Go-quoted', () => {
  assert.equal(shown('/var/vcap/data/x y'), '/var/vcap/data/x y');
  assert.equal(shown('héllo'), 'héllo');
  assert.equal(shown('a\nb'), '"a\\nb"');
  assert.equal(shown('tab\t'), '"tab\\t"');
  assert.equal(shown('\u2028'), '"\\u2028"');
});
