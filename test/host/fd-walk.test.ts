// One walk, two drivers: runSync and runOnPool give the same results, throw the same errors in at
// the call that failed, and run a walk's cleanup (a finally that itself makes calls) either way.
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type FdWalk, mkdir, open, readlink, runOnPool, runSync } from '../../src/host/fd-walk.ts';
import { AT_FDCWD, O_PATH } from '../../src/sys/at.ts';

const base = mkdtempSync(join(tmpdir(), 'bpm-fd-walk-'));
after(() => rmSync(base, { recursive: true, force: true }));

const drivers: [string, <T>(walk: FdWalk<T>) => T | Promise<T>][] = [
  ['runSync', runSync],
  ['runOnPool', runOnPool],
];

describe('fd walks', () => {
  for (const [name, run] of drivers) {
    it(`${name}: results come back, a failure is thrown in where the call was made, cleanup runs`, async () => {
      const top = join(base, name);
      mkdirSync(top);
      let cleaned = false;
      function* walk(): FdWalk<string> {
        const dir = yield* open(AT_FDCWD, top, O_PATH, 0, top);
        try {
          yield* mkdir(dir, 'sub', 0o750, `${top}/sub`);
          try {
            yield* mkdir(dir, 'sub', 0o750, `${top}/sub`);
            assert.fail('the second mkdir fails');
          } catch (err) {
            assert.equal((err as { code?: string }).code, 'EEXIST');
          }
          const sub = yield* open(dir, 'sub', O_PATH, 0, `${top}/sub`);
          closeSync(sub);
          yield* readlink(dir, top); // not a link: ENOENT, thrown out through the finally
          return 'unreachable';
        } finally {
          // A cleanup that makes a call of its own while the error is on its way out.
          const again = yield* open(AT_FDCWD, top, O_PATH, 0, top);
          assert.equal(readlinkSync(`/proc/self/fd/${again}`), top);
          closeSync(again);
          closeSync(dir);
          cleaned = true;
        }
      }
      await assert.rejects(async () => run(walk()), {
        message: `readlink ${top}: no such file or directory`,
      });
      assert.equal(statSync(join(top, 'sub')).mode & 0o777, 0o750);
      assert.ok(cleaned);
    });
  }
});
