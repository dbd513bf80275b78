import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { securityScore } from '../../src/analysis/security-score.ts';
import { parseJobConfig } from '../../src/config/parse.ts';

function score(yaml: string) {
  const config = parseJobConfig(yaml, '/x/bpm.yml', { root: '/var/vcap', job: 'web' });
  return securityScore(config.processes[0]!);
}

describe('security score', () => {
  it('a plain job loses points only for missing limits', () => {
    const s = score('processes:\n- name: web\n  executable: /bin/web\n');
    assert.equal(s.score, 90);
    assert.equal(s.rating, 'hardened');
    assert.deepEqual(
      s.deductions.map((d) => [d.setting, d.points]),
      [
        ['limits.memory', 5],
        ['limits.processes', 5],
      ],
    );
  });

  it('a hardened job scores 100', () => {
    const s = score(
      'processes:\n- name: web\n  executable: /bin/web\n  limits: {memory: 256M, processes: 64}\n  ephemeral_disk: true\n',
    );
    assert.equal(s.score, 100);
    assert.equal(s.rating, 'hardened');
    assert.deepEqual(s.deductions, []);
  });

  it('a privileged job with host pid and an unrestricted volume is unsafe', () => {
    const s = score(
      'processes:\n- name: web\n  executable: /bin/web\n  capabilities: [SYS_ADMIN]\n  unsafe:\n    privileged: true\n    host_pid_namespace: true\n    unrestricted_volumes: [{path: /dev, writable: true}]\n',
    );
    assert.deepEqual(
      s.deductions.map((d) => [d.setting, d.points]),
      [
        ['unsafe.privileged', 50],
        ['unsafe.host_pid_namespace', 15],
        ['unsafe.unrestricted_volumes: /dev', 15],
        ['limits.memory', 5],
        ['limits.processes', 5],
      ],
    );
    assert.equal(s.score, 10);
    assert.equal(s.rating, 'unsafe');
  });

  it('capabilities and volumes lower the score, capabilities capped at 30', () => {
    const s = score(
      'processes:\n- name: web\n  executable: /bin/web\n  limits: {memory: 1G, processes: 10}\n  capabilities: [NET_BIND_SERVICE, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, CHOWN]\n  additional_volumes:\n  - {path: /var/vcap/data/a, writable: true}\n  - {path: /var/vcap/data/b, allow_executions: true}\n  - {path: /var/vcap/data/c, writable: true, allow_executions: true}\n',
    );
    const caps = s.deductions.filter((d) => d.setting.startsWith('capabilities'));
    assert.equal(
      caps.reduce((n, d) => n + d.points, 0),
      30,
    );
    assert.deepEqual(
      s.deductions.filter((d) => d.setting.startsWith('additional')).map((d) => d.points),
      [2, 3, 5],
    );
    assert.equal(s.score, 100 - 30 - 10);
    assert.equal(s.rating, 'exposed');
  });
});
