// The http probe: GET http://127.0.0.1:PORT/PATH (another host for monit's rules, src/monit/rule-cycle.ts). The container shares the host's network
// namespace (bpm gives it none of its own), so the job's loopback port is the host's. 2xx and 3xx
// pass (redirects are not followed); anything else, a refused connection or an abort fails.
//
// The request is written on a plain node:net socket and only the status line of the response is
// read, as Kubernetes' prober only looks at the code: node:http's client (its parser, request and
// response objects) cost ~6 MiB more with 30 probes on the probe thread, ~3 MiB on the main thread
// (docs/performance.md, "Probes and the 80 MiB goal"). Interim 1xx responses (100 Continue, 103 Early Hints) are skipped, as Go's
// client does; 101 is a final answer, and fails.
import { connect } from 'node:net';
import type { ProbeOutcome } from './tracker.ts';

/** More than this before the final status line is not an HTTP server's answer. */
const MAX_HEAD_BYTES = 16 * 1024;

/** The code of the first final response in `head` (the bytes read so far), or why there is none. */
export function finalStatus(head: string): { code: number } | { more: true } | { bad: string } {
  let rest = head;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return rest.length > MAX_HEAD_BYTES ? { bad: 'response header too large' } : { more: true };
    const line = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(rest.slice(0, eol));
    if (line === null)
      return { bad: `malformed HTTP response ${JSON.stringify(rest.slice(0, Math.min(eol, 40)))}` };
    const code = Number(line[1]);
    if (code >= 200 || code === 101 || code < 100) return { code };
    // An interim response: its header block ends with an empty line, then the next response follows.
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return rest.length > MAX_HEAD_BYTES ? { bad: 'response header too large' } : { more: true };
    rest = rest.slice(end + 4);
  }
}

export function httpProbe(
  port: number,
  path: string,
  host = '127.0.0.1',
): (abort: AbortSignal) => Promise<ProbeOutcome> {
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const request = `GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: bpm-probe\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
  return (abort) =>
    new Promise((resolve) => {
      // The config allows no whitespace in a path (decode-supervision.ts); nothing else may split
      // the request line either.
      if (/[\s\0]/.test(path) || !path.startsWith('/')) {
        resolve({ ok: false, detail: `invalid request path ${JSON.stringify(path)}` });
        return;
      }
      let head = '';
      let settled = false;
      const socket = connect({ host, port, signal: abort });
      const finish = (outcome: ProbeOutcome) => {
        socket.destroy();
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      socket.setEncoding('latin1');
      socket.once('connect', () => socket.write(request));
      socket.on('data', (chunk: string) => {
        head += chunk;
        const status = finalStatus(head);
        if ('code' in status)
          finish({ ok: status.code >= 200 && status.code < 400, detail: `HTTP ${status.code}` });
        else if ('bad' in status) finish({ ok: false, detail: status.bad });
        // However it is made up (a job sending interim responses without end), what is kept and
        // parsed again on each chunk stays bounded.
        else if (head.length > MAX_HEAD_BYTES) finish({ ok: false, detail: 'response header too large' });
      });
      socket.once('end', () => finish({ ok: false, detail: 'connection closed before a response' }));
      socket.once('error', (err) => finish({ ok: false, detail: err.message }));
      socket.once('close', () => finish({ ok: false, detail: 'connection closed before a response' }));
    });
}
