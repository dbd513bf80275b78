// The supervisor's one probe thread (a worker thread running worker-main.ts): started on the first
// probe, shared by every process. The bundle carries the thread's code as a string
// (scripts/build.mjs), so it also runs from the single executable; from source the .ts file runs.
// The string has no file of its own: it gets the bundle's module URL to load koffi from.
import { Worker } from 'node:worker_threads';
import type { ProbeConfig } from '../../config/supervision.ts';
import type { ExecTarget, FromProbeThread, ToProbeThread } from './thread-protocol.ts';

declare const BPM_PROBE_WORKER: string | undefined;

type Listener = (result: FromProbeThread) => void;

export class ProbeThread {
  private worker: Worker | undefined;
  private nextId = 1;
  /** The running loops: their listener and the message that started them. */
  private readonly loops = new Map<number, { listener: Listener; start: ToProbeThread }>();

  /** Start a probe loop; `listener` gets each result. Returns the id to stop it with. */
  start(config: ProbeConfig, exec: ExecTarget | undefined, listener: Listener): number {
    const id = this.nextId++;
    const start: ToProbeThread =
      exec === undefined ? { op: 'start', id, config } : { op: 'start', id, config, exec };
    this.loops.set(id, { listener, start });
    this.thread().postMessage(start);
    return id;
  }

  /** Stop it; results still on their way are dropped. */
  stop(id: number): void {
    if (!this.loops.delete(id)) return;
    const message: ToProbeThread = { op: 'stop', id };
    this.worker?.postMessage(message);
  }

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker =
      typeof BPM_PROBE_WORKER === 'string'
        ? new Worker(BPM_PROBE_WORKER, { eval: true, workerData: { moduleUrl: import.meta.url } })
        : new Worker(new URL('./worker-main.ts', import.meta.url));
    worker.on('message', (result: FromProbeThread) => this.loops.get(result.id)?.listener(result));
    worker.on('error', () => {
      // Not expected (every probe's failure is a result); should it happen, a new thread takes over
      // every loop, each starting again with its initial delay.
      this.worker = undefined;
      if (this.loops.size === 0) return;
      const next = this.thread();
      for (const { start } of this.loops.values()) next.postMessage(start);
    });
    // It never keeps the supervisor alive: the supervisor's own waits do. (After the listeners:
    // adding a 'message' listener refs the worker again.)
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
