// Volumes when the host's mounts are shared, as systemd makes every mount (a Noble stemcell's
// /var/vcap/data among them). bpm's staged mount sources (src/host/staging.ts) are clones, and a
// clone starts in its source's peer group: unless made private, the container's mount of the job's
// tmp or data dir would be a peer of the host's, a volume runc mounts below it would propagate to
// the host, and unmounting the staging points would take that volume out of the container again.
// The BOSH root is made a shared mount here, so this runs the same on a host whose / is private.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason } from '../../helpers/bosh-root.ts';
import { addProbeJob, mountMarkers, unmountLazily } from './probe.ts';

const skip = skipReason();

/** Mount points of /proc/PID/mountinfo: id → [parent id, mount point, optional fields]. */
function mountTable(pid: string): Map<string, [string, string, string[]]> {
  const table = new Map<string, [string, string, string[]]>();
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length < 7) continue;
    table.set(f[0] as string, [f[1] as string, f[4] as string, f.slice(6, f.indexOf('-'))]);
  }
  return table;
}

function hostMountsAt(path: string): number {
  return [...mountTable('self').values()].filter(([, point]) => point === path).length;
}

describe('isolation: volumes on a shared host mount (as under systemd)', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
    for (const args of [
      ['--bind', r.root, r.root],
      ['--make-shared', r.root],
    ])
      assert.equal(spawnSync('mount', args).status, 0, `mount ${args.join(' ')}`);
  });
  after(() => r.cleanup()); // unmounts everything under R, R itself included

  test('a host mount made after start shows up under a shared volume; volumes stay mounted, private and off the host', async () => {
    const shared = join(r.root, 'data', `shared-${process.pid}`);
    const plain = join(r.root, 'data', `plain-${process.pid}`);
    for (const d of [shared, plain]) mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(plain, 'file'), 'plain\n');
    chmodSync(join(plain, 'file'), 0o644);
    const tries = Math.round(scaledMs(15_000) / 100);
    const job = addProbeJob(
      r,
      'propagation',
      { additional_volumes: [{ path: shared, shared: true }, { path: plain }] },
      [
        'i=0',
        `while [ $i -lt ${tries} ] && ! [ -e ${shared}/sub/marker ]; do sleep 0.1; i=$((i+1)); done`,
        `echo shared=$(cat ${shared}/sub/marker 2>/dev/null || echo missing)`,
        `echo plain=$(cat ${plain}/file 2>/dev/null || echo missing)`,
        `echo plain_sub=$(cat ${plain}/sub/marker 2>/dev/null || echo missing)`,
        'exec sleep 1000',
      ].join('\n'),
    );
    const start = await r.bpm('start', job);
    assert.equal(start.code, 0, start.stderr);

    // In the container, both volumes lie below the mount of the job's tmp dir (the BOSH root is
    // under /tmp or /var/tmp, which the container gets from it): that is the case at stake.
    const inside = mountTable(readFileSync(r.pidFile(job), 'utf8').trim());
    const byPoint = new Map([...inside].map(([id, [parent, point, opts]]) => [point, { id, parent, opts }]));
    for (const volume of [shared, plain]) {
      const m = byPoint.get(volume);
      assert.ok(m !== undefined, `${volume} is mounted in the container`);
      const parent = inside.get(m.parent);
      assert.ok(parent?.[1] === '/tmp' || parent?.[1] === '/var/tmp', `${volume} lies below ${parent?.[1]}`);
      assert.deepEqual(parent[2], [], 'the tmp dir is a private mount in the container');
    }
    assert.equal(byPoint.get(plain)?.opts.length, 0, 'a plain volume is private');
    // Nothing the container mounted showed up on the host.
    assert.equal(hostMountsAt(plain), 0);
    const tmpDirView = join(r.paths.job(job).tmpDir, basename(r.root), 'data');
    assert.equal(hostMountsAt(join(tmpDirView, `plain-${process.pid}`)), 0);

    const tmpfs: string[] = [];
    try {
      mountMarkers([plain, shared], tmpfs);
      const log = (): string => r.readLog(job, `${job}.stdout.log`);
      assert.ok(await eventually(() => log().includes('plain_sub='), 20_000), log());
      assert.equal(log(), 'shared=host mount\nplain=plain\nplain_sub=missing\n');
      const stop = await r.bpm('stop', job);
      assert.equal(stop.code, 0, stop.stderr);
    } finally {
      unmountLazily(tmpfs);
    }
    const left = [...mountTable('self').values()].filter(([, p]) =>
      p.startsWith(join(r.root, 'data', 'bpm')),
    );
    assert.deepEqual(left, [], 'no staging mount is left');
  });
});
