// The probe thread's entry (probe-thread.ts starts it): every probe loop of the supervisor runs
// here, on its own event loop, so their timers, cut-offs and sockets are on time however busy the
// main thread is with starts and stops (building and writing bundles, cgroup and state files).
import { parentPort } from 'node:worker_threads';
import { targetRunner } from './check-runner.ts';
import { ProbeLoop, REAL_TIMERS } from './loop.ts';
import type { FromProbeThread, ToProbeThread } from './thread-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('the probe thread runs as a worker');
const loops = new Map<number, ProbeLoop>();

port.on('message', (message: ToProbeThread) => {
  loops.get(message.id)?.stop();
  loops.delete(message.id);
  if (message.op !== 'start') return;
  const loop = new ProbeLoop(
    message.config,
    targetRunner(message.config.check, message.exec),
    REAL_TIMERS,
    (outcome, changed, view) => {
      const reply: FromProbeThread = { id: message.id, outcome, changed, view };
      port.postMessage(reply);
    },
  );
  loops.set(message.id, loop);
  loop.start();
});
