// `bpm validate` for one bpm.yml: every problem upstream's loader rejects (all of them, where
// start/run report the first), then the extra rules of docs/validate.md and a security score for
// each process that decoded. Pure: the file's text is
// given, the host is asked through HostView.
import type { RootPaths } from '../bosh/paths.ts';
import { inspectJobConfig } from '../config/inspect.ts';
import type { VolumeHost } from '../config/reserved-volumes.ts';
import type { JobConfig } from '../config/types.ts';
import { BpmError, ConfigError, messageOf } from '../errors.ts';
import { validateJobName } from '../ids/names.ts';
import { hasCode } from '../sys/errno.ts';
import { problemFinding } from './config-problems.ts';
import { checkDependsOn, type DeployedJobs } from './depends-on.ts';
import { type Finding, type FindingSink, findingSink, sortFindings } from './finding.ts';
import type { HostView } from './host-view.ts';
import { knownKeysAt, misplacedKeyTarget } from './known-keys.ts';
import { analyseMounts, expandUnrestricted } from './mounts.ts';
import {
  checkCapabilities,
  checkExecutable,
  checkHostPrerequisites,
  checkMemory,
  checkName,
  checkPreStart,
  checkShutdownTimeout,
  checkUnsafe,
  checkWorkdir,
} from './process-checks.ts';
import { checkReservedUnrestricted } from './reserved-unrestricted.ts';
import { type SecurityScore, securityScore } from './security-score.ts';
import { closest } from './suggest.ts';

export interface AnalysisContext {
  root: RootPaths;
  host: HostView;
  /** bpm's own PATH on the host, where a pre_start hook without a slash is looked up. */
  hostPathEnv: string;
  /** The other jobs under R, which depends_on may name (analysis/io/deployed-jobs.ts). */
  jobs: DeployedJobs;
}

export interface JobReport {
  job: string;
  file: string;
  findings: Finding[];
  security: SecurityScore[];
}

/** Which jobs exist and where symlinks lead, for the reserved-volume rules, through HostView. */
export function volumeHost(ctx: Pick<AnalysisContext, 'root' | 'host'>): VolumeHost {
  return {
    isJob: (name) => ctx.host.exists(ctx.root.external('jobs', name)),
    resolve: (path) => ctx.host.realPath(path),
  };
}

function checkUnknownKeys(config: JobConfig, out: FindingSink): void {
  for (const u of config.unknownKeys) {
    const m = /^(.*?)(?:\.)?([^.[\]]+)$/.exec(u.field);
    const parent = m?.[1] ?? '';
    const key = m?.[2] ?? u.field;
    const belongs = misplacedKeyTarget(parent, key);
    if (belongs !== undefined) {
      out.warningAt(
        { ...u.location, field: u.field },
        'misplaced-key',
        `key ${JSON.stringify(key)} is not valid here and is ignored by bpm`,
        belongs.includes('.')
          ? `did you mean ${belongs}?`
          : `did you mean ${belongs} (a key of the process itself)?`,
      );
      continue;
    }
    const known = knownKeysAt(parent);
    const near = known === undefined ? undefined : closest(key, known);
    out.warningAt(
      { ...u.location, field: u.field },
      'unknown-key',
      `unknown key ${JSON.stringify(key)} is ignored by bpm`,
      near !== undefined ? `did you mean ${JSON.stringify(near)}?` : 'remove it, or check the bpm.yml schema',
    );
  }
}

function checkDuplicateNames(config: JobConfig, indices: readonly number[], out: FindingSink): void {
  const first = new Map<string, number>();
  config.processes.forEach((p, k) => {
    const i = indices[k] ?? k;
    const j = first.get(p.name);
    if (j === undefined) {
      first.set(p.name, i);
      return;
    }
    out.warning(
      `processes[${i}].name`,
      'duplicate-process-name',
      `process name ${JSON.stringify(p.name)} is already used by processes[${j}]; bpm only ever runs the first`,
      'give every process its own name',
    );
  });
}

/**
 * Every rule on a loaded config. `indices` gives each process's position in `processes:` when some
 * entries were left out (inspectJobConfig's best-effort config); `upstreamErrors` are the findings
 * for what upstream rejects, which also stand in for `no-processes`.
 */
function analyseConfig(
  job: string,
  config: JobConfig,
  ctx: AnalysisContext,
  indices: readonly number[] = config.processes.map((_, i) => i),
  upstreamErrors: readonly Finding[] = [],
): JobReport {
  const out = findingSink(config.file, (f) => config.locate(f));
  try {
    validateJobName(job);
  } catch (err) {
    out.error('', 'job-name-invalid', messageOf(err));
  }
  if (config.processes.length === 0 && upstreamErrors.length === 0) {
    out.error(
      'processes',
      'no-processes',
      'the job defines no processes; start, stop and run all fail',
      'add a processes: list',
    );
  }
  checkUnknownKeys(config, out);
  checkDuplicateNames(config, indices, out);
  const paths = ctx.root.job(job);
  config.processes.forEach((p, k) => {
    const i = indices[k] ?? k;
    // An empty name is upstream's `invalid config: name` already.
    if (p.name !== '') checkName(p, i, out);
    checkMemory(p, i, out);
    checkCapabilities(p, i, out);
    checkShutdownTimeout(p, i, out);
    checkUnsafe(p, i, out);
    const unrestricted = expandUnrestricted(p, i, ctx.host, out);
    checkReservedUnrestricted(unrestricted, ctx.root.root, job, volumeHost(ctx), out);
    const mounts = analyseMounts(p, i, paths, unrestricted, out);
    checkWorkdir(p, i, paths, mounts, out);
    checkExecutable(p, i, paths, mounts, ctx.host, out);
    checkPreStart(p, i, paths, ctx.hostPathEnv, ctx.host, out);
    checkHostPrerequisites(p, i, paths, ctx.host, out);
  });
  checkDependsOn(job, config.processes, indices, ctx.jobs, out);
  return {
    job,
    file: config.file,
    findings: sortFindings([...upstreamErrors, ...out.findings]),
    security: config.processes.map(securityScore),
  };
}

/** Error and warning totals over all reports (the exit status of `bpm validate` depends on them). */
export function countFindings(reports: readonly JobReport[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const r of reports) {
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}

/** A missing file says so in words, and for a job name which job is missing. */
function unreadableText(job: string, file: string, err: BpmError, byName: boolean): string {
  if (!hasCode(err.cause, 'ENOENT')) return err.message;
  return byName ? `no job ${JSON.stringify(job)}: ${file} does not exist` : `${file} does not exist`;
}

/** A read failure as a finding: ConfigError (not UTF-8) → `config-invalid`, else `config-unreadable`. */
export function loadErrorReport(job: string, file: string, err: unknown, byName = false): JobReport {
  if (err instanceof ConfigError) {
    const loc = err.location;
    const finding: Finding = {
      file: loc?.file ?? file,
      line: loc?.line ?? 1,
      column: loc?.column ?? 1,
      field: loc?.field ?? '',
      severity: 'error',
      code: 'config-invalid',
      message: err.detail,
      hint: 'bpm start and bpm run reject this file: save it as UTF-8',
    };
    return { job, file, findings: [finding], security: [] };
  }
  if (err instanceof BpmError) {
    const finding: Finding = {
      file,
      line: 0,
      column: 0,
      field: '',
      severity: 'error',
      code: 'config-unreadable',
      message: unreadableText(job, file, err, byName),
      hint: byName ? 'check the job name; `bpm validate` with no argument checks every job' : undefined,
    };
    return { job, file, findings: [finding], security: [] };
  }
  throw err;
}

/**
 * Inspects `text` as `file` with upstream's rules: every problem it would reject becomes an error
 * finding, and the processes that decoded get the other rules and a security score.
 */
export function analyseText(job: string, file: string, text: string, ctx: AnalysisContext): JobReport {
  const inspection = inspectJobConfig(text, file, { root: ctx.root.root, job, host: volumeHost(ctx) });
  const errors = inspection.problems.map(problemFinding);
  // Nothing decoded (syntax errors, not a mapping): only the job-wide checks run.
  const config = inspection.config ?? { file, processes: [], unknownKeys: [], locate: () => undefined };
  return analyseConfig(job, config, ctx, inspection.indices, errors);
}
