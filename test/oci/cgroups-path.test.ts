import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cgroupsPath,
  containerParentCgroup,
  sliceDir,
  toSystemdCgroupsPath,
} from '../../src/oci/cgroups-path.ts';

test('no cgroup v2 path: key omitted', () => {
  assert.equal(cgroupsPath(undefined, false, 'bpm-myjob'), undefined);
  assert.equal(cgroupsPath(undefined, true, 'bpm-myjob'), undefined);
});

test('non-systemd: lexical join', () => {
  assert.equal(cgroupsPath('/', false, 'bpm-myjob'), '/bpm-myjob');
  assert.equal(cgroupsPath('/garden/abc-123/', false, 'bpm-myjob'), '/garden/abc-123/bpm-myjob');
  assert.equal(cgroupsPath('/a//b/../c', false, 'bpm-x'), '/a/c/bpm-x');
});

test('systemd: ToSystemd examples of docs/behaviour/container.md §2.4', () => {
  assert.equal(
    toSystemdCgroupsPath('/system.slice/garden-abc.scope/monit.service', 'bpm-uaa'),
    'system.slice:garden-abc-scope-bpm:bpm-uaa',
  );
  assert.equal(toSystemdCgroupsPath('/system.slice', 'bpm-uaa'), 'system.slice:system-slice-bpm:bpm-uaa');
  assert.equal(
    toSystemdCgroupsPath('/garden-abc.scope', 'bpm-uaa'),
    'system.slice:garden-abc-scope-bpm:bpm-uaa',
  );
  assert.equal(toSystemdCgroupsPath('/', 'bpm-uaa'), 'system.slice:bpm:bpm-uaa');
  assert.equal(
    cgroupsPath('/system.slice/garden-abc.scope/monit.service', true, 'bpm-uaa'),
    'system.slice:garden-abc-scope-bpm:bpm-uaa',
  );
});

test('systemd: first .slice wins; unique is the part after it, else the first non-empty normalised part', () => {
  assert.equal(
    toSystemdCgroupsPath('/user.slice/user-0.slice/session-1.scope', 'bpm-j'),
    'user.slice:user-0-slice-bpm:bpm-j',
  );
  assert.equal(toSystemdCgroupsPath('/a/b.slice', 'bpm-j'), 'b.slice:a-bpm:bpm-j');
  assert.equal(toSystemdCgroupsPath('/x y/z', 'bpm-j'), 'system.slice:x-y-bpm:bpm-j');
  assert.equal(toSystemdCgroupsPath('', 'bpm-j'), 'system.slice:bpm:bpm-j');
  assert.equal(toSystemdCgroupsPath('/init.scope', 'bpm-j'), 'system.slice:init-scope-bpm:bpm-j');
  assert.equal(toSystemdCgroupsPath('/kubepods_1/é', 'bpm-j'), 'system.slice:kubepods_1-bpm:bpm-j');
});

test('sliceDir: every - opens a nested slice; -.slice is the root', () => {
  assert.equal(sliceDir('system.slice'), '/system.slice');
  assert.equal(sliceDir('user-1000.slice'), '/user.slice/user-1000.slice');
  assert.equal(sliceDir('a-b-c.slice'), '/a.slice/a-b.slice/a-b-c.slice');
  assert.equal(sliceDir('-.slice'), '/');
});

test('containerParentCgroup: the slice of the scope on systemd, bpm’s own cgroup otherwise', () => {
  assert.equal(containerParentCgroup('/system.slice/monit.service', true), '/system.slice');
  assert.equal(containerParentCgroup('/user.slice/user-0.slice/session-1.scope', true), '/user.slice');
  assert.equal(containerParentCgroup('/garden-abc.scope', true), '/system.slice');
  assert.equal(containerParentCgroup(undefined, true), '/system.slice');
  assert.equal(containerParentCgroup('/garden/abc-123/', false), '/garden/abc-123');
  assert.equal(containerParentCgroup('/', false), '/');
  assert.equal(containerParentCgroup('', false), '/');
  assert.equal(containerParentCgroup(undefined, false), '/');
});
