// `bpm supervise --monit-compat` (docs/supervisor.md#replacing-monit): the supervisor in monit's
// place under the unchanged BOSH agent. It reads the job monit files, supervises bpm processes
// in-process and other services the monit way, and serves the agent's HTTP API. SIGHUP re-reads the
// files (a new incarnation); SIGTERM leaves every process running and exits 0, as monit does when
// it quits — the next supervisor (or monit) adopts them.

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { processRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';
import { supervisorLockFile } from '../supervisor/control-protocol.ts';
import { supervisedProcesses } from '../supervisor/jobs.ts';
import type { SupervisorPorts } from '../supervisor/process-port.ts';
import { SupervisedProcess } from '../supervisor/supervised-process.ts';
import type { SupervisorLog } from '../supervisor/supervisor-log.ts';
import { ExitWatcher } from '../sys/exit-watcher.ts';
import { tryLock } from '../sys/flock.ts';
import { becomeSubreaper, reapOrphans } from '../sys/reaper.ts';
import { AlertSender } from './alert-mail.ts';
import { bpmTarget } from './bpm-program.ts';
import { readUsers } from './credentials.ts';
import { type ActionOutcome, listenMonitApi } from './http-api.ts';
import { monitDir, readAlertTarget, readCycleSeconds, readJobServices } from './job-files.ts';
import { readUnmonitored, writeUnmonitored } from './monit-state.ts';
import type { MonitService } from './monitrc.ts';
import { NativeService } from './native-service.ts';
import { ObservedExitWatcher } from './observed-exit-watcher.ts';
import { VitalsReader } from './process-vitals.ts';
import { removeRunInfo, writeRunInfo } from './run-file.ts';
import { ScriptService } from './script-service.ts';
import {
  type Action,
  type EventSink,
  MONITOR_YES,
  type MonitRuntimeService,
  PENDING,
  type ServiceEvent,
} from './service.ts';
import { ServiceRules } from './service-rules.ts';
import { statusXml } from './status-xml.ts';

export const DEFAULT_MONIT_PORT = 2822;
/** The `version` attribute: the monit the agent's client was first written against (the agent does not read it). */
const MONIT_API_VERSION = '5.2.5';

export interface MonitCompatOptions {
  root: RootPaths;
  log: SupervisorLog;
  /** The bpm services' process ports (commands/supervisor-ports.ts). */
  ports: SupervisorPorts;
  address: string;
  port: number;
  shutdown: Promise<string>;
  /** Subscribe to reload requests (the command wires SIGHUP). */
  onReload(listener: () => void): void;
  /**
   * Called once the API listens and the job files are loaded (the services' starts are under way):
   * what a systemd unit in monit's place reports as READY=1, so `systemctl restart` returns with
   * the agent's port answering.
   */
  ready?: () => void;
}

class MonitCompat {
  private services = new Map<string, MonitRuntimeService>();
  private readonly pending = new Map<string, Action>();
  private readonly unmonitored: Set<string>;
  private readonly watcher = new ExitWatcher();
  private readonly vitals = new VitalsReader();
  private readonly id = randomBytes(16).toString('hex');
  incarnation = Math.floor(Date.now() / 1000);
  private readonly log: Logger;
  private readonly opts: MonitCompatOptions;

  private alerts: AlertSender | undefined;
  /** Every service's events go to the alert sender, when the agent's files name a mail server. */
  private readonly emit: EventSink = (e) => {
    this.log.info('monit-event', {
      service: e.service,
      event: e.event,
      action: e.action,
      description: e.description,
    });
    // A dead process is restarted: that counts for `N restarts within M cycles`.
    if (e.event === 'Does not exist') this.rules.restarted(e.service);
    this.alerts?.send(e);
  };
  /** The services' `if … then` rules, on monit's cycle. */
  private readonly rules: ServiceRules;

  constructor(opts: MonitCompatOptions) {
    this.opts = opts;
    this.log = opts.log.log;
    this.unmonitored = readUnmonitored(opts.root);
    this.rules = new ServiceRules({
      log: this.log,
      emit: this.emit,
      perform: (s, action) => void this.run(s, action, false),
      busy: (name) => this.pending.has(name),
    });
  }

  /** The alert target of R/monit/*.monitrc (the agent's alerts.monitrc), read at each (re)load. */
  private loadAlerts(): void {
    const target = readAlertTarget(this.opts.root, this.log);
    const dropped = (err: Error, e: ServiceEvent): void =>
      this.log.error('monit-alert-not-sent', err, { service: e.service, event: e.event });
    this.alerts = target === undefined ? undefined : new AlertSender(target, dropped);
  }

  flushAlerts(): Promise<void> {
    return this.alerts?.flush() ?? Promise.resolve();
  }

  private build(spec: MonitService): MonitRuntimeService {
    const service = this.buildService(spec);
    this.rules.add(spec, service);
    return service;
  }

  private buildService(spec: MonitService): MonitRuntimeService {
    const target = bpmTarget(this.opts.root, spec);
    if (target !== undefined) {
      const found = supervisedProcesses(this.opts.root, [target.job], this.log).find(
        (p) => p.config.name === target.process,
      );
      if (found !== undefined) {
        const service = new NativeService(spec.name, spec.groups, spec.dependsOn, this.emit);
        const watcher = new ObservedExitWatcher(this.watcher, service);
        const { root, ports } = this.opts;
        const ref = processRef(root, found.job, found.config.name);
        service.attach(new SupervisedProcess(ref, found.config, { ports, watcher, log: this.log }));
        this.log.info('monit-service', {
          service: spec.name,
          kind: 'bpm',
          job: target.job,
          process: target.process,
        });
        return service;
      }
      this.log.info('monit-service-not-in-bpm-yml', {
        service: spec.name,
        job: target.job,
        process: target.process,
      });
    }
    this.log.info('monit-service', { service: spec.name, kind: 'program' });
    return new ScriptService(spec, this.watcher, this.emit);
  }

  /** (Re)read the job files and bring every monitored service up; earlier services are released. */
  load(): void {
    this.loadAlerts();
    for (const s of this.services.values()) s.release();
    this.rules.clear();
    this.services = new Map(
      readJobServices(this.opts.root, this.log).map((spec) => [spec.name, this.build(spec)]),
    );
    const started = new Map<string, Promise<void>>();
    const startOf = (s: MonitRuntimeService, path: Set<string>): Promise<void> => {
      const known = started.get(s.name);
      if (known !== undefined) return known;
      const deps = s.dependsOn.flatMap((d) => {
        const dep = this.services.get(d);
        if (dep === undefined || path.has(d)) return [];
        return [startOf(dep, new Set([...path, d]))];
      });
      const p = Promise.all(deps).then(() => {
        if (!this.unmonitored.has(s.name)) return this.run(s, 'start', false);
      });
      started.set(s.name, p);
      return p;
    };
    for (const s of this.services.values()) void startOf(s, new Set([s.name]));
    this.rules.start(readCycleSeconds(this.opts.root));
    this.log.info('monit-loaded', {
      services: String(this.services.size),
      incarnation: String(this.incarnation),
    });
  }

  reload(): void {
    this.incarnation = Math.max(Math.floor(Date.now() / 1000), this.incarnation + 1);
    this.log.info('monit-reload', { incarnation: String(this.incarnation) });
    this.load();
  }

  /**
   * An action to its end, marked pending meanwhile. Whether the service stays monitored is saved
   * first, so a supervisor killed in the middle of a stop does not bring the service back.
   * `requested`: asked for through the API (monit reports those as "Action done"), not its own start.
   */
  private async run(s: MonitRuntimeService, action: Action, requested = true): Promise<void> {
    this.pending.set(s.name, action);
    const was = this.unmonitored.has(s.name);
    if (action === 'stop' || action === 'unmonitor') this.unmonitored.add(s.name);
    else this.unmonitored.delete(s.name);
    if (was !== this.unmonitored.has(s.name)) {
      try {
        writeUnmonitored(this.opts.root, this.unmonitored);
      } catch (err) {
        this.log.error('monit-state-not-saved', new Error(messageOf(err)));
      }
    }
    try {
      await s.act(action);
    } catch (err) {
      this.log.error('monit-action-failed', new Error(messageOf(err)), { service: s.name, action });
    } finally {
      this.pending.delete(s.name);
    }
    if (requested)
      this.emit({ service: s.name, event: 'Action done', action, description: `${action} action done` });
  }

  action(name: string, action: Action): ActionOutcome {
    const s = this.services.get(name);
    if (s === undefined) return 'not-found';
    if (this.pending.has(name)) return 'busy';
    this.log.info('monit-action', { service: name, action });
    if (action === 'start' || action === 'restart') this.rules.reset(name);
    void this.run(s, action);
    return 'ok';
  }

  statusXml(): string {
    const now = Date.now();
    this.vitals.beginSnapshot();
    try {
      // Monit lists its services last declared first (and the agent starts and stops a group in
      // that order): so does this.
      const services = [...this.services.values()].reverse().map((s) => {
        const view = s.view();
        const p = this.pending.get(s.name);
        if (p !== undefined) view.pending = PENDING[p];
        const failing = this.rules.status(s.name);
        if (failing !== undefined && view.monitor === MONITOR_YES) {
          view.status |= failing.bits;
          view.statusMessage ??= failing.message;
        }
        const vitals = view.pid > 0 ? this.vitals.read(s.name, view.pid, now) : undefined;
        return vitals === undefined ? { view } : { view, vitals };
      });
      return statusXml({
        id: this.id,
        incarnation: this.incarnation,
        version: MONIT_API_VERSION,
        nowMs: now,
        services,
      });
    } finally {
      this.vitals.endSnapshot();
    }
  }

  close(): void {
    this.rules.stop();
    for (const s of this.services.values()) s.release();
    this.watcher.close();
  }
}

export async function superviseMonitCompat(opts: MonitCompatOptions): Promise<number> {
  const lock = tryLock(supervisorLockFile(opts.root));
  if (lock === undefined) throw new BpmError('another bpm supervise is running for this BOSH root');
  // As in plain mode (supervisor/supervise.ts): the inits of the bpm services it starts pass to it,
  // so their exit status is known, and every other orphan (a daemon a start program forked, a
  // helper runc left) is reaped instead of staying a zombie of a process that runs for months.
  becomeSubreaper();
  const stopReaping = reapOrphans();
  let server: Server | undefined;
  const compat = new MonitCompat(opts);
  try {
    const users = readUsers(`${monitDir(opts.root)}/monit.user`);
    const log = opts.log.log;
    log.info('starting', { mode: 'monit-compat', pid: String(process.pid), port: String(opts.port) });
    try {
      server = await listenMonitApi(opts.address, opts.port, users, compat);
    } catch (err) {
      throw new BpmError(`cannot listen on ${opts.address}:${opts.port}: ${messageOf(err)}`, { cause: err });
    }
    writeRunInfo(opts.root, { pid: process.pid, port: opts.port });
    compat.load();
    opts.onReload(() => compat.reload());
    opts.ready?.();
    const signal = await opts.shutdown;
    log.info('shutting-down', { signal, leaving: 'processes running' });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    await compat.flushAlerts();
    log.info('complete');
    return 0;
  } finally {
    removeRunInfo(opts.root);
    compat.close();
    server?.closeAllConnections();
    stopReaping();
    lock.release();
  }
}
