// run's decisions (docs/behaviour/commands.md §4) through the lifecycle's ports: the exit-status
// table, the flag errors, and a container that still runs. Real runc: test/integration/run.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ExitStatusError } from '../../src/errors.ts';
import { runProcess } from '../../src/lifecycle/run.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { eachWorld, setupEvents, type World, webJob } from './fakes/world.ts';

const SESSION = setupEvents('run');

describe('runProcess', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const ref = () => w.ref('web');
  const run = (flags: { volumes?: string[]; env?: string[] } = {}) =>
    runProcess(ref(), w.logger('run', ref()), w.op, {
      volumes: flags.volumes ?? [],
      env: flags.env ?? [],
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });

  /** The ExitStatusError `run` rejects with, as [message, exit code]. */
  async function failure(p: Promise<number>): Promise<[string, number]> {
    try {
      await p;
    } catch (err) {
      assert.ok(err instanceof ExitStatusError, String(err));
      return [err.message, err.exitCode];
    }
    assert.fail('run succeeded');
  }

  test("under the lock, the runc client gets the lock's descriptor (ref.lockFd): its kill and delete inherit it", async () => {
    await runProcess({ ...ref(), lockFd: 42 }, w.logger('run', ref()), w.op, {
      volumes: [],
      env: [],
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    });
    assert.deepEqual(w.host.runcLockFds, [42]);
  });

  test('exit 0: resolves 0; one runc call (run, foreground); no pid file', async () => {
    assert.equal(await run(), 0);
    assert.deepEqual(w.runc.calls, ['run bpm-web']);
    assert.deepEqual(w.events(), ['bpm.run.starting', ...SESSION, 'bpm.run.complete']);
  });

  test('exit N: `failed to run job-process: exit status N (exit status N)`, exit N', async () => {
    w.runc.foregroundExit = { code: 6, signal: null, runcError: undefined };
    assert.deepEqual(await failure(run()), ['failed to run job-process: exit status 6 (exit status 6)', 6]);
    assert.deepEqual(w.events(), ['bpm.run.starting', ...SESSION, 'bpm.run.failed!']);
  });

  test('runc killed by a signal: `signal: killed (exit status -1)`, exit 255', async () => {
    w.runc.foregroundExit = { code: null, signal: 'SIGKILL', runcError: undefined };
    assert.deepEqual(await failure(run()), [
      'failed to run job-process: signal: killed (exit status -1)',
      255,
    ]);
  });

  test('the set-up failing (a hook): `… (exit status 0)`, exit 1, no error event', async () => {
    w.addJob('web', webJob('  hooks:\n    pre_start: /bin/pre\n'));
    w.host.hookError = new Error('exit status 1');
    assert.deepEqual(await failure(run()), [
      'failed to run job-process: prestart hook failed: exit status 1 (exit status 0)',
      1,
    ]);
    assert.deepEqual(w.runc.calls, []);
    assert.deepEqual(w.events(), [
      'bpm.run.starting',
      ...SESSION.slice(0, 4),
      'bpm.run.run-process.failed!',
      'bpm.run.failed!',
    ]);
  });

  test('runc failing to run: `failed to run job-process: <err> (exit status 0)`, exit 1', async () => {
    w.runc.failures.runForeground = new RuncError(
      'fork/exec /var/vcap/packages/bpm/bin/runc: no such file or directory',
    );
    assert.deepEqual(await failure(run()), [
      'failed to run job-process: fork/exec /var/vcap/packages/bpm/bin/runc: no such file or directory (exit status 0)',
      1,
    ]);
  });

  test('-v and -e reach the spec', async () => {
    const extra = `${w.dir}/data/web/extra`;
    assert.equal(await run({ volumes: [`${extra}:writable`], env: ['A=b'] }), 0);
    const spec = JSON.parse(readFileSync(ref().paths.configJson('web'), 'utf8'));
    assert.ok(spec.process.env.includes('A=b'));
    assert.ok(spec.mounts.some((m: { destination: string }) => m.destination === extra));
  });

  test('a bad -v: invalid-volume-definition, the error as it is', async () => {
    await assert.rejects(run({ volumes: [`${w.dir}/data/web/x:bogus`] }), {
      message: 'invalid volume option: bogus',
    });
    assert.deepEqual(w.events(), [
      'bpm.run.starting',
      'bpm.run.invalid-volume-definition!',
      'bpm.run.failed!',
    ]);
    assert.deepEqual(w.runc.calls, []);
  });

  test('a bad -e: invalid-environment-definition, the error as it is', async () => {
    await assert.rejects(run({ env: ['NOEQUALS'] }), {
      message: 'invalid envionment variable definition (format should be KEY=value): "NOEQUALS"',
    });
    assert.deepEqual(w.events(), [
      'bpm.run.starting',
      'bpm.run.invalid-environment-definition!',
      'bpm.run.failed!',
    ]);
  });

  test('still running: refuses, naming the pid, without running anything', async () => {
    const c = w.runc.add('bpm-web', ref().paths.bundle('web'));
    const [message, code] = await failure(run());
    assert.equal(code, 1);
    assert.match(message, new RegExp(`still running \\(pid ${c.init.pid}\\).*\`bpm stop web\`$`));
    assert.deepEqual(w.runc.calls, ['state bpm-web']);
    assert.deepEqual(w.events(), ['bpm.run.starting', 'bpm.run.process-already-running', 'bpm.run.failed!']);
  });

  test('a stopped container is removed first, then run', async () => {
    w.runc.add('bpm-web', ref().paths.bundle('web'), 'stopped');
    assert.equal(await run(), 0);
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'delete --force bpm-web', 'run bpm-web']);
  });
});
