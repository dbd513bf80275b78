// The runner of one probe check (docs/supervisor.md#probes): http and tcp connect to the host's
// loopback, exec enters the container through runc. Shared by the supervisor's probe loops (on its
// main thread, in-process.ts, or on the probe thread, worker-main.ts) and `bpm run`'s readiness
// wait (first-pass.ts).
import type { ProbeCheck } from '../../config/supervision.ts';
import { RuncClient } from '../../runc/client.ts';
import { execProbe, type ProbeExec } from './exec.ts';
import { httpProbe } from './http.ts';
import type { ProbeRunner } from './loop.ts';
import { tcpProbe } from './tcp.ts';
import type { ExecTarget } from './thread-protocol.ts';

/** Where an exec check runs: the container and the runc to enter it with (made on first use). */
export interface ExecIn {
  cid: string;
  runc: () => ProbeExec;
}

export function checkRunner(check: ProbeCheck, exec: ExecIn | undefined): ProbeRunner {
  switch (check.kind) {
    case 'http':
      return httpProbe(check.port, check.path);
    case 'tcp':
      return tcpProbe(check.port);
    case 'exec':
      if (exec === undefined) return () => Promise.resolve({ ok: false, detail: 'no container to exec in' });
      return execProbe(exec.runc, exec.cid, check.argv);
  }
}

/** The runner of a supervisor's probe: `target` names the container and runc of an exec check. */
export function targetRunner(check: ProbeCheck, target: ExecTarget | undefined): ProbeRunner {
  if (target === undefined) return checkRunner(check, undefined);
  const runc = new RuncClient(target.runc);
  return checkRunner(check, { cid: target.cid, runc: () => runc });
}
