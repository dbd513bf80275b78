// What the probes' integration tests share (probes.test.ts, probes-under-load.test.ts): the test
// server the http and tcp probes look at, the job scripts, `bpm supervise` for one test and its
// status as JSON.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import type { TestContext } from 'node:test';
import { type BoshRoot, scaledMs } from '../../helpers/bosh-root.ts';

// A tiny HTTP server: after DELAY seconds it listens on 127.0.0.1:PORT for LIFETIME seconds (0:
// for ever), answers every GET with 200 and appends the time of each request to LOG (if given);
// then it closes the port and sleeps.
export const SERVER = `#!/usr/bin/python3
import http.server, sys, threading, time
port, delay, lifetime = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
log = sys.argv[4] if len(sys.argv) > 4 else None
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if log:
            with open(log, 'a') as f: f.write('%f\\n' % time.time())
        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
time.sleep(delay)
s = http.server.HTTPServer(('127.0.0.1', port), H)
if lifetime > 0:
    threading.Timer(lifetime, s.shutdown).start()
s.serve_forever()
s.server_close()
time.sleep(100000)
`;
export const CRASHER = '#!/bin/sh\nsleep 0.1\nexit 3\n';
export const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

/** `ms` scaled to the host's speed, in seconds: the SERVER's DELAY and LIFETIME arguments. */
export function seconds(ms: number): string {
  return String(scaledMs(ms) / 1000);
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface SupervisorJson {
  state: string;
  restarts: number;
  readiness?: {
    status: string;
    consecutive_failures: number;
    last_result: string | null;
    last_detail: string | null;
  };
  liveness?: {
    status: string;
    consecutive_failures: number;
    last_result: string | null;
    last_detail: string | null;
  };
}

export async function supervisorStatus(r: BoshRoot, job: string): Promise<SupervisorJson> {
  const res = await r.bpm('status', job, '--json');
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout).processes[0].supervisor as SupervisorJson;
}

/** `bpm supervise --job …` for one test; SIGTERMed after it, also when it failed (so the next test can start one). */
export function supervise(t: TestContext, r: BoshRoot, jobs: string[], timeoutMs?: number) {
  const sup = r.spawnBpm(
    ['supervise', ...jobs.flatMap((j) => ['--job', j])],
    timeoutMs === undefined ? {} : { timeoutMs },
  );
  t.after(async () => {
    sup.child.kill('SIGTERM');
    await sup.done;
  });
  return sup;
}
