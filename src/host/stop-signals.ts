// SIGTERM and SIGINT as a request to stop, for `bpm run` (docs/behaviour/policy.md fix #13): the
// first one aborts the returned signal; every later one is caught and ignored, so that it neither
// kills bpm (Node's default for an uncaught SIGTERM) nor cuts the stop short. The handlers stay
// until `release`, called once the command is done.
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export interface StopRequest {
  signal: AbortSignal;
  release(): void;
}

export function catchStopSignals(): StopRequest {
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (!stop.signal.aborted) stop.abort(name);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  return {
    signal: stop.signal,
    release: () => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
    },
  };
}
