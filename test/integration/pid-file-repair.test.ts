// `bpm start` of a running process whose pid file is missing rewrites it (src/lifecycle/start.ts).
// A job that can reach its pid directory must not turn that write against a file outside R
// (issue #10 item 3): neither through the directory replaced by a link nor through a link planted
// at the temporary file's name.
import assert from 'node:assert/strict';
import {
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';
import { vcapIds } from './isolation/probe.ts';

const skip = skipReason();
const SECRET = 'root only\n';

describe('pid file repair on a hostile pid directory', { skip }, () => {
  let r: BoshRoot;
  const outside = mkdtempSync('/tmp/bpm-outside-');
  const { uid, gid } = vcapIds();
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    await r.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  /** A started job whose pid file is gone, so that the next start repairs it. */
  async function startedWithoutPidFile(prefix: string): Promise<string> {
    const job = r.uniqueJob(prefix);
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: '#!/bin/sh\nexec sleep 1000\n' },
    );
    const first = await r.bpm('start', job);
    assert.equal(first.code, 0, first.stderr);
    rmSync(r.pidFile(job));
    return job;
  }

  test('a pid directory replaced by a link to a directory outside R is not written through', async () => {
    const job = await startedWithoutPidFile('piddir');
    const target = join(outside, 'piddir');
    mkdirSync(target);
    writeFileSync(join(target, `${job}.pid`), SECRET, { mode: 0o600 });
    const pidDir = r.paths.job(job).pidDir;
    renameSync(pidDir, `${pidDir}.old`);
    symlinkSync(target, pidDir);
    lchownSync(pidDir, uid, gid);

    const res = await r.bpm('start', job);
    assert.equal(readFileSync(join(target, `${job}.pid`), 'utf8'), SECRET);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(r.bpmLog(job).some((l) => l.message.endsWith('failed-to-repair-pidfile')));
    rmSync(pidDir);
    renameSync(`${pidDir}.old`, pidDir);
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('a link planted at the temporary name is not followed (O_EXCL|O_NOFOLLOW)', async () => {
    const job = await startedWithoutPidFile('pidtmp');
    const secret = join(outside, `${job}.secret`);
    writeFileSync(secret, SECRET, { mode: 0o600 });
    // bin/bpm execs node: the temporary name carries the pid of the child spawned here.
    const { child, done } = r.spawnBpm(['start', job]);
    const tmp = `${r.pidFile(job)}.${child.pid}.tmp`;
    symlinkSync(secret, tmp);
    lchownSync(tmp, uid, gid);
    const res = await done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
    assert.ok(r.bpmLog(job).some((l) => l.message.endsWith('failed-to-repair-pidfile')));
    assert.equal((await r.bpm('stop', job)).code, 0);
  });
});
