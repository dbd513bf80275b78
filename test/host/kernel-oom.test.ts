// The kernel log's oom-kill lines (parsed here from real-shaped records; test/integration/status
// reads the real /dev/kmsg after a real OOM kill).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelOomKills, oomKillStamp } from '../../src/host/kernel-oom.ts';

const KILL =
  '6,2542,3256301516,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=bpm-web,mems_allowed=0,oom_memcg=/bpm-web,task_memcg=/bpm-web,task=perl,pid=16145,uid=999\n';

test('an oom-kill record of the cgroup gives its boot-relative stamp', () => {
  assert.equal(oomKillStamp(KILL, '/bpm-web'), 3256301516);
  const v2 = KILL.replaceAll('/bpm-web', '/system.slice/monit-bpm-bpm-web.scope');
  assert.equal(oomKillStamp(v2, '/system.slice/monit-bpm-bpm-web.scope'), 3256301516);
});

test('other cgroups, other messages and garbage are not kills of this cgroup', () => {
  assert.equal(oomKillStamp(KILL, '/bpm-web2'), undefined);
  assert.equal(oomKillStamp(KILL, '/bpm'), undefined);
  assert.equal(
    oomKillStamp(
      '3,2543,3256301526,-;Memory cgroup out of memory: Killed process 16145 (perl)\n',
      '/bpm-web',
    ),
    undefined,
  );
  assert.equal(oomKillStamp('no semicolon', '/bpm-web'), undefined);
  // A task named to look like a field cannot move the kill to another cgroup.
  const spoof = KILL.replace('task=perl', 'task=x,task_memcg=/b').replaceAll('/bpm-web', '/bpm-a');
  assert.equal(oomKillStamp(spoof, '/b'), undefined);
  assert.equal(oomKillStamp(spoof, '/bpm-a'), 3256301516);
  assert.equal(oomKillStamp('6,1,x,-;oom-kill:task_memcg=/bpm-web,pid=1\n', '/bpm-web'), undefined);
});

test('an unreadable log gives no figure', () => {
  assert.equal(kernelOomKills('/bpm-web', 0, '/nonexistent/kmsg'), undefined);
});
