import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRecord } from '../../src/log/record.ts';

describe('formatRecord', () => {
  it('writes lager pretty format: fixed key order, sorted data, no spaces, newline', () => {
    assert.equal(
      formatRecord({
        timestamp: '2026-11-23T07:52:50.066026044Z',
        level: 'info',
        source: 'bpm',
        message: 'bpm.start.start-process.building-spec',
        data: { session: '1.2', process: 'myjob', job: 'myjob' },
      }),
      '{"timestamp":"2026-11-23T07:52:50.066026044Z","level":"info","source":"bpm","message":"bpm.start.start-process.building-spec","data":{"job":"myjob","process":"myjob","session":"1.2"}}\n',
    );
  });

  it('escapes strings like Go', () => {
    const line = formatRecord({
      timestamp: 't',
      level: 'error',
      source: 'bpm',
      message: 'bpm.run.x',
      data: { error: 'a <b> & "c"\n\t\\ \u2028 \ud800', Z: 1, a: true },
    });
    assert.equal(
      line,
      '{"timestamp":"t","level":"error","source":"bpm","message":"bpm.run.x","data":{"Z":1,"a":true,"error":"a \\u003cb\\u003e \\u0026 \\"c\\"\\n\\t\\\\ \\u2028 \\ufffd"}}\n',
    );
  });
});
