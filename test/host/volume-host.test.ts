// The host as reserved-volume validation sees it: R/jobs says which jobs exist, and symlinks are
// followed, when a bpm.yml is loaded from disk (issue #10 item 2).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadJobConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { fsVolumeHost } from '../../src/host/volume-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-reserved-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('loading from disk asks the host: R/jobs says which jobs exist, symlinks are followed', () => {
  for (const d of ['jobs/web/config', 'jobs/other', 'data/web', 'data/bpm/locks', 'data/other'])
    mkdirSync(join(dir, d), { recursive: true });
  symlinkSync(join(dir, 'data', 'bpm'), join(dir, 'data', 'web', 'state'));
  const file = join(dir, 'jobs', 'web', 'config', 'bpm.yml');
  const load = (path: string) => {
    writeFileSync(
      file,
      `processes:\n- name: p\n  executable: /bin/e\n  additional_volumes:\n  - path: ${path}\n`,
    );
    try {
      loadJobConfig(file, { root: dir, job: 'web', host: fsVolumeHost(dir) });
      return undefined;
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.detail;
    }
  };
  assert.equal(
    load(`${dir}/data/other/x`),
    `invalid volume path: ${dir}/data/other/x lies in ${dir}/data/other, a directory of job other`,
  );
  assert.equal(load(`${dir}/data/nojob/x`), undefined);
  assert.equal(
    load(`${dir}/data/web/state/locks`),
    `invalid volume path: ${dir}/data/web/state/locks (resolves to ${dir}/data/bpm/locks) lies in ${dir}/data/bpm (bpm's own state)`,
  );
});
