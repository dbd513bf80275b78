import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Pod } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { RootPaths } from '../../src/bosh/paths.ts';
import { parseJobConfig } from '../../src/config/parse.ts';
import type { Volume } from '../../src/config/types.ts';
import { buildPod, NOT_EXPRESSIBLE_ANNOTATION, type PodExport } from '../../src/export/k8s-pod.ts';
import type { K8sContainer } from '../../src/export/k8s-types.ts';
import { podYaml } from '../../src/export/k8s-yaml.ts';

const FIXTURES = new URL('../fixtures/jobs/', import.meta.url);
const root = new RootPaths('/var/vcap');
const USER = { uid: 1000, gid: 1000 };

function exportYaml(job: string, text: string, unrestricted: Volume[][] = []): PodExport {
  const config = parseJobConfig(text, `/var/vcap/jobs/${job}/config/bpm.yml`, { root: '/var/vcap', job });
  return buildPod({ job, config, paths: root.job(job), image: 'example/img:1', user: USER, unrestricted });
}

function exportFixture(job: string, unrestricted: Volume[][] = []): PodExport {
  return exportYaml(job, readFileSync(new URL(`${job}/config/bpm.yml`, FIXTURES), 'utf8'), unrestricted);
}

function validateAgainstSchema(e: PodExport): void {
  // Round-trip through the YAML text, as kubectl would read it.
  new Pod(parse(podYaml(e.pod))).validate();
}

function container(e: PodExport, name: string): K8sContainer {
  const c = e.pod.spec.containers.find((x) => x.name === name);
  assert.ok(c, `no container ${name}`);
  return c;
}

const devLog: Volume[][] = [
  [{ path: '/dev/log', writable: true, allowExecutions: false, mountOnly: false, shared: false }],
];

describe('bpm export k8s', () => {
  for (const job of ['plain', 'hardened', 'privileged', 'multi']) {
    it(`the ${job} example validates against the Kubernetes Pod schema`, () => {
      validateAgainstSchema(exportFixture(job, job === 'privileged' ? devLog : []));
    });
  }

  it('one container per process with command, args, env and workingDir', () => {
    const e = exportFixture('multi');
    assert.deepEqual(
      e.pod.spec.containers.map((c) => c.name),
      ['api-server', 'worker'],
    );
    const api = container(e, 'api-server');
    assert.deepEqual(api.command, ['/var/vcap/jobs/multi/bin/api']);
    assert.deepEqual(api.args, ['serve']);
    assert.equal(api.workingDir, '/var/vcap/data/multi');
    assert.equal(api.image, 'example/img:1');
    assert.deepEqual(api.env, [
      { name: 'PORT', value: '8080' },
      { name: 'HOME', value: '/var/vcap/data/multi/home' },
      { name: 'TMPDIR', value: '/var/vcap/data/multi/tmp' },
      { name: 'LANG', value: 'en_US.UTF-8' },
      {
        name: 'PATH',
        value: '/var/vcap/jobs/multi/bin:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.',
      },
    ]);
    assert.equal(container(e, 'worker').workingDir, '/var/vcap/jobs/multi');
    assert.equal(container(e, 'worker').args, undefined);
    assert.match(e.notExpressible.join('\n'), /container name api-server stands for process "api_server"/);
  });

  it('securityContext: vcap, drop ALL plus the listed capabilities, no escalation, read-only root, RuntimeDefault', () => {
    const api = container(exportFixture('multi'), 'api-server');
    assert.deepEqual(api.securityContext, {
      runAsUser: 1000,
      runAsGroup: 1000,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(container(exportFixture('plain'), 'plain').securityContext.capabilities, {
      drop: ['ALL'],
    });
  });

  it('privileged and host_pid_namespace', () => {
    const e = exportFixture('privileged', devLog);
    const agent = container(e, 'agent');
    assert.equal(agent.securityContext.privileged, true);
    assert.equal(agent.securityContext.runAsUser, 0);
    assert.equal(agent.securityContext.allowPrivilegeEscalation, true);
    assert.equal(agent.securityContext.seccompProfile.type, 'Unconfined');
    assert.equal(e.pod.spec.hostPID, true);
    assert.equal(e.pod.spec.shareProcessNamespace, false);
    assert.equal(exportFixture('plain').pod.spec.hostPID, false);
  });

  it('resources.limits.memory as a binary quantity', () => {
    assert.deepEqual(container(exportFixture('hardened'), 'hardened').resources, {
      limits: { memory: '256Mi' },
    });
    assert.deepEqual(container(exportFixture('multi'), 'api-server').resources, {
      limits: { memory: '1536Mi' },
    });
    assert.equal(container(exportFixture('plain'), 'plain').resources, undefined);
  });

  it('volumes: emptyDir for tmp and the ephemeral disk, a PVC for the persistent disk, hostPath for volumes', () => {
    const e = exportFixture('multi');
    assert.deepEqual(e.pod.spec.volumes, [
      { name: 'tmp', emptyDir: {} },
      { name: 'log', emptyDir: {} },
      { name: 'ephemeral-disk', emptyDir: {} },
      { name: 'persistent-disk', persistentVolumeClaim: { claimName: 'multi-store' } },
      {
        name: 'volume-var-vcap-data-shared-sockets',
        hostPath: { path: '/var/vcap/data/shared/sockets', type: 'DirectoryOrCreate' },
      },
      { name: 'volume-var-vcap-data-shared-plugins', hostPath: { path: '/var/vcap/data/shared/plugins' } },
    ]);
    assert.deepEqual(container(e, 'api-server').volumeMounts, [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'tmp', mountPath: '/var/tmp' },
      { name: 'tmp', mountPath: '/var/vcap/data/multi/tmp' },
      { name: 'log', mountPath: '/var/vcap/sys/log/multi' },
      { name: 'ephemeral-disk', mountPath: '/var/vcap/data/multi' },
      { name: 'persistent-disk', mountPath: '/var/vcap/store/multi' },
      { name: 'volume-var-vcap-data-shared-sockets', mountPath: '/var/vcap/data/shared/sockets' },
      {
        name: 'volume-var-vcap-data-shared-plugins',
        mountPath: '/var/vcap/data/shared/plugins',
        readOnly: true,
      },
    ]);
    // The worker mounts the same host path read-only through the same pod volume.
    assert.deepEqual(container(e, 'worker').volumeMounts.at(-1), {
      name: 'volume-var-vcap-data-shared-sockets',
      mountPath: '/var/vcap/data/shared/sockets',
      readOnly: true,
    });
  });

  it('unrestricted volumes become hostPath mounts, readOnly honoured, BOSH-mount matches dropped as bpm does', () => {
    const e = exportFixture('privileged', [
      [
        { path: '/dev/log', writable: true, allowExecutions: false, mountOnly: false, shared: false },
        {
          path: '/var/vcap/packages/x',
          writable: false,
          allowExecutions: false,
          mountOnly: false,
          shared: false,
        },
        { path: '/srv/ro', writable: false, allowExecutions: true, mountOnly: false, shared: false },
      ],
    ]);
    const mounts = container(e, 'agent').volumeMounts.filter((m) => m.name.startsWith('unrestricted'));
    assert.deepEqual(mounts, [
      { name: 'unrestricted-dev-log', mountPath: '/dev/log' },
      { name: 'unrestricted-srv-ro', mountPath: '/srv/ro', readOnly: true },
    ]);
    assert.ok(e.pod.spec.volumes.some((v) => 'hostPath' in v && v.hostPath.path === '/dev/log'));
  });

  it('duplicate destinations are dropped as bpm drops them (no duplicate mountPath)', () => {
    const e = exportYaml(
      'd',
      'processes:\n- name: d\n  executable: /bin/d\n  additional_volumes:\n  - path: /var/vcap/jobs/d\n    mount_only: true\n  - path: /var/vcap/data/d/x\n  - path: /var/vcap/data/d/x\n',
    );
    const paths = container(e, 'd').volumeMounts.map((m) => m.mountPath);
    assert.equal(new Set(paths).size, paths.length);
    assert.ok(!paths.includes('/var/vcap/jobs/d'));
    validateAgainstSchema(e);
  });

  it('pre_start becomes an init container with the process environment and volumes', () => {
    const e = exportFixture('multi');
    const init = e.pod.spec.initContainers ?? [];
    assert.equal(init.length, 1);
    assert.equal(init[0]!.name, 'api-server-pre-start');
    assert.deepEqual(init[0]!.command, ['/var/vcap/jobs/multi/bin/pre-start']);
    assert.deepEqual(init[0]!.env, container(e, 'api-server').env);
    assert.deepEqual(init[0]!.volumeMounts, container(e, 'api-server').volumeMounts);
    assert.equal(exportFixture('plain').pod.spec.initContainers, undefined);
  });

  it('lists what Kubernetes cannot express in an annotation, never dropping it silently', () => {
    const e = exportFixture('multi');
    const annotation = e.pod.metadata.annotations[NOT_EXPRESSIBLE_ANNOTATION] ?? '';
    assert.equal(annotation, e.notExpressible.join('\n'));
    for (const text of [
      'api_server: limits.processes=200: no per-container pids limit',
      'api_server: limits.open_files=4096',
      'api_server: limits.core_file_size=0',
      'api_server: noexec on volumes: /tmp, /var/tmp',
      'api_server: shutdown_signal INT: Kubernetes always sends SIGTERM',
      'api_server: shared volumes (mount propagation to the host): /var/vcap/data/shared/sockets',
      'api_server: pre_start runs on the host as root',
    ]) {
      assert.ok(annotation.includes(text), `annotation lacks ${text}:\n${annotation}`);
    }
    assert.doesNotMatch(annotation, /worker: shutdown_signal/);
    assert.match(
      exportFixture('privileged', devLog).notExpressible.join('\n'),
      /unrestricted volume globs were expanded/,
    );
  });

  it('pod-level settings', () => {
    const { pod } = exportFixture('plain');
    assert.equal(pod.metadata.name, 'plain');
    assert.equal(pod.metadata.annotations['bpm.bosh.io/job'], 'plain');
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.hostNetwork, true);
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.equal(pod.spec.terminationGracePeriodSeconds, 20);
  });

  it('a bad memory limit is a config error naming the field', () => {
    assert.throws(
      () => exportYaml('m', 'processes:\n- name: m\n  executable: /bin/m\n  limits: {memory: 12}\n'),
      /bpm.yml:4:20: processes\[0\].limits.memory: byte quantity must be a positive integer/,
    );
  });

  it('emits YAML without anchors', () => {
    assert.doesNotMatch(podYaml(exportFixture('multi').pod), /[&*]a\d/);
  });
});
