// Which bpm.yml files `bpm validate` reads: every job under R/jobs, a job name, or a file path.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { RootPaths } from '../../bosh/paths.ts';
import { readJobConfigText } from '../../config/load.ts';
import { type AnalysisContext, analyseText, type JobReport, loadErrorReport } from '../analyse-job.ts';

export interface JobTarget {
  job: string;
  file: string;
  /** Given as a job name (its file is R/jobs/JOB/config/bpm.yml), not as a path. */
  byName: boolean;
}

/** A `PATH/TO/bpm.yml` argument (has a slash or a .yml/.yaml suffix) rather than a job name. */
function isPathArgument(arg: string): boolean {
  return arg.includes('/') || /\.ya?ml$/.test(arg);
}

/** `…/jobs/JOB/config/bpm.yml` → JOB; otherwise the directory above the file's directory. */
function jobNameOf(file: string): string {
  const dir = dirname(resolve(file));
  return basename(dir) === 'config' ? basename(dirname(dir)) : basename(dir);
}

/** Jobs under R/jobs with a config/bpm.yml, sorted by name (like `bpm list`). */
function allJobs(root: RootPaths): JobTarget[] {
  let names: string[];
  try {
    names = readdirSync(root.jobsDir).sort();
  } catch {
    return [];
  }
  return names
    .map((job) => ({ job, file: root.job(job).configFile, byName: true }))
    .filter((t) => existsSync(t.file));
}

export function targetsFor(args: readonly string[], root: RootPaths): JobTarget[] {
  if (args.length === 0) return allJobs(root);
  return args.map((a) =>
    isPathArgument(a)
      ? { job: jobNameOf(a), file: a, byName: false }
      : { job: a, file: root.job(a).configFile, byName: true },
  );
}

export function analyseTarget(t: JobTarget, ctx: AnalysisContext): JobReport {
  let text: string;
  try {
    text = readJobConfigText(t.file);
  } catch (err) {
    return loadErrorReport(t.job, t.file, err, t.byName);
  }
  return analyseText(t.job, t.file, text, ctx);
}
