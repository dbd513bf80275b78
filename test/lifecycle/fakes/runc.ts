// An in-memory runc (RuncPort of src/lifecycle/ports.ts). Containers live in a map, but each also
// gets the state.json runc would write (init pid, start time, bundle label), because the lifecycle
// reads that file itself (ownership, the pidfd path, broken-state detection). `calls` lists the
// runc invocations the real client would spawn: `state` with no state file spawns nothing.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RuncPort } from '../../../src/lifecycle/ports.ts';
import type { DetachedRun, ForegroundEnd, ForegroundRun, KillSignal } from '../../../src/runc/client.ts';
import { RuncError } from '../../../src/runc/errors.ts';
import type { ContainerState, StateResult } from '../../../src/runc/state.ts';
import type { FakeProcess, ProcessTable, Reaction } from './processes.ts';

const SIGNAL_NUMBERS: Record<KillSignal, number> = { INT: 2, QUIT: 3, KILL: 9, TERM: 15 };

type Operation = 'state' | 'list' | 'runDetached' | 'runForeground' | 'kill' | 'delete';

export interface FakeContainer {
  /** runc's word while the init lives (`running`, `created`, `paused`…); `stopped` once it is gone. */
  status: string;
  init: FakeProcess;
  bundle: string;
  /** What `runc list` says of its creation (RFC 3339), if set. */
  created?: string;
}

export class FakeRunc implements RuncPort {
  readonly root: string;
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** Make the next call of an operation fail with this error. */
  readonly failures: Partial<Record<Operation, Error>> = {};
  /** How `runForeground` ends. */
  foregroundExit: ForegroundEnd = { code: 0, signal: null, runcError: undefined };
  /**
   * Set to make `runForeground` run a container until a signal ends it, its init answering
   * signals so; unset, it ends at once with `foregroundExit`.
   */
  foregroundReactions: Partial<Record<KillSignal, Reaction>> | undefined;
  /** The status such a run ends with (a job that exits on its own); unset, tini's 128+N. */
  foregroundCode: number | undefined;
  /** How the init of the next `runDetached` answers signals. */
  nextReactions: Partial<Record<KillSignal, Reaction>> = {};
  private readonly procs: ProcessTable;

  constructor(root: string, procs: ProcessTable) {
    this.root = root;
    this.procs = procs;
  }

  stateFile(cid: string): string {
    return join(this.root, cid, 'state.json');
  }

  /** A container as if runc had made it from `bundle` (its state.json included). */
  add(
    cid: string,
    bundle: string,
    status = 'running',
    reactions: Partial<Record<KillSignal, Reaction>> = {},
  ) {
    const init = this.procs.spawn(cid, reactions);
    if (status === 'stopped') init.alive = false;
    const c: FakeContainer = { status, init, bundle };
    this.containers.set(cid, c);
    this.writeState(cid, c);
    return c;
  }

  writeState(cid: string, c: FakeContainer): void {
    const file = this.stateFile(cid);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        id: cid,
        init_process_pid: c.init.pid,
        init_process_start: c.init.startTime,
        config: { labels: [`bundle=${c.bundle}`] },
      }),
    );
  }

  private call(op: Operation, text: string): void {
    this.calls.push(text);
    const err = this.failures[op];
    if (err === undefined) return;
    delete this.failures[op];
    throw err;
  }

  /** runc checks the init's start time too: a recycled pid does not keep a container running. */
  private status(c: FakeContainer): string {
    return c.init.alive ? c.status : 'stopped';
  }

  async state(cid: string): Promise<StateResult> {
    if (!existsSync(this.stateFile(cid))) return { exists: false };
    this.call('state', `state ${cid}`);
    const c = this.containers.get(cid);
    if (c === undefined) return { exists: false };
    const status = this.status(c);
    return { exists: true, state: { id: cid, pid: status === 'stopped' ? 0 : c.init.pid, status } };
  }

  async list(): Promise<ContainerState[]> {
    this.call('list', 'list');
    return [...this.containers].map(([id, c]) => {
      const status = this.status(c);
      const row: ContainerState = { id, pid: status === 'stopped' ? 0 : c.init.pid, status };
      if (c.created !== undefined) row.created = c.created;
      return row;
    });
  }

  async runDetached(run: DetachedRun): Promise<void> {
    this.call('runDetached', `run --detach ${run.cid}`);
    if (this.containers.has(run.cid)) throw new RuncError('exit status 1');
    const c: FakeContainer = {
      status: 'running',
      init: this.procs.spawn(run.cid, this.nextReactions),
      bundle: run.bundle,
    };
    this.containers.set(run.cid, c);
    this.writeState(run.cid, c);
    writeFileSync(run.pidFile, String(c.init.pid));
  }

  async runForeground(run: ForegroundRun): Promise<ForegroundEnd> {
    this.call('runForeground', `run ${run.cid}`);
    const reactions = this.foregroundReactions;
    if (reactions === undefined) return this.foregroundExit;
    // A container that runs until a signal ends it, as `runc run` would: signals relayed to its
    // init, the container deleted once the init is gone, runc's status tini's (128+N).
    const c = this.add(run.cid, run.bundle, 'running', reactions);
    run.started?.({ signal: (signal) => this.procs.signal(c.init, signal) });
    await this.procs.exited(c.init, new AbortController().signal);
    this.containers.delete(run.cid);
    rmSync(dirname(this.stateFile(run.cid)), { recursive: true, force: true });
    const last = c.init.received.at(-1);
    const killed = last === undefined ? 0 : 128 + SIGNAL_NUMBERS[last];
    return { code: this.foregroundCode ?? killed, signal: null, runcError: undefined };
  }

  async kill(cid: string, signal: KillSignal): Promise<void> {
    this.call('kill', `kill ${cid} ${signal}`);
    const c = this.containers.get(cid);
    if (c === undefined) throw new RuncError('exit status 1');
    if (this.status(c) === 'stopped') throw new RuncError('exit status 1'); // container not running
    this.procs.signal(c.init, signal);
  }

  async delete(cid: string): Promise<void> {
    this.call('delete', `delete --force ${cid}`);
    this.procs.killContainer(cid);
    this.containers.delete(cid);
    rmSync(dirname(this.stateFile(cid)), { recursive: true, force: true });
  }
}
