import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLogger, type LogSink } from '../../src/log/logger.ts';

interface Line {
  timestamp: string;
  level: string;
  message: string;
  data: Record<string, string>;
}

function capture(): { sink: LogSink; lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    sink: {
      write(line) {
        assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
        lines.push(JSON.parse(line) as Line);
      },
    },
  };
}

describe('session loggers', () => {
  it('numbers sub-sessions in creation order like the fresh-start log', () => {
    const { sink, lines } = capture();
    const log = commandLogger(sink, 'start', 'web', 'worker');
    const acquire = log.session('acquiring-lifecycle-lock');
    acquire.info('starting');
    acquire.info('complete');
    log.info('starting');
    const proc = log.session('start-process');
    proc.info('starting');
    proc.error('failed', new Error('boom <x>'));
    log.info('complete');
    log.session('releasing-lifecycle-lock').info('starting');
    assert.deepEqual(
      lines.map((l) => [l.level, l.message, l.data.session]),
      [
        ['info', 'bpm.start.acquiring-lifecycle-lock.starting', '1.1'],
        ['info', 'bpm.start.acquiring-lifecycle-lock.complete', '1.1'],
        ['info', 'bpm.start.starting', '1'],
        ['info', 'bpm.start.start-process.starting', '1.2'],
        ['error', 'bpm.start.start-process.failed', '1.2'],
        ['info', 'bpm.start.complete', '1'],
        ['info', 'bpm.start.releasing-lifecycle-lock.starting', '1.3'],
      ],
    );
    assert.deepEqual(lines[4]?.data, { error: 'boom <x>', job: 'web', process: 'worker', session: '1.2' });
  });

  it('adds extra data such as the duplicate mount', () => {
    const { sink, lines } = capture();
    commandLogger(sink, 'run', 'j', 'p').session('run-process').info('duplicate-mount', { mount: '/x' });
    assert.deepEqual(Object.keys(lines[0]?.data ?? {}), ['job', 'mount', 'process', 'session']);
  });
});
