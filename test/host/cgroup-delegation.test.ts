import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  delegateControllers,
  neededControllers,
  prepareContainerCgroup,
} from '../../src/host/cgroup-delegation.ts';
import type { HostFeatures } from '../../src/host-facts.ts';

const root = mkdtempSync(join(tmpdir(), 'bpm-delegation-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A planted cgroup directory `root/name` with the two interface files. */
function group(name: string, controllers: string, subtree: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cgroup.controllers'), `${controllers}\n`);
  writeFileSync(join(dir, 'cgroup.subtree_control'), `${subtree}\n`);
  return dir;
}

describe('neededControllers', () => {
  it('memory for a memory limit, pids for a process limit, nothing otherwise', () => {
    assert.deepEqual(neededControllers(undefined), []);
    assert.deepEqual(neededControllers({}), []);
    assert.deepEqual(neededControllers({ memory: { limit: 1n } }), ['memory']);
    assert.deepEqual(neededControllers({ memory: { limit: 1n }, pids: { limit: 5n } }), ['memory', 'pids']);
  });
});

describe('delegateControllers', () => {
  it('leaves enabled controllers alone and enables the missing ones', () => {
    const dir = group('ok', 'cpu memory pids', 'memory');
    delegateControllers('/ok', ['memory'], root);
    assert.equal(readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8'), 'memory\n');
    delegateControllers('/ok', ['memory', 'pids'], root);
    assert.equal(readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8'), '+pids');
  });

  it('names a controller the cgroup was not given', () => {
    group('nest/inner', 'pids', '');
    assert.throws(() => delegateControllers('/nest/inner', ['memory'], root), {
      message: `cgroup /nest/inner cannot pass the memory controller to bpm's containers: it is not delegated there (${root}/nest/inner/cgroup.controllers lacks it)`,
    });
  });

  it('an unreadable interface file is one line naming it, worded like Go', () => {
    const dir = group('refused', 'memory', '');
    rmSync(join(dir, 'cgroup.subtree_control'));
    mkdirSync(join(dir, 'cgroup.subtree_control'));
    assert.throws(() => delegateControllers('/refused', ['memory'], root), {
      message: `cgroup /refused cannot hold bpm's containers: open ${dir}/cgroup.subtree_control: is a directory`,
    });
  });

  it('a cgroup that is not there is one line too', () => {
    assert.throws(() => delegateControllers('/gone', ['pids'], root), {
      message: `cgroup /gone cannot hold bpm's containers: open ${root}/gone/cgroup.controllers: no such file or directory`,
    });
  });
});

describe('prepareContainerCgroup', () => {
  const features: HostFeatures = {
    swapLimit: true,
    seccomp: true,
    systemd: false,
    resolvconf: false,
    systemdResolve: false,
    ownCgroup: '/gone',
  };
  it('does nothing under systemd, without limits, or when the root is not cgroup2', () => {
    prepareContainerCgroup({ ...features, systemd: true }, { memory: { limit: 1n } }, root);
    prepareContainerCgroup(features, {}, root);
    // `root` is a plain directory, not a cgroup2 mount: the v1 (or hybrid) host case.
    prepareContainerCgroup(features, { pids: { limit: 3n } }, root);
  });
});
