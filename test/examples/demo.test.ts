// examples/demo.sh end to end, as a newcomer runs it (real runc, real containers), in a temporary
// BOSH root: it must succeed twice in a row, fail loudly when a step fails, and leave no
// container, mount or process behind either way.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BPM, HOST_RUNC, REPO } from '../helpers/bosh-root.ts';

const DEMO = join(REPO, 'examples', 'demo.sh');
const CID_PREFIX = 'bpm-guestbook';
const skip = process.getuid?.() !== 0 ? 'the demo runs containers: it needs root' : undefined;

interface DemoResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(root: string, env: Record<string, string> = {}): Promise<DemoResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [DEMO], {
      env: { ...process.env, ...env, DEMO_ROOT: root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

function containersIn(root: string): string[] {
  try {
    return readdirSync(join(root, 'sys', 'run', 'bpm-runc'));
  } catch {
    return [];
  }
}

function mountsUnder(root: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === root || p.startsWith(`${root}/`));
}

/** Live (non-zombie) processes whose cgroup is one of the demo job's containers. */
function jobProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`/${CID_PREFIX}`)) found.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function assertNothingLeft(root: string): void {
  assert.deepEqual(containersIn(root), [], 'containers left in the runc root');
  assert.deepEqual(mountsUnder(root), [], 'mounts left under the demo root');
  assert.deepEqual(jobProcesses(), [], 'processes of the job still running');
  for (const proc of ['guestbook', 'worker'])
    assert.equal(existsSync(join(root, 'sys', 'run', 'bpm', 'guestbook', `${proc}.pid`)), false);
}

/** Last-resort cleanup if an assertion failed half-way: force-delete, unmount, remove. */
function removeRoot(root: string): void {
  for (const id of containersIn(root))
    spawnSync(HOST_RUNC, ['--root', join(root, 'sys', 'run', 'bpm-runc'), 'delete', '--force', id]);
  for (const m of mountsUnder(root).sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
}

describe('examples/demo.sh', { skip }, () => {
  const roots: string[] = [];
  const newRoot = (): string => {
    const root = mkdtempSync('/tmp/bpm-demo-');
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) removeRoot(root);
  });

  test('runs the guestbook job end to end, twice in the same root (the second time over a running job), and leaves nothing behind', async () => {
    const root = newRoot();
    for (const round of [1, 2]) {
      if (round === 2) {
        // Leave the job running, as a demo killed half-way would: the next run must take over.
        for (const args of [
          ['start', 'guestbook'],
          ['start', 'guestbook', '-p', 'worker'],
        ]) {
          const r = spawnSync(BPM, args, { env: { ...process.env, BPM_BOSH_ROOT: root }, encoding: 'utf8' });
          assert.equal(r.status, 0, r.stderr);
        }
        assert.equal(containersIn(root).length, 2);
      }
      const res = await runDemo(root);
      const why = `round ${round}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`;
      assert.equal(res.code, 0, why);
      assert.match(res.stdout, /^# bpm start guestbook$/m, why);
      assert.match(res.stdout, /^# bpm start guestbook -p worker$/m, why);
      assert.match(res.stdout, /^guestbook +\d+ running$/m, why);
      assert.match(res.stdout, /^guestbook\.worker +\d+ running$/m, why);
      assert.match(res.stdout, /^HTTP 200\nHello from a BOSH job running under bpm!\n/m, why);
      assert.match(res.stdout, /the worker has written [1-9]\d* line\(s\)/, why);
      assert.match(
        res.stdout,
        /^memory: 268435456 bytes, processes: 64, open files: 1024, user: vcap$/m,
        why,
      );
      assert.match(res.stdout, /^pre-start: writing the greeting into /m, why);
      assert.match(res.stdout, /^guestbook +- +stopped$/m, why);
      assert.match(
        res.stdout,
        /^no container, no mount, none of the job's \d+ processes, no pid file left$/m,
        why,
      );
      assertNothingLeft(root);
      const ticks = readFileSync(join(root, 'data', 'guestbook', 'shared', 'ticks.log'), 'utf8');
      assert.match(ticks, /^tick 1 at /, why);
      // Both processes got TERM and exited on their own (bpm stop's graceful path).
      const log = (f: string) => readFileSync(join(root, 'sys', 'log', 'guestbook', f), 'utf8');
      assert.match(log('guestbook.stdout.log'), /guestbook: TERM received, closing/);
      assert.match(log('worker.stdout.log'), /worker: TERM received, exiting/);
    }
  });

  test('a failing step makes the demo exit non-zero, name the step and clean up', async () => {
    const root = newRoot();
    // Hold the server's port, so the server process dies at once with EADDRINUSE.
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      const res = await runDemo(root, { DEMO_PORT: String(address.port) });
      const why = `--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`;
      assert.notEqual(res.code, 0, why);
      assert.match(res.stderr, /^demo: FAILED during: Asking the server for its page over HTTP/m, why);
      assert.match(res.stderr, /EADDRINUSE/, why);
      assert.match(res.stderr, /^demo: stopped the job and removed its containers and mounts$/m, why);
      assertNothingLeft(root);
    } finally {
      blocker.close();
    }
  });
});
