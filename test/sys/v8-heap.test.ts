// src/sys/v8-heap.ts: the supervisor's heap settings take, and a release collects what is garbage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapStatistics } from 'node:v8';
import { heapForMemory, releaseHeapGarbage } from '../../src/sys/v8-heap.ts';

test('releaseHeapGarbage: the garbage of a burst is collected at once, every time it is called', () => {
  heapForMemory();
  for (let round = 0; round < 2; round++) {
    let burst: Array<{ i: number; s: string }> | undefined = Array.from({ length: 200_000 }, (_, i) => ({
      i,
      s: `entry ${i}`,
    }));
    const used = getHeapStatistics().used_heap_size;
    assert.equal(burst.length, 200_000);
    burst = undefined;
    releaseHeapGarbage();
    const after = getHeapStatistics().used_heap_size;
    assert.ok(after < used - 8 * 1024 * 1024, `round ${round}: ${used} -> ${after} bytes used`);
  }
});
