// Disks and volumes inside real runc containers: ephemeral/persistent disks, additional volumes
// (ro, writable, noexec, allow_executions, mount_only), unrestricted globs and shared volumes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../../helpers/bosh-root.ts';
import { addProbeJob, mountMarkers, runProbe, unmountLazily, vcapIds } from './probe.ts';

const skip = skipReason();
const HELLO = '#!/bin/sh\necho ran\n';

/** `NAME_write=ok|fail` for a write attempt into DIR, `NAME_exec=<output>|fail` for running DIR/hello.sh. */
function writeAndExec(name: string, dir: string): string {
  return [
    `if echo hi > ${dir}/written 2>/dev/null; then echo ${name}_write=ok; else echo ${name}_write=fail; fi`,
    `[ -e ${dir}/hello.sh ] || { cp /var/vcap/jobs/$(basename $HOME)/bin/hello ${dir}/hello.sh 2>/dev/null; }`,
    `out=$(${dir}/hello.sh 2>&1) && echo ${name}_exec=$out || echo ${name}_exec=fail`,
  ].join('\n');
}

describe('isolation: disks and volumes', { skip }, () => {
  let r: BoshRoot;
  const { uid } = vcapIds();
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('ephemeral and persistent disks are mounted rw, owned by vcap, and land on the host', async () => {
    const p = await runProbe(
      r,
      'disks',
      { ephemeral_disk: true, persistent_disk: true },
      [
        'J=$(basename $HOME)',
        'echo data_stat=$(stat -c %U:%G:%a /var/vcap/data/$J)',
        'echo store_stat=$(stat -c %U:%G:%a /var/vcap/store/$J)',
        'echo data > /var/vcap/data/$J/file && echo data_write=ok',
        'echo store > /var/vcap/store/$J/file && echo store_write=ok',
        `echo data_opts=$(awk -v m=/var/vcap/data/$J '$5 == m {print $6}' /proc/self/mountinfo)`,
        `echo store_opts=$(awk -v m=/var/vcap/store/$J '$5 == m {print $6}' /proc/self/mountinfo)`,
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.data_stat, 'vcap:vcap:700');
    assert.equal(p.out.store_stat, 'vcap:vcap:700');
    assert.equal(p.out.data_write, 'ok');
    assert.equal(p.out.store_write, 'ok');
    assert.match(p.out.data_opts ?? '', /^rw,.*noexec/);
    assert.match(p.out.store_opts ?? '', /^rw,.*noexec/);
    const jp = r.paths.job(p.job);
    assert.equal(readFileSync(join(jp.dataDir, 'file'), 'utf8'), 'data\n');
    assert.equal(readFileSync(join(jp.storeDir, 'file'), 'utf8'), 'store\n');
    assert.equal(statSync(join(jp.storeDir, 'file')).uid, uid);
  });

  test('without disks, /var/vcap/data/JOB is not writable and /var/vcap/store/JOB is absent', async () => {
    const p = await runProbe(
      r,
      'nodisks',
      {},
      [
        'J=$(basename $HOME)',
        'if echo x > /var/vcap/data/$J/file 2>/dev/null; then echo data_write=ok; else echo data_write=fail; fi',
        '[ -e /var/vcap/store/$J ] && echo store=present || echo store=absent',
      ].join('\n'),
    );
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.data_write, 'fail');
    assert.equal(p.out.store, 'absent');
  });

  test('persistent_disk without R/store fails: requested persistent disk does not exist', async () => {
    const bare = BoshRoot.create();
    try {
      rmSync(bare.paths.storeRoot, { recursive: true });
      const job = addProbeJob(bare, 'nostore', { persistent_disk: true }, 'exec sleep 1000');
      const res = await bare.bpm('start', job);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        'Error: failed to start job-process: failed to create system files: requested persistent disk does not exist\n',
      );
      assert.equal(bare.containerState(job), undefined);
      assert.equal(existsSync(bare.paths.storeRoot), false);
    } finally {
      await bare.cleanup();
    }
  });

  test('additional volumes: read-only, writable, noexec, allow_executions, created, mount_only', async () => {
    const vol = (name: string): string => join(r.root, 'data', `vol-${process.pid}-${name}`);
    for (const name of ['ro', 'x']) {
      mkdirSync(vol(name), { recursive: true });
      writeFileSync(join(vol(name), 'hello.sh'), HELLO, { mode: 0o755 });
    }
    mkdirSync(vol('rw'));
    mkdirSync(vol('rwx'));
    mkdirSync(vol('mo'), { mode: 0o755 });
    writeFileSync(join(vol('mo'), 'seen'), 'mount only\n');
    const created = join(vol('new'), 'deep');
    const job = addProbeJob(
      r,
      'vols',
      {
        additional_volumes: [
          { path: vol('ro') },
          { path: vol('rw'), writable: true },
          { path: vol('x'), allow_executions: true },
          { path: vol('rwx'), writable: true, allow_executions: true },
          { path: created, writable: true },
          { path: vol('mo'), mount_only: true },
        ],
      },
      [
        writeAndExec('ro', vol('ro')),
        writeAndExec('rw', vol('rw')),
        writeAndExec('x', vol('x')),
        writeAndExec('rwx', vol('rwx')),
        `echo new_stat=$(stat -c %U:%a ${created})`,
        `echo mo_seen=$(cat ${vol('mo')}/seen)`,
        `echo mo_stat=$(stat -c %U:%a ${vol('mo')})`,
      ].join('\n'),
    );
    r.writeScript(job, 'hello', HELLO);
    const res = await r.bpm('run', job);
    assert.equal(res.code, 0, res.stderr);
    const out = Object.fromEntries(
      res.stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.deepEqual(
      {
        ro: [out.ro_write, out.ro_exec],
        rw: [out.rw_write, out.rw_exec],
        x: [out.x_write, out.x_exec],
        rwx: [out.rwx_write, out.rwx_exec],
      },
      { ro: ['fail', 'fail'], rw: ['ok', 'fail'], x: ['fail', 'ran'], rwx: ['ok', 'ran'] },
    );
    assert.equal(readFileSync(join(vol('rw'), 'written'), 'utf8'), 'hi\n');
    // bpm created the missing volume (vcap, 0700) and chmodded/chowned the existing ones ...
    assert.equal(out.new_stat, 'vcap:700');
    assert.equal(statSync(vol('ro')).uid, uid);
    assert.equal(statSync(vol('ro')).mode & 0o777, 0o700);
    // ... but left the mount_only volume as it was, and still mounted it.
    assert.equal(out.mo_seen, 'mount only');
    assert.equal(out.mo_stat, 'root:755');
  });

  test('mount_only: a missing path is not created and the container does not start', async () => {
    const missing = join(r.root, 'data', `missing-${process.pid}`);
    const p = await runProbe(
      r,
      'mo',
      { additional_volumes: [{ path: missing, mount_only: true }] },
      'echo ran=1',
    );
    assert.equal(p.res.code, 1);
    assert.equal(p.out.ran, undefined);
    assert.match(p.res.stderr, /error mounting .* no such file or directory/);
    // runc's own reason is appended (issue #13), naming the destination (the source is bpm's
    // staging point for the volume). runc 1.1.15 (the Noble VM's) says where it failed before the
    // stat: `…: create mount destination for DEST mount: bind mount source stat: stat SRC: …`.
    const m =
      /Error: failed to run job-process: exit status 1: runc: error mounting "([^"]+)" to rootfs at "([^"]+)": (?:[^"\n]*: )?stat ([^:]+): no such file or directory \(exit status 1\)\n$/.exec(
        p.res.stderr,
      );
    assert.ok(m !== null && m[2] === missing && m[3] === m[1], p.res.stderr);
    assert.equal(existsSync(missing), false);
  });

  test('unrestricted volume globs: every match is mounted, matches under BOSH mounts are dropped', async () => {
    // Outside /tmp (R lives there, and /tmp is a BOSH mount destination) and outside /var/vcap.
    const g = mkdtempSync('/run/bpm-it-glob-');
    try {
      for (const m of ['m1', 'm2', 'other']) {
        mkdirSync(join(g, m));
        writeFileSync(join(g, m, 'file'), `${m}\n`);
      }
      const dropped = join(r.root, 'data', `dropped-${process.pid}`);
      mkdirSync(dropped);
      writeFileSync(join(dropped, 'file'), 'dropped\n');
      const p = await runProbe(
        r,
        'glob',
        { unsafe: { unrestricted_volumes: [{ path: `${g}/m*` }, { path: `${r.root}/data/dropped-*` }] } },
        [
          `echo m1=$(cat ${g}/m1/file)`,
          `echo m2=$(cat ${g}/m2/file)`,
          `[ -e ${g}/other ] && echo other=present || echo other=absent`,
          `[ -e ${dropped}/file ] && echo dropped=present || echo dropped=absent`,
          `if echo x > ${g}/m1/new 2>/dev/null; then echo m1_write=ok; else echo m1_write=fail; fi`,
        ].join('\n'),
      );
      assert.equal(p.res.code, 0, p.res.stderr);
      assert.deepEqual(
        [p.out.m1, p.out.m2, p.out.other, p.out.dropped, p.out.m1_write],
        ['m1', 'm2', 'absent', 'absent', 'fail'],
      );
      const spec = JSON.parse(readFileSync(r.paths.job(p.job).configJson(p.job), 'utf8')) as {
        mounts: { destination: string }[];
      };
      const dests = spec.mounts.map((m) => m.destination);
      assert.ok(dests.includes(`${g}/m1`) && dests.includes(`${g}/m2`));
      assert.ok(!dests.some((d) => d.startsWith(dropped) || d.startsWith(`${g}/other`)));
    } finally {
      rmSync(g, { recursive: true, force: true });
    }
  });

  test('shared volumes: a host mount made after start shows up inside (an unshared one does not)', async () => {
    const shared = join(r.root, 'data', `shared-${process.pid}`);
    const plain = join(r.root, 'data', `plain-${process.pid}`);
    for (const d of [shared, plain]) mkdirSync(join(d, 'sub'), { recursive: true });
    const job = addProbeJob(
      r,
      'shared',
      { additional_volumes: [{ path: shared, shared: true }, { path: plain }] },
      [
        'i=0',
        `while [ $i -lt 150 ] && ! [ -e ${shared}/sub/marker ]; do sleep 0.1; i=$((i+1)); done`,
        `echo shared=$(cat ${shared}/sub/marker 2>/dev/null || echo missing)`,
        `echo plain=$(cat ${plain}/sub/marker 2>/dev/null || echo missing)`,
        'exec sleep 1000',
      ].join('\n'),
    );
    const tmpfs: string[] = [];
    try {
      const start = await r.bpm('start', job);
      assert.equal(start.code, 0, start.stderr);
      mountMarkers([plain, shared], tmpfs);
      const log = (): string => r.readLog(job, `${job}.stdout.log`);
      assert.ok(await eventually(() => log().includes('plain='), 20_000), log());
      assert.equal(log(), 'shared=host mount\nplain=missing\n');
      const stop = await r.bpm('stop', job);
      assert.equal(stop.code, 0, stop.stderr);
    } finally {
      unmountLazily(tmpfs);
    }
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(`${plain}/sub `));
  });
});
