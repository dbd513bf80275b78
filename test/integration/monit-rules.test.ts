// The `if … then` rules of job monit files acted on by `bpm supervise --monit-compat`, with real
// containers (docs/supervisor.md#replacing-monit): on monit's cycle (`set daemon 1`), a bpm job
// whose http port closes is restarted after `for 2 cycles` of failed tests, and one whose process
// tree holds more memory than its `totalmem` limit is restarted; the agent gets monit's
// `Connection failed` and `Resource limit matched` alerts with the action.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason } from '../helpers/bosh-root.ts';
import { supervisorLog } from '../helpers/supervisor-log.ts';
import { AlertReceiver } from '../monit/agent/alerts.ts';
import {
  addMonitFile,
  freePort,
  prepareVm,
  SupervisorDaemon,
  type Vm,
  writeAlertsMonitrc,
} from '../monit/agent/vm.ts';

const skip = skipReason();

// Serves HTTP 200 on 127.0.0.1:PORT for LIFETIME seconds, then closes the port and sleeps.
const SERVER = `#!/usr/bin/python3
import http.server, sys, threading, time
port, lifetime = int(sys.argv[1]), float(sys.argv[2])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', port), H)
threading.Timer(lifetime, s.shutdown).start()
s.serve_forever()
s.server_close()
time.sleep(100000)
`;
// Holds MB megabytes, written (so resident), then sleeps.
const HOG = `#!/usr/bin/python3
import sys, time
hold = b'x' * (int(sys.argv[1]) * 1024 * 1024)
time.sleep(100000)
`;

describe('monit rules under bpm supervise --monit-compat', { skip }, () => {
  let r: BoshRoot;
  let vm: Vm;
  let alerts: AlertReceiver;
  let daemon: SupervisorDaemon;
  const jobs: string[] = [];

  before(async () => {
    r = BoshRoot.create();
    vm = prepareVm(r);
    alerts = new AlertReceiver();
    writeAlertsMonitrc(vm, await alerts.listen());
    writeFileSync(join(r.root, 'monit', 'cycle.monitrc'), 'set daemon 1\n', { mode: 0o600 });
  });
  after(async () => {
    alerts.close();
    await daemon?.dispose();
    for (const job of jobs) await r.bpm('stop', job);
    r.cleanup();
  });

  /** A bpm job running `script ARGS`, with a monit file that has `rule`. */
  function addJob(prefix: string, script: string, args: string[], rule: string): string {
    const job = r.uniqueJob(prefix);
    jobs.push(job);
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run'), args }] }, { run: script });
    const bpm = join(r.root, 'jobs', 'bpm', 'bin', 'bpm');
    addMonitFile(
      vm,
      job,
      `check process ${job}\n  with pidfile ${r.pidFile(job)}\n  start program "${bpm} start ${job}"\n` +
        `  stop program "${bpm} stop ${job}"\n  group vcap\n  ${rule}\n`,
    );
    return job;
  }

  const initPid = (job: string): number => {
    const s = r.containerState(job);
    return s?.status === 'running' ? s.pid : 0;
  };

  test("a closed port and a memory limit each restart their job, with monit's alerts", async () => {
    const port = await freePort();
    const web = addJob(
      'rule-port',
      SERVER,
      [String(port), '3'],
      `if failed host 127.0.0.1 port ${port} protocol http request "/" for 2 cycles then restart`,
    );
    const hog = addJob('rule-mem', HOG, ['48'], 'if totalmem > 24 MB for 2 cycles then restart');
    daemon = new SupervisorDaemon(vm, await freePort());
    daemon.start();
    assert.ok(await eventually(() => initPid(web) > 0 && initPid(hog) > 0, scaledMs(30_000)), daemon.log());
    const first: Record<string, number> = { [web]: initPid(web), [hog]: initPid(hog) };

    /** Once JOB's init is a new one, the alert EVENT for it, with action restart and `description`. */
    const restartedWith = async (job: string, event: string, description: RegExp): Promise<void> => {
      assert.ok(
        await eventually(() => initPid(job) > 0 && initPid(job) !== first[job], scaledMs(30_000)),
        `${job} restarted\n${daemon.log()}`,
      );
      const alert = await alerts.waitFor((a) => a.service === job && a.event === event, scaledMs(10_000));
      assert.equal(alert.action, 'restart');
      assert.match(alert.description, description);
    };
    // The port closes 3 s into the run; two failed cycles later (1 s each) the job is restarted.
    await restartedWith(
      web,
      'Connection failed',
      new RegExp(`failed protocol test \\[HTTP\\] at \\[127\\.0\\.0\\.1\\]:${port}/`),
    );
    await restartedWith(
      hog,
      'Resource limit matched',
      /^totalmem amount of \d+\.\d MB matches resource limit \[totalmem > 24 MB\]$/,
    );

    const matched = supervisorLog(r).filter((l) => l.message.endsWith('monit-rule-matched'));
    assert.ok(matched.some((l) => l.data['service'] === web && l.data['action'] === 'restart'));
    assert.ok(matched.some((l) => l.data['service'] === hog && l.data['action'] === 'restart'));
    // Neither restart is a crash: no "Does not exist" for them.
    assert.equal(
      alerts.alerts.filter((a) => (a.service === web || a.service === hog) && a.event === 'Does not exist')
        .length,
      0,
    );
  });
});
