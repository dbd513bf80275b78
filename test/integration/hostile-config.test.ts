// Issue #10 against the real bin/bpm and runc: a YAML bomb (item 5) costs bpm list and bpm start
// well under a second and names the job, while the other jobs are still listed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';
import { fanOutBomb, nestedMergeBomb } from '../helpers/hostile-yaml.ts';

const skip = skipReason();
const ALIASING = 'yaml: document contains excessive aliasing';

describe('hostile bpm.yml files', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('YAML bombs: list reports those jobs and lists the others; start refuses at once', async () => {
    const good = r.uniqueJob('good');
    r.addJob(good, { processes: [{ name: good, executable: '/bin/true' }] });
    const merges = r.uniqueJob('merges');
    r.addJob(merges, nestedMergeBomb());
    const fanOut = r.uniqueJob('fanout');
    r.addJob(fanOut, fanOutBomb());

    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${good} +- +stopped$`, 'm'));
    for (const job of [merges, fanOut]) {
      assert.ok(list.stderr.includes(`invalid config for ${job}: `), list.stderr);
      assert.match(list.stderr, new RegExp(`jobs/${job}/config/bpm\\.yml:\\d+:7: ${ALIASING}`));
    }
    assert.ok(list.ms < 5_000, `list took ${list.ms.toFixed(0)} ms`);

    const start = await r.bpm('start', merges);
    assert.equal(start.code, 1);
    assert.match(
      start.stderr,
      new RegExp(`^Error: failed to parse job configuration: \\S+/bpm\\.yml:43:7: ${ALIASING}\\n$`),
    );
    assert.ok(start.ms < 5_000, `start took ${start.ms.toFixed(0)} ms`);
  });
});
