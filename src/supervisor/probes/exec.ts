// The exec probe: `runc exec` of the argv in the running container (runc/client.ts's execProbe), as
// the container's process runs (vcap, its environment and restrictions). Exit status 0 passes.
// Each attempt costs a runc spawn (runc exec and its `runc init`; see docs/supervisor.md#probes).
import { type ExitResult, exitText } from '../../text/exit-status.ts';
import type { ProbeOutcome } from './tracker.ts';

/** What the exec probe needs of runc (runc/client.ts's RuncClient). */
export interface ProbeExec {
  execProbe(cid: string, argv: readonly string[], abort: AbortSignal): Promise<ExitResult>;
}

export function execProbe(
  runc: () => ProbeExec,
  cid: string,
  argv: readonly string[],
): (abort: AbortSignal) => Promise<ProbeOutcome> {
  return async (abort) => {
    const end = await runc().execProbe(cid, argv, abort);
    return { ok: end.code === 0, detail: exitText(end) };
  };
}
