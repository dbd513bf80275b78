// The CLI's side of the control socket: no socket file (one lstat, no connect), a socket a killed
// supervisor left behind (connect refused), and a supervisor that answers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { askSupervisor } from '../../src/supervisor/control-client.ts';
import { controlDir, controlSocketPath } from '../../src/supervisor/control-protocol.ts';

let dir: string;
let root: RootPaths;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bpm-control-client-'));
  root = new RootPaths(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('no socket file: no supervisor', async () => {
  assert.equal(await askSupervisor(root, { op: 'status' }), undefined);
});

test('a socket nobody listens on (its supervisor was killed): no supervisor', async () => {
  mkdirSync(controlDir(root), { recursive: true });
  // A process that listens and dies by SIGKILL leaves the socket file behind.
  const script = `require('node:net').createServer().listen(${JSON.stringify(controlSocketPath(root))}, () => process.kill(process.pid, 'SIGKILL'))`;
  assert.equal(spawnSync(process.execPath, ['-e', script]).signal, 'SIGKILL');
  assert.equal(await askSupervisor(root, { op: 'status' }), undefined);
});

test('a supervisor that answers: its reply', async () => {
  mkdirSync(controlDir(root), { recursive: true });
  rmSync(controlSocketPath(root), { force: true });
  const server = createServer((s) => s.end('{"ok":true,"processes":[]}\n'));
  await new Promise<void>((resolve) => server.listen(controlSocketPath(root), resolve));
  try {
    assert.deepEqual(await askSupervisor(root, { op: 'status' }), { ok: true, processes: [] });
  } finally {
    server.close();
  }
});
