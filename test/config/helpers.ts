// Shared helpers for the config tests: a fixed BOSH root and job, parse and expect-error shortcuts.
import assert from 'node:assert/strict';
import { parseJobConfig } from '../../src/config/parse.ts';
import type { JobConfig, ProcessConfig } from '../../src/config/types.ts';
import { ConfigError } from '../../src/errors.ts';

export const ROOT = '/var/vcap';
export const JOB = 'web';
export const FILE = '/var/vcap/jobs/web/config/bpm.yml';

export function parse(text: string): JobConfig {
  return parseJobConfig(text, FILE, { root: ROOT, job: JOB });
}

/** The single process of a document `processes: [ {name: p, executable: e, ...body} ]`. */
export function proc(body: string): ProcessConfig {
  const cfg = parse(`processes:\n- name: p\n  executable: /bin/e\n${body}`);
  assert.equal(cfg.processes.length, 1);
  return cfg.processes[0]!;
}

/** The ConfigError message the text produces (fails the test if it parses). */
export function parseError(text: string): string {
  try {
    parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `message has several lines: ${err.message}`);
    return err.message;
  }
  assert.fail(`expected an error for:\n${text}`);
}

/** The error for a process body (see proc). */
export function procError(body: string): string {
  return parseError(`processes:\n- name: p\n  executable: /bin/e\n${body}`);
}
