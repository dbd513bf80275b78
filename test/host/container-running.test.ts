// The foreground container's start as runc's state directory shows it (src/host/container-running.ts):
// the directories appear one by one, state.json with exec.fifo (created), then exec.fifo goes
// (running); the watch wakes on each step, and an abort ends it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerRunning } from '../../src/host/container-running.ts';

describe('containerRunning', () => {
  let run: string;
  beforeEach(() => {
    run = mkdtempSync(join(tmpdir(), 'bpm-running-'));
  });
  afterEach(() => rmSync(run, { recursive: true, force: true }));

  const runcRoot = () => join(run, 'bpm-runc');
  const dir = () => join(runcRoot(), 'bpm-web');
  const stateFile = () => join(dir(), 'state.json');

  test('runc root, container dir, fifo, state.json, fifo removed: resolves true only at the end', async () => {
    let result: boolean | undefined;
    const watching = containerRunning(stateFile(), new AbortController().signal).then((v) => {
      result = v;
    });
    const steps: [string, () => void][] = [
      ['root', () => mkdirSync(runcRoot())],
      ['dir', () => mkdirSync(dir())],
      ['fifo', () => writeFileSync(join(dir(), 'exec.fifo'), '')],
      ['state', () => writeFileSync(stateFile(), '{}')],
    ];
    for (const [name, step] of steps) {
      step();
      await sleep(30);
      assert.equal(result, undefined, `not running after ${name}`);
    }
    unlinkSync(join(dir(), 'exec.fifo'));
    await watching;
    assert.equal(result, true);
  });

  test('already running when asked: true at once', async () => {
    mkdirSync(dir(), { recursive: true });
    writeFileSync(stateFile(), '{}');
    assert.equal(await containerRunning(stateFile(), new AbortController().signal), true);
  });

  test('aborted (runc ended first): false, and no watch is left', async () => {
    const abort = new AbortController();
    const watching = containerRunning(stateFile(), abort.signal);
    mkdirSync(dir(), { recursive: true });
    abort.abort();
    assert.equal(await watching, false);
    assert.equal(await containerRunning(stateFile(), abort.signal), false);
  });
});
