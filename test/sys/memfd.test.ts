import assert from 'node:assert/strict';
import { closeSync, readFileSync, readlinkSync, readSync, writeSync } from 'node:fs';
import { test } from 'node:test';
import { anonymousFile, readWhole } from '../../src/sys/memfd.ts';
import { spawnChild } from '../../src/sys/posix-spawn.ts';

const O_CLOEXEC = 0o2000000;

/** The open flags of one of this process's descriptors (/proc/self/fdinfo, octal). */
function openFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags:'));
  return Number.parseInt(line?.split(/\s+/)[1] ?? '', 8);
}

test('an anonymous file is empty, named in /proc, and close-on-exec', () => {
  const fd = anonymousFile('bpm-test');
  try {
    assert.equal(readlinkSync(`/proc/self/fd/${fd}`), '/memfd:bpm-test (deleted)');
    assert.ok((openFlags(fd) & O_CLOEXEC) !== 0);
    assert.equal(readWhole(fd).length, 0);
  } finally {
    closeSync(fd);
  }
});

test('readWhole reads from the start, wherever the offset is, and leaves the offset alone', () => {
  const fd = anonymousFile('bpm-test');
  try {
    writeSync(fd, 'first\n');
    writeSync(fd, 'second\n');
    assert.equal(readWhole(fd).toString(), 'first\nsecond\n');
    writeSync(fd, 'third\n');
    assert.equal(readWhole(fd).toString(), 'first\nsecond\nthird\n', 'the writes went on at the end');
    assert.equal(readSync(fd, Buffer.alloc(8)), 0, 'the offset is still at the end');
  } finally {
    closeSync(fd);
  }
});

test('a child given the file as stdout and stderr writes both into it in order; other children never see it', async () => {
  const fd = anonymousFile('bpm-test');
  try {
    const env = { PATH: '/usr/bin:/bin' };
    const writer = await spawnChild('/bin/sh', ['sh', '-c', 'echo 1; echo 2 >&2; echo 3'], env, [
      'ignore',
      fd,
      fd,
    ]);
    assert.deepEqual(await writer.exited, { code: 0, signal: null });
    assert.equal(readWhole(fd).toString(), '1\n2\n3\n');
    const other = await spawnChild('/bin/sh', ['sh', '-c', `test -e /proc/self/fd/${fd} || exit 9`], env, [
      'ignore',
      'ignore',
      'ignore',
    ]);
    assert.deepEqual(await other.exited, { code: 9, signal: null });
  } finally {
    closeSync(fd);
  }
});
