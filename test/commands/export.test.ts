// `bpm export k8s` end to end (src/main.ts with a temporary BOSH root).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Pod } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { needsRoot } from '../helpers/needs-root.ts';
import { bpmFromSource } from '../helpers/run-source.ts';

const FIXTURES = new URL('../fixtures/jobs/', import.meta.url).pathname;
const bpm = bpmFromSource;

describe('bpm export k8s (command)', { skip: needsRoot('bpm refuses to run otherwise') }, () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'bpm-export-'));
    for (const job of ['plain', 'multi'])
      cpSync(join(FIXTURES, job), join(root, 'jobs', job), { recursive: true });
    // Additional volumes must lie inside the (temporary) BOSH root.
    const multi = join(root, 'jobs', 'multi', 'config', 'bpm.yml');
    writeFileSync(
      multi,
      readFileSync(multi, 'utf8').replaceAll('/var/vcap/data/shared', `${root}/data/shared`),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('prints a schema-valid Pod with the default placeholder image', () => {
    const r = bpm(root, 'export', 'k8s', 'plain');
    assert.equal(r.code, 0, r.stderr);
    const pod = parse(r.stdout);
    new Pod(pod).validate();
    assert.equal(pod.spec.containers[0].image, 'bosh-job.invalid/plain:latest');
  });

  it('writes to -o FILE with --image, warning on stderr about what Kubernetes cannot express', () => {
    const out = join(root, 'pod.yaml');
    const r = bpm(root, 'export', 'k8s', 'multi', '-o', out, '--image', 'registry.example/multi:2');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const pod = parse(readFileSync(out, 'utf8'));
    new Pod(pod).validate();
    assert.equal(pod.spec.containers[1].image, 'registry.example/multi:2');
    assert.match(r.stderr, /^warning: not expressible in Kubernetes: api_server: limits\.processes=200/m);
    assert.match(r.stderr, /shutdown_signal INT/);
  });

  it('rejects a missing job, an unknown format and missing arguments', () => {
    const missing = bpm(root, 'export', 'k8s', 'nosuch');
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /Error: failed to parse job configuration: open .*nosuch\/config\/bpm\.yml: no such file or directory/,
    );
    assert.match(bpm(root, 'export', 'nomad', 'plain').stderr, /unknown export format "nomad"/);
    assert.match(bpm(root, 'export', 'k8s').stderr, /must specify a job/);
  });
});
