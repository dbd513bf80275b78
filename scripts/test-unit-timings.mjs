// A node:test reporter for scripts/test-unit.mjs: how long the tests of each file took (the sum of
// its top-level tests and suites, in ms), as one JSON object keyed by the file's absolute path.
// test-unit balances its shards by these figures on the next run.
export default async function* timings(source) {
  const perFile = {};
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || file === undefined) continue;
    perFile[file] = (perFile[file] ?? 0) + (details?.duration_ms ?? 0);
  }
  yield `${JSON.stringify(perFile)}\n`;
}
