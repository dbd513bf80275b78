// The http probe: GET http://127.0.0.1:PORT/PATH (another host for monit's rules, src/monit/rule-cycle.ts). The container shares the host's network
// namespace (bpm gives it none of its own), so the job's loopback port is the host's. 2xx and 3xx
// pass (redirects are not followed); anything else, a refused connection or an abort fails.
import { request } from 'node:http';
import type { ProbeOutcome } from './tracker.ts';

export function httpProbe(
  port: number,
  path: string,
  host = '127.0.0.1',
): (abort: AbortSignal) => Promise<ProbeOutcome> {
  return (abort) =>
    new Promise((resolve) => {
      const req = request(
        {
          host,
          port,
          path,
          method: 'GET',
          agent: false,
          signal: abort,
          headers: { 'user-agent': 'bpm-probe', connection: 'close' },
        },
        (res) => {
          const code = res.statusCode ?? 0;
          res.destroy();
          resolve({ ok: code >= 200 && code < 400, detail: `HTTP ${code}` });
        },
      );
      req.once('error', (err) => resolve({ ok: false, detail: err.message }));
      req.end();
    });
}
