// A hostile job races bpm (root) on the directories bpm prepares for it (issue #10 item 1): while
// `bpm start` runs, a vcap process keeps exchanging each of the job's volume directories (a plain
// volume, a `shared` volume, the job's tmp dir) with a symlink to a directory outside R, as fast as
// renameat2(RENAME_EXCHANGE) goes. Whatever the outcome of each start, no outside directory may be
// chowned, chmodded or mounted (on the host or into the container).
//
// Measured on the main before the fix (9536219): 8 to 13 of 50 trials reached the outside, and
// every run failed (docs/security-notes/sec-fs.md); TRIALS keeps a run under a minute.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason, sleep } from '../../helpers/bosh-root.ts';
import { vcapIds } from './probe.ts';

const skip = skipReason();
const TRIALS = 50;
/** renameat2(2): 316 on x86_64, 276 on the generic table (arm64). */
const SYS_RENAMEAT2 = arch() === 'x64' ? 316 : 276;

/** Perl, as vcap in DIR: exchange each NAME with NAME.alt (a symlink to its outside dir) forever. */
function swapperScript(names: string[]): string {
  const list = names.map((n) => `'${n}'`).join(',');
  return [
    `my @n = (${list}); my %out = @ARGV;`,
    // Start from the real directory at NAME, the symlink at NAME.alt.
    'for my $n (@n) { if (-l $n) { syscall(' + SYS_RENAMEAT2 + ', -100, $n, -100, "$n.alt", 2) } }',
    'for my $n (@n) { symlink($out{$n}, "$n.alt") unless -l "$n.alt" }',
    'print "ready\\n"; $| = 1;',
    'while (1) { for my $n (@n) { syscall(' + SYS_RENAMEAT2 + ', -100, $n, -100, "$n.alt", 2) } }',
  ].join('\n');
}

interface Outside {
  name: string;
  dir: string;
}

function within(p: string | undefined, dir: string): boolean {
  return p === dir || (p?.startsWith(`${dir}/`) ?? false);
}

/** What root did to an outside directory: owner/mode changes, host mounts, container mounts. */
function damage(o: Outside, containerPid: number | undefined): string[] {
  const found: string[] = [];
  const st = statSync(o.dir);
  if (st.uid !== 0 || st.gid !== 0) found.push(`${o.name}: ${o.dir} chowned to ${st.uid}:${st.gid}`);
  if ((st.mode & 0o7777) !== 0o755)
    found.push(`${o.name}: ${o.dir} chmodded to ${(st.mode & 0o7777).toString(8)}`);
  // A mount of the outside directory has it as its root (field 4; R and /tmp share one file
  // system here). On the host its mount point (field 5) counts too. Inside the container, field 5
  // is a container path: runc resolves destinations inside the rootfs, so a planted link there
  // only moves the mount within the container, and a container path may spell like o.dir.
  const mounts = (file: string, pointToo: boolean) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => within(f[3], o.dir) || (pointToo && f[4] === o.dir));
  if (mounts('/proc/self/mountinfo', true).length > 0)
    found.push(`${o.name}: ${o.dir} is mounted on the host`);
  if (containerPid !== undefined) {
    try {
      if (mounts(`/proc/${containerPid}/mountinfo`, false).length > 0)
        found.push(`${o.name}: ${o.dir} is mounted into the container`);
    } catch {
      // the container is gone already
    }
  }
  return found;
}

/** Undo whatever a lost race did, so that each trial starts clean. */
function repair(o: Outside): void {
  for (let i = 0; i < 5; i++) {
    const r = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[4] === o.dir);
    if (!r) break;
    spawnSync('umount', ['-l', o.dir], { stdio: 'ignore' });
  }
  chownSync(o.dir, 0, 0);
  chmodSync(o.dir, 0o755);
}

describe('isolation: a job racing bpm on its own directories', { skip }, () => {
  let r: BoshRoot;
  const outsideRoot = mkdtempSync('/tmp/bpm-outside-');
  const { uid, gid } = vcapIds();
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    await r.cleanup();
    rmSync(outsideRoot, { recursive: true, force: true });
  });

  test(`no outside directory is chowned, chmodded or mounted in ${TRIALS} raced starts`, async () => {
    const job = r.uniqueJob('race');
    const data = join(r.root, 'data', job);
    const names = ['vol', 'shvol', 'tmp'];
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, uid, gid);
    for (const n of names) {
      mkdirSync(join(data, n), { mode: 0o700 });
      chownSync(join(data, n), uid, gid);
    }
    const outside: Outside[] = names.map((name) => {
      const dir = join(outsideRoot, name);
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755);
      return { name, dir };
    });
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'run'),
            ephemeral_disk: true,
            additional_volumes: [
              { path: join(data, 'vol'), writable: true },
              { path: join(data, 'shvol'), writable: true, shared: true },
            ],
          },
        ],
      },
      { run: '#!/bin/sh\nexec sleep 1000\n' },
    );

    const losses: string[] = [];
    let started = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const swapper: ChildProcess = spawn(
        'perl',
        ['-e', swapperScript(names), ...outside.flatMap((o) => [o.name, o.dir])],
        { cwd: data, uid, gid, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      await new Promise<void>((resolve) => swapper.stdout?.once('data', () => resolve()));
      const res = await r.bpm('start', job);
      const state = r.containerState(job);
      const found = outside.flatMap((o) => damage(o, state?.pid));
      if (found.length > 0) losses.push(`trial ${trial}: ${found.join('; ')}`);
      swapper.kill('SIGKILL');
      await new Promise((resolve) => swapper.once('close', resolve));
      if (res.code === 0) started += 1;
      const stop = await r.bpm('stop', job);
      assert.equal(stop.code, 0, stop.stderr);
      for (const o of outside) repair(o);
      await sleep(10);
    }
    assert.deepEqual(losses, [], `lost ${losses.length} times in ${TRIALS} trials (${started} started)`);
  });
});
