// src/sys/malloc.ts: glibc accepts the arena limit the supervisor sets (mallopt returns 1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitMallocArenas } from '../../src/sys/malloc.ts';

test('limitMallocArenas: glibc takes M_ARENA_MAX', () => {
  assert.equal(limitMallocArenas(2), true);
});
