// The tcp probe: connect to 127.0.0.1:PORT (or another host, for monit's rules) (the host's loopback, which the container shares) and
// close at once. A refused connection or an abort fails.
import { connect } from 'node:net';
import type { ProbeOutcome } from './tracker.ts';

export function tcpProbe(port: number, host = '127.0.0.1'): (abort: AbortSignal) => Promise<ProbeOutcome> {
  return (abort) =>
    new Promise((resolve) => {
      const socket = connect({ host, port, signal: abort });
      socket.once('connect', () => {
        socket.destroy();
        resolve({ ok: true, detail: 'connected' });
      });
      socket.once('error', (err) => {
        socket.destroy();
        resolve({ ok: false, detail: err.message });
      });
    });
}
