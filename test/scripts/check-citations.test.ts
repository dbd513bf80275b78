// The citation check of scripts/check-citations.ts, on small made-up file sets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchorOf, citationProblems } from '../../scripts/check-citations.ts';

const PAGES: [string, string][] = [
  ['docs/behaviour/commands.md', '# Commands\n\n## 2. bpm start\n\n### 10.3 Removing a process\n'],
  ['docs/behaviour/policy.md', '# Policy\n\n## 2. Fixes\n\n1. one\n2. two\n'],
];

test('anchors are GitHub heading slugs', () => {
  assert.equal(anchorOf('1.2 The lifecycle lock'), '12-the-lifecycle-lock');
  assert.equal(anchorOf('8. bpm run -v and -e'), '8-bpm-run--v-and--e');
  assert.equal(anchorOf('1. The BOSH root (R)'), '1-the-bosh-root-r');
});

test('citations of existing pages, sections, fixes and anchors pass', () => {
  const files = new Map([
    ...PAGES,
    ['src/a.ts', '// docs/behaviour/commands.md §2 step 5, §10.3; docs/behaviour/policy.md fix #2'],
    ['docs/guide.md', 'See [start](behaviour/commands.md#2-bpm-start) and [policy](behaviour/policy.md).'],
  ]);
  assert.deepEqual(citationProblems(files), []);
});

test('spec pages outside the repository are refused, bare or by path', () => {
  const files = new Map([
    ...PAGES,
    ['src/a.ts', '// bpm start (cli.md §2 step 5)'],
    ['test/b.test.ts', "test('as policy.md says', () => {});"],
    ['docs/c.md', 'Specified in `../shared/spec/`.'],
    ['src/d.ts', '// see /work/shared/seeds/x'],
  ]);
  assert.deepEqual(citationProblems(files), [
    'src/a.ts:1: cites cli.md, not in the repository; cite docs/behaviour/…',
    'test/b.test.ts:1: cites policy.md, not in the repository; cite docs/behaviour/…',
    'docs/c.md:1: points outside the repository; cite docs/behaviour/ instead',
    'src/d.ts:1: points outside the repository; cite docs/behaviour/ instead',
  ]);
});

test('a missing page, section, fix or anchor is reported', () => {
  const files = new Map([
    ...PAGES,
    [
      'src/a.ts',
      '// docs/behaviour/commands.md §11, docs/behaviour/config.md §1\n// docs/behaviour/policy.md fix #3',
    ],
    ['docs/x.md', '[a](behaviour/commands.md#3-bpm-stop) [b](nowhere.md) [c](https://example.com/x.md)'],
  ]);
  assert.deepEqual(citationProblems(files), [
    'src/a.ts:1: docs/behaviour/commands.md has no §11',
    'src/a.ts:1: docs/behaviour/config.md does not exist',
    'src/a.ts:2: docs/behaviour/policy.md has no fix #3',
    'docs/x.md:1: docs/behaviour/commands.md has no #3-bpm-stop',
    'docs/x.md:1: link to nowhere.md, which does not exist',
  ]);
});
