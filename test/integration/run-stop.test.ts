// `bpm run` as a service, with real runc: SIGTERM to bpm (systemd's `systemctl stop` of a unit
// `ExecStart=bpm run JOB`) stops the container with stop's escalation and bpm exits with the
// process's status, leaving nothing behind (docs/behaviour/policy.md fix #13); `bpm stop` from
// another shell does the same; with NOTIFY_SOCKET, READY=1 once the container runs (once its
// http readiness probe passed, for a process with one; its liveness probe is not run) and STOPPING=1
// when the stop begins.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, sleep } from '../helpers/bosh-root.ts';
import { NotifyReceiver } from '../helpers/notify-receiver.ts';

const skip = skipReason();

// Each job says `up` once its trap is set; the tests signal only then. The loops of short sleeps
// let the shell run its trap within 0.1 s (a `wait` on a background sleep can miss a signal that
// arrives just before it).
/** Traps TERM: says so and exits 0 (a job that shuts down cleanly). */
const GRACEFUL = '#!/bin/sh\ntrap \'echo "got TERM"; exit 0\' TERM\necho up\nwhile :; do sleep 0.1; done\n';
/** Ignores TERM and QUIT: only SIGKILL ends it. */
const STUBBORN = "#!/bin/sh\ntrap '' TERM QUIT\necho up\nwhile :; do sleep 1; done\n";
/** The default disposition: TERM kills it (tini then exits 143). */
const PLAIN = '#!/bin/sh\necho up\nexec sleep 1000\n';

/** A loopback HTTP server standing in for the job's health port (the container shares the host's loopback). */
class HealthPort {
  /** The paths asked for, in order. */
  readonly asked: string[] = [];
  /** What GET /healthz answers; every other path gets 200. */
  healthz = 503;
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async open(): Promise<HealthPort> {
    const server = createServer();
    const port = new HealthPort(server);
    server.on('request', (req, res) => {
      port.asked.push(req.url ?? '');
      res.writeHead(req.url === '/healthz' ? port.healthz : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  count(path: string): number {
    return this.asked.filter((p) => p === path).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('bpm run stopped by a signal', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  function job(prefix: string, script: string, extra: object = {}): string {
    const name = r.uniqueJob(prefix);
    r.addJob(name, { processes: [{ name, executable: r.jobBin(name, 'run'), ...extra }] }, { run: script });
    return name;
  }

  /** `bpm run JOB` in the background; resolves once its process said `up`. */
  async function runInBackground(name: string, env: Record<string, string> = {}) {
    const run = r.spawnBpm(['run', name], { env });
    assert.ok(await up(name), 'the process is up');
    return run;
  }

  function up(name: string): Promise<boolean> {
    return eventually(
      () =>
        existsSync(r.paths.job(name).stdoutLog(name)) &&
        r.readLog(name, `${name}.stdout.log`).startsWith('up\n'),
      20_000,
    );
  }

  /** The container, its cgroups, bpm-run's record and any pid file are gone. */
  function assertNothingLeft(name: string, cgroups: string[]): void {
    assert.equal(r.containerState(name), undefined, 'container deleted');
    assert.deepEqual(
      r.containerIds().filter((id) => id.includes(name)),
      [],
      'no runc state left',
    );
    for (const dir of cgroups) assert.equal(existsSync(dir), false, `cgroup ${dir} removed`);
    assert.equal(existsSync(r.pidFile(name)), false, 'no pid file');
    assert.equal(existsSync(join(r.paths.job(name).bundle(name), 'bpm-run.json')), false, 'no run record');
  }

  /** The GRACEFUL job's run, SIGTERMed at `sent`: exit 0 after its TERM trap, promptly, nothing left. */
  async function assertGracefulEnd(
    done: Promise<{ code: number | null; stdout: string; stderr: string }>,
    sent: number,
    name: string,
    cgroups: string[],
  ): Promise<void> {
    const res = await done;
    const ms = performance.now() - sent;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'up\ngot TERM\n');
    assert.ok(ms < scaledMs(5_000), `stopped in ${Math.round(ms)} ms, not after a timeout`);
    assertNothingLeft(name, cgroups);
  }

  test('SIGTERM: the process gets its TERM, exits 0, bpm exits 0 at once; nothing left', async () => {
    const name = job('term', GRACEFUL);
    const run = await runInBackground(name);
    const cgroups = Object.values(r.cgroupPaths(name));
    const sent = performance.now();
    run.child.kill('SIGTERM');
    await assertGracefulEnd(run.done, sent, name, cgroups);
    const events = r.bpmLog(name).map((l) => l.message);
    assert.ok(events.includes('bpm.run.stop-process.complete'), events.join(' '));
    assert.ok(events.includes('bpm.run.releasing-lifecycle-lock.complete'));
  });

  test('SIGTERM to a process that dies of it: exit 143, the run-exit rule (128+15)', async () => {
    const name = job('plain', PLAIN);
    const run = await runInBackground(name);
    run.child.kill('SIGTERM');
    const res = await run.done;
    assert.equal(res.code, 143);
    assert.equal(res.stderr, 'Error: failed to run job-process: exit status 143 (exit status 143)\n');
  });

  test('TERM and QUIT ignored, shutdown_timeout 1s: QUIT at 1 s, KILL 2 s later; exit 137; a second SIGTERM changes nothing', async () => {
    const name = job('stubborn', STUBBORN, { shutdown_timeout: '1s' });
    const run = await runInBackground(name);
    const cgroups = Object.values(r.cgroupPaths(name));
    const sent = performance.now();
    run.child.kill('SIGTERM');
    await sleep(300);
    run.child.kill('SIGTERM');
    const res = await run.done;
    const ms = performance.now() - sent;
    assert.equal(res.code, 137, res.stderr);
    assert.ok(ms >= 3_000, `killed after ${Math.round(ms)} ms: 1 s + 2 s first`);
    assert.ok(ms < 3_000 + scaledMs(5_000), `killed after ${Math.round(ms)} ms`);
    assertNothingLeft(name, cgroups);
    const events = r.bpmLog(name).map((l) => l.message);
    assert.ok(events.includes('bpm.run.stop-process.failed-to-stop'));
    assert.ok(events.includes('bpm.run.stop-process.killing-container'));
  });

  test('bpm stop from another shell: the run stops its process and exits with its status, stop exits 0', async () => {
    const name = job('xstop', GRACEFUL);
    const run = await runInBackground(name);
    const stop = await r.bpm('stop', name);
    assert.equal(stop.code, 0, stop.stderr);
    const res = await run.done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'up\ngot TERM\n');
    assert.equal(r.containerState(name), undefined);
    const events = r.bpmLog(name).map((l) => l.message);
    assert.ok(events.includes('bpm.stop.asked-bpm-run-to-stop'), events.join(' '));
    assert.ok(events.includes('bpm.stop.job-already-stopped'), events.join(' '));
  });

  test('NOTIFY_SOCKET: READY=1 with MAINPID once the container runs, STOPPING=1 on SIGTERM; runc never sees it', async () => {
    const name = job('notify', GRACEFUL);
    const rx = new NotifyReceiver(join(r.root, 'notify.sock'));
    try {
      const run = r.spawnBpm(['run', name], { env: { NOTIFY_SOCKET: rx.address } });
      const ready = await rx.next(scaledMs(20_000));
      assert.equal(ready, `READY=1\nMAINPID=${run.child.pid}`);
      const state = r.containerState(name);
      assert.equal(state?.status, 'running', 'READY only once it runs');
      // Given NOTIFY_SOCKET, runc would bind a notify socket into the container.
      const mounts = readFileSync(`/proc/${state?.pid}/mountinfo`, 'utf8');
      assert.doesNotMatch(mounts, /notify\.sock|\/run\/notify/, 'runc was not handed the socket');
      assert.equal(await rx.next(100), undefined, 'nothing else before the stop');
      assert.ok(await up(name));
      run.child.kill('SIGTERM');
      assert.equal(await rx.next(scaledMs(5_000)), 'STOPPING=1');
      const res = await run.done;
      assert.equal(res.code, 0, res.stderr);
      assert.equal(await rx.next(100), undefined);
    } finally {
      rx.close();
    }
  });

  describe('NOTIFY_SOCKET and a readiness probe', () => {
    const probe = (port: number, path: string) => ({
      http: { port, path },
      period: '200ms',
      timeout: '1s',
      failure_threshold: 1,
    });

    /** Datagrams until one starts with `prefix` (returned last), or all that came within `ms`. */
    async function until(rx: NotifyReceiver, prefix: string, ms: number): Promise<string[]> {
      const got: string[] = [];
      const deadline = performance.now() + ms;
      for (;;) {
        const left = deadline - performance.now();
        const m = left > 0 ? await rx.next(left) : undefined;
        if (m === undefined) return got;
        got.push(m);
        if (m.startsWith(prefix)) return got;
      }
    }

    test('READY=1 only after the http probe passed, with STATUS= lines before; probing stops; no liveness probe', async () => {
      const health = await HealthPort.open();
      const name = job('probe', GRACEFUL, {
        readiness: probe(health.port, '/healthz'),
        liveness: probe(health.port, '/live'),
      });
      const rx = new NotifyReceiver(join(r.root, 'probe.sock'));
      try {
        const run = r.spawnBpm(['run', name], { env: { NOTIFY_SOCKET: rx.address } });
        // The probe fails (503) while the container runs: STATUS lines, no READY.
        assert.ok(await eventually(() => health.count('/healthz') >= 3, scaledMs(20_000)), 'probed');
        const before = await until(rx, 'READY=1', 300);
        assert.equal(before[0], 'STATUS=running; waiting for the readiness probe');
        assert.equal(
          before.find((m) => m.startsWith('READY=1')),
          undefined,
          'no READY=1 while the probe fails',
        );
        // Each failure is told with its reason (on a loaded VM the first attempt may time out instead).
        assert.ok(
          before.some((m) => /^STATUS=readiness probe failed \d+ time\(s\): HTTP 503$/.test(m)),
          before.join(' | '),
        );
        assert.equal(r.containerState(name)?.status, 'running');
        health.healthz = 200;
        const after = await until(rx, 'READY=1', scaledMs(10_000));
        assert.equal(
          after.at(-1),
          `READY=1\nMAINPID=${run.child.pid}\nSTATUS=ready: the readiness probe passed`,
        );
        const probes = health.count('/healthz');
        await sleep(1_000);
        assert.equal(health.count('/healthz'), probes, 'no probe after READY=1');
        assert.equal(health.count('/live'), 0, 'bpm run runs no liveness probe');
        assert.ok(await up(name));
        run.child.kill('SIGTERM');
        assert.deepEqual(await until(rx, 'STOPPING=1', scaledMs(5_000)), ['STOPPING=1']);
        const res = await run.done;
        assert.equal(res.code, 0, res.stderr);
      } finally {
        rx.close();
        await health.close();
      }
    });

    test('a probe that never passes: no READY=1; SIGTERM still stops it cleanly at once', async () => {
      const health = await HealthPort.open();
      const name = job('neverready', GRACEFUL, { readiness: probe(health.port, '/healthz') });
      const rx = new NotifyReceiver(join(r.root, 'never.sock'));
      try {
        const run = r.spawnBpm(['run', name], { env: { NOTIFY_SOCKET: rx.address } });
        assert.ok(await up(name));
        assert.ok(await eventually(() => health.count('/healthz') >= 3, scaledMs(20_000)), 'probed');
        const cgroups = Object.values(r.cgroupPaths(name));
        const sent = performance.now();
        run.child.kill('SIGTERM');
        const got = await until(rx, 'STOPPING=1', scaledMs(5_000));
        assert.equal(got.at(-1), 'STOPPING=1');
        assert.equal(
          got.find((m) => m.startsWith('READY=1')),
          undefined,
          'never READY=1',
        );
        await assertGracefulEnd(run.done, sent, name, cgroups);
        const probes = health.count('/healthz');
        await sleep(500);
        assert.equal(health.count('/healthz'), probes, 'probing ended with the run');
        assert.equal(await rx.next(100), undefined, 'nothing after STOPPING=1');
      } finally {
        rx.close();
        await health.close();
      }
    });
  });
});
