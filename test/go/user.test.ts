import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lookupUser } from '../../src/go/user.ts';
import { ensureVcap } from '../host/vcap-user.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-user-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const passwd = join(dir, 'passwd');
writeFileSync(
  passwd,
  [
    'root:x:0:0:root:/root:/bin/bash',
    '# a comment',
    'vcapx:x:1:1::/:/bin/sh',
    'vcap:x:1000:1001:BOSH System User:/var/vcap:/bin/bash',
    '',
  ].join('\n'),
);

describe('lookupUser', () => {
  it('returns uid and primary gid from passwd', () => {
    assert.deepEqual(lookupUser('vcap', passwd), { uid: 1000, gid: 1001 });
    assert.deepEqual(lookupUser('root', passwd), { uid: 0, gid: 0 });
  });

  it('names an unknown user like Go', () => {
    assert.throws(() => lookupUser('nobody-here', passwd), { message: 'user: unknown user nobody-here' });
    assert.throws(() => lookupUser('vca', passwd), { message: 'user: unknown user vca' });
  });

  it('finds the real vcap user', () => {
    const vcap = ensureVcap();
    assert.ok(vcap.uid > 0);
  });
});
