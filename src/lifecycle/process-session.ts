// Process setup shared by start and run (docs/behaviour/commands.md §10.1), in the `start-process` / `run-process`
// session: user, prerequisites, staging of the job-writable mount sources, spec, bundle, pre-start
// hook, then the caller's runc invocation; the staging points go once runc is done with them.
import { closeSync } from 'node:fs';
import { MemoryLimitError } from '../config/memory.ts';
import type { ProcessConfig, Volume } from '../config/types.ts';
import { ConfigError } from '../errors.ts';
import { jobWriter } from '../host/job-writable.ts';
import type { Prerequisites, ProcessLogs } from '../host/prerequisites.ts';
import { expandVolumes } from '../host/unrestricted-volumes.ts';
import type { User } from '../host-facts.ts';
import type { Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { buildSpec } from '../oci/build.ts';
import { mayWriteItsRoot } from '../oci/root-writable.ts';
import { serializeSpec } from '../oci/serialize.ts';
import type { Host, Operation } from './context.ts';
import type { FieldLocator } from './job-config.ts';
import type { ProcessRef } from './process-ref.ts';
import { inSession } from './session.ts';

export interface PreparedProcess {
  bundle: string;
  logs: ProcessLogs;
}

/**
 * unsafe.unrestricted_volumes glob-expanded in order; each match keeps its volume's options. A
 * match the job could redirect (a symlink, or reached through something vcap can write) is
 * dropped with a `dropped-unrestricted-volume` log line.
 */
function expandUnrestricted(proc: ProcessConfig, user: User, session: Logger): Volume[] {
  const volumes = proc.unsafe?.unrestrictedVolumes ?? [];
  if (volumes.length === 0) return [];
  const { volumes: kept, dropped } = expandVolumes(volumes, jobWriter(user));
  for (const d of dropped) session.info('dropped-unrestricted-volume', { path: d.path, reason: d.reason });
  return kept;
}

/** The container has its own mounts by now (or none): a failure here is logged, not fatal. */
async function clearStagingQuietly(ref: ProcessRef, op: Operation, session: Logger): Promise<void> {
  try {
    await op.host.clearStaging(ref.paths, ref.proc);
  } catch (err) {
    session.error('failed-to-remove-staging-mounts', err);
  }
}

/** A spec-building error; a bad memory limit names its place in bpm.yml like every config error. */
function locatedSpecError(err: unknown, locate: FieldLocator): unknown {
  if (!(err instanceof MemoryLimitError)) return err;
  const at = locate('limits.memory');
  return at === undefined ? err : new ConfigError(err.message, at);
}

/**
 * Run the setup steps, then `launch` (the runc invocation) after logging `running-container`.
 * The log files are closed whatever happens; the session ends with `complete` or `failed`.
 */
export async function withProcessSession<T>(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  proc: ProcessConfig,
  locate: FieldLocator,
  session: Logger,
  launch: (prepared: PreparedProcess) => Promise<T>,
): Promise<T> {
  return inSession(session, async () => {
    let logs: Prerequisites | undefined;
    try {
      const user = op.host.lookupUser('vcap');
      traceTiming('user');
      session.info('creating-job-prerequisites');
      logs = await op.host.createPrerequisites({
        paths: ref.paths,
        proc: ref.proc,
        volumes: proc.additionalVolumes,
        ephemeralDisk: proc.ephemeralDisk,
        persistentDisk: proc.persistentDisk,
        user,
      });
      traceTiming('prerequisites');
      session.info('building-spec');
      let built: ReturnType<typeof buildSpec>;
      try {
        built = buildSpec({
          job: ref.job,
          process: proc,
          containerId: ref.cid,
          paths: ref.paths,
          user,
          features: host.features,
          unrestrictedVolumes: expandUnrestricted(proc, user, session),
          mountSources: logs.mountSources,
        });
      } catch (err) {
        throw locatedSpecError(err, locate);
      }
      const { spec, duplicateMounts } = built;
      for (const mount of duplicateMounts) session.info('duplicate-mount', { mount });
      op.host.prepareContainerCgroup(host.features, spec.linux?.resources);
      traceTiming('spec');
      session.info('creating-bundle');
      // Kept from an earlier start only where the container could not have written into its root.
      await op.host.writeBundle(ref.paths, ref.proc, serializeSpec(spec), !mayWriteItsRoot(spec));
      const hook = proc.hooks?.preStart ?? '';
      if (hook !== '')
        await op.host.runPreStartHook(hook, spec.process?.env ?? [], logs, {
          scratch: ref.root.hookScratch(ref.cid),
          session: ref.root.hookSession(ref.cid),
        });
      traceTiming('bundle');
      session.info('running-container');
      return await launch({ bundle: ref.paths.bundle(ref.proc), logs });
    } finally {
      if (logs !== undefined) {
        closeSync(logs.stdout);
        closeSync(logs.stderr);
      }
      await clearStagingQuietly(ref, op, session);
    }
  });
}
