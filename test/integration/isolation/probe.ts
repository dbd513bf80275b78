// Shared by the isolation tests: run a one-shot shell probe as a job process under `bpm run` and
// read back its `key=value` report lines.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BoshRoot, type BpmResult, HOST_RUNC } from '../../helpers/bosh-root.ts';

export interface Probe {
  job: string;
  res: BpmResult;
  /** `key=value` lines of stdout (first `=` splits, values trimmed; later lines win). */
  out: Record<string, string>;
}

/** The process entry of a probe job: `executable` is the job's bin/run script, `extra` is merged in. */
export function probeProcess(r: BoshRoot, job: string, extra: object = {}): object {
  return { name: job, executable: r.jobBin(job, 'run'), ...extra };
}

/** Write a job whose only process runs `script` (a /bin/sh body) and return the job name. */
export function addProbeJob(r: BoshRoot, prefix: string, extra: object, script: string): string {
  const job = r.uniqueJob(prefix);
  r.addJob(job, { processes: [probeProcess(r, job, extra)] }, { run: `#!/bin/sh\n${script}\n` });
  return job;
}

/** `bpm run` a fresh probe job; the result's stdout is parsed into `out`. */
export async function runProbe(
  r: BoshRoot,
  prefix: string,
  extra: object,
  script: string,
  ...flags: string[]
): Promise<Probe> {
  const job = addProbeJob(r, prefix, extra, script);
  const res = await r.bpm('run', job, ...flags);
  return { job, res, out: parseReport(res.stdout) };
}

export function parseReport(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return out;
}

/** uid and primary gid of the host's vcap user. */
export function vcapIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('vcap:'));
  const f = (line ?? '').split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * Run argv on the host as vcap (no supplementary groups), optionally holding `caps` (ambient, e.g.
 * `['sys_admin']`), in a private mount namespace of its own so any mount it makes vanishes with it:
 * the no-seccomp control for the seccomp tests.
 */
export function runOnHostAsVcap(
  argv: string[],
  caps: string[] = [],
): { code: number | null; stdout: string; stderr: string } {
  const { uid, gid } = vcapIds();
  const capFlags = caps.length === 0 ? [] : caps.flatMap((c) => [`--inh-caps=+${c}`, `--ambient-caps=+${c}`]);
  const setpriv = [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${gid}`,
    '--clear-groups',
    ...capFlags,
    '--',
    ...argv,
  ];
  const res = spawnSync('unshare', ['--mount', '--propagation', 'private', ...setpriv], {
    encoding: 'utf8',
    cwd: '/',
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Replace R/packages/bpm/bin/runc with a wrapper around the host runc that, before `runc run`,
 * removes `caps` (e.g. `['CAP_SYS_RESOURCE']`) from the bundle's capability lists and leaves
 * everything else as bpm wrote it. For sandboxes whose bounding set lacks a capability of the
 * privileged list: runc cannot grant what it does not hold ("unable to apply caps").
 */
export function installCapFilteringRunc(r: BoshRoot, caps: string[]): void {
  const wrapper = r.paths.runcBinary;
  rmSync(wrapper, { force: true });
  const body = `#!${process.execPath}
const { readFileSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
const drop = new Set(${JSON.stringify(caps)});
const b = args.indexOf('--bundle');
if (args.includes('run') && b >= 0) {
  const file = args[b + 1] + '/config.json';
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const c = spec.process.capabilities || {};
  for (const k of Object.keys(c)) c[k] = c[k].filter((x) => !drop.has(x));
  writeFileSync(file, JSON.stringify(spec, null, '\\t') + '\\n');
}
const res = spawnSync(${JSON.stringify(HOST_RUNC)}, args, { stdio: 'inherit' });
process.exitCode = res.status ?? 128;
`;
  writeFileSync(wrapper, body, { mode: 0o755 });
  chmodSync(wrapper, 0o755);
}

/**
 * As the host does after a start: mount a small tmpfs on `DIR/sub` of each dir, holding a file
 * `marker` ("host mount"). Each mount point is pushed onto `mounted` (give it to unmountLazily).
 */
export function mountMarkers(dirs: string[], mounted: string[]): void {
  for (const d of dirs) {
    const sub = join(d, 'sub');
    assert.equal(
      spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', sub]).status,
      0,
      `mount ${sub}`,
    );
    mounted.push(sub);
    writeFileSync(join(sub, 'marker'), 'host mount\n');
    chmodSync(join(sub, 'marker'), 0o644);
  }
}

/** `umount -l` each of `points`, the last first. */
export function unmountLazily(points: string[]): void {
  for (const m of [...points].reverse()) spawnSync('umount', ['-l', m]);
}
