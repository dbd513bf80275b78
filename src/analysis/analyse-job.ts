// `bpm validate` for one bpm.yml: upstream's own validation (as start/run would report it), then
// the extra rules of docs/validate.md and a security score per process. Pure: the file's text is
// given, the host is asked through HostView.
import type { RootPaths } from '../bosh/paths.ts';
import { type JobConfig, parseJobConfig } from '../config/index.ts';
import { BpmError, ConfigError, messageOf } from '../errors.ts';
import { validateJobName } from '../ids/names.ts';
import { type Finding, type FindingSink, findingSink, sortFindings } from './finding.ts';
import type { HostView } from './host-view.ts';
import { knownKeysAt } from './known-keys.ts';
import { analyseMounts, expandUnrestricted } from './mounts.ts';
import {
  checkCapabilities,
  checkExecutable,
  checkHostPrerequisites,
  checkMemory,
  checkName,
  checkPreStart,
  checkUnsafe,
  checkWorkdir,
} from './process-checks.ts';
import { type SecurityScore, securityScore } from './security-score.ts';
import { closest } from './suggest.ts';

export interface AnalysisContext {
  root: RootPaths;
  host: HostView;
  /** bpm's own PATH on the host, where a pre_start hook without a slash is looked up. */
  hostPathEnv: string;
}

export interface JobReport {
  job: string;
  file: string;
  findings: Finding[];
  security: SecurityScore[];
}

function checkUnknownKeys(config: JobConfig, out: FindingSink): void {
  for (const u of config.unknownKeys) {
    const m = /^(.*?)(?:\.)?([^.[\]]+)$/.exec(u.field);
    const parent = m?.[1] ?? '';
    const key = m?.[2] ?? u.field;
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

function checkDuplicateNames(config: JobConfig, out: FindingSink): void {
  const first = new Map<string, number>();
  config.processes.forEach((p, i) => {
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

/** Every rule on an already loaded (and upstream-valid) config. */
export function analyseConfig(job: string, config: JobConfig, ctx: AnalysisContext): JobReport {
  const out = findingSink(config.file, (f) => config.locate(f));
  try {
    validateJobName(job);
  } catch (err) {
    out.error('', 'job-name-invalid', messageOf(err));
  }
  if (config.processes.length === 0) {
    out.error(
      'processes',
      'no-processes',
      'the job defines no processes; start, stop and run all fail',
      'add a processes: list',
    );
  }
  checkUnknownKeys(config, out);
  checkDuplicateNames(config, out);
  const paths = ctx.root.job(job);
  config.processes.forEach((p, i) => {
    checkName(p, i, out);
    checkMemory(p, i, out);
    checkCapabilities(p, i, out);
    checkUnsafe(p, i, out);
    const unrestricted = expandUnrestricted(p, i, ctx.host, out);
    const mounts = analyseMounts(p, i, paths, unrestricted, out);
    checkWorkdir(p, i, paths, mounts, out);
    checkExecutable(p, i, paths, mounts, ctx.host, out);
    checkPreStart(p, i, paths, ctx.hostPathEnv, ctx.host, out);
    checkHostPrerequisites(p, i, paths, ctx.host, out);
  });
  return {
    job,
    file: config.file,
    findings: sortFindings(out.findings),
    security: config.processes.map(securityScore),
  };
}

/** A load failure as a finding: ConfigError → `config-invalid` at its location, else `config-unreadable`. */
export function loadErrorReport(job: string, file: string, err: unknown): JobReport {
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
      hint: 'bpm start and bpm run reject this file: fix it first, then validate again for more checks',
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
      message: err.message,
    };
    return { job, file, findings: [finding], security: [] };
  }
  throw err;
}

/** Parses `text` as `file` with upstream's rules, then analyses it. */
export function analyseText(job: string, file: string, text: string, ctx: AnalysisContext): JobReport {
  let config: JobConfig;
  try {
    config = parseJobConfig(text, file, { root: ctx.root.root, job });
  } catch (err) {
    return loadErrorReport(job, file, err);
  }
  return analyseConfig(job, config, ctx);
}
