// The test agent's job supervisor, written from the BOSH agent's monit job supervisor
// (jobsupervisor/monit_job_supervisor.go): Start (start every vcap service), StopAndWait (wait until
// nothing is pending, stop the group, then poll every 500 ms until no service is monitored or
// pending, failing on a service that errored, 5 minutes at most), Unmonitor, Reload (restart monit,
// then wait for a new incarnation: 3 tries of 6 checks), the overall Status and Processes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MonitClient } from './monit-client.ts';
import { type AgentService, servicesInGroup } from './status-xml.ts';

const GROUP = 'vcap';

export interface ReloadOptions {
  maxTries: number;
  maxCheckTries: number;
  delayMs: number;
}

export class AgentJobSupervisor {
  private readonly client: MonitClient;
  private stopped = false;
  readonly pollMs: number;

  constructor(client: MonitClient, pollMs = 500) {
    this.client = client;
    this.pollMs = pollMs;
  }

  private async services(): Promise<AgentService[]> {
    return servicesInGroup(await this.client.status(), GROUP);
  }

  private async names(): Promise<string[]> {
    return (await this.services()).map((s) => s.name);
  }

  /** The agent's job state: stopped (after its stop), starting, failing or running. */
  async status(): Promise<string> {
    let services: AgentService[];
    try {
      services = await this.services();
    } catch {
      return 'unknown';
    }
    if (this.stopped) return 'stopped';
    let status = 'running';
    for (const s of services) {
      if (s.status === 'starting') return 'starting';
      if (!s.monitored || s.status !== 'running') status = 'failing';
    }
    return status;
  }

  async start(): Promise<void> {
    for (const name of await this.names()) await this.client.startService(name);
    this.stopped = false;
  }

  /** `stopGroup` is the agent's `monit stop -g vcap` (by default: one HTTP stop per service). */
  async stopAndWait(timeoutMs = 5 * 60_000, stopGroup?: () => Promise<void>): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const pending = (await this.services()).filter((s) => s.pending).map((s) => s.name);
      if (pending.length === 0) break;
      if (performance.now() > deadline)
        throw new Error(`timed out waiting for ${pending.join(', ')} to no longer be pending`);
      await sleep(this.pollMs);
    }
    if (stopGroup !== undefined) await stopGroup();
    else for (const name of await this.names()) await this.client.stopService(name);
    this.stopped = true;
    for (;;) {
      const services = await this.services();
      const errored = services.filter((s) => s.errored).map((s) => s.name);
      if (errored.length > 0) throw new Error(`Stopping services '${errored.join(', ')}' errored`);
      const left = services.filter((s) => s.monitored || s.pending).map((s) => s.name);
      if (left.length === 0) return;
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${left.join(', ')} to stop`);
      await sleep(this.pollMs);
    }
  }

  async unmonitor(): Promise<void> {
    for (const name of await this.names()) await this.client.unmonitorService(name);
  }

  /** `restartMonit` stands for the agent's `sv kill monit; sv start monit`. */
  async reload(restartMonit: () => Promise<void>, opts: ReloadOptions): Promise<number> {
    const before = (await this.client.status()).incarnation;
    let after = before;
    for (let t = 0; t < opts.maxTries; t++) {
      await restartMonit();
      for (let c = 0; c < opts.maxCheckTries; c++) {
        try {
          after = (await this.client.status()).incarnation;
        } catch {
          // not up yet
        }
        if (after !== before) return after;
        await sleep(opts.delayMs);
      }
    }
    throw new Error(`Failed to reload monit: before=${before} after=${after}`);
  }

  async processes(): Promise<AgentService[]> {
    return this.services();
  }
}
