import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dedupAndSort } from '../../src/oci/mount-order.ts';
import type { OciMount } from '../../src/oci/types.ts';

const m = (destination: string, source = destination): OciMount => ({ destination, type: 'bind', source });

test('identical destination strings only: first wins, later ones reported in order', () => {
  const { mounts, duplicates } = dedupAndSort([
    m('/a', 'first'),
    m('/a/'),
    m('/a', 'second'),
    m('/b'),
    m('/a'),
  ]);
  assert.deepEqual(mounts, [m('/a', 'first'), m('/b'), m('/a/')]);
  assert.deepEqual(duplicates, ['/a', '/a']);
});

test('property: unique destinations, depth non-decreasing, stable among equal depths, nothing lost', () => {
  const dest = fc
    .array(fc.constantFrom('a', 'b', 'var', 'vcap', ''), { minLength: 1, maxLength: 5 })
    .map((parts) => `/${parts.join('/')}`);
  fc.assert(
    fc.property(fc.array(dest, { maxLength: 30 }), (dests) => {
      const input = dests.map((d, i) => m(d, `src${i}`));
      const { mounts, duplicates } = dedupAndSort(input);
      const depth = (x: OciMount) => x.destination.split('/').length;
      assert.equal(new Set(mounts.map((x) => x.destination)).size, mounts.length);
      assert.equal(mounts.length + duplicates.length, input.length);
      for (let i = 1; i < mounts.length; i++) {
        const a = mounts[i - 1]!;
        const b = mounts[i]!;
        assert.ok(depth(a) <= depth(b));
        if (depth(a) === depth(b)) assert.ok(input.indexOf(a) < input.indexOf(b));
      }
      for (const x of mounts)
        assert.equal(
          input.find((y) => y.destination === x.destination),
          x,
        );
    }),
  );
});
