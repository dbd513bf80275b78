// Errand-only jobs, which plain `bpm supervise` leaves to their `bpm run` (docs/supervisor.md,
// "Errand-only jobs"). BOSH makes any job with a `bin/run` an errand; every job ships a `monit`
// file (or `*.monit` files) and the agent gives monit what these declare. A job with a bin/run
// whose monit files declare no service (no `check` entry: BOSH jobs that are only errands ship an
// empty one) is errand-only. A colocated errand on a service job has both, and stays supervised.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RootPaths } from '../bosh/paths.ts';
import type { Logger } from '../log/logger.ts';

/** What the rule looks at in `R/jobs/JOB`. */
export interface JobLayout {
  /** `bin/run` exists. */
  hasRunScript: boolean;
  /** The text of `monit` and each `*.monit`; undefined for one that could not be read. */
  monitFiles: (string | undefined)[];
}

/**
 * Whether a monit file declares a service: the word `check` outside comments (`#` to the end of
 * the line) and quoted strings. A file that could not be read counts as one that does.
 */
export function declaresService(text: string | undefined): boolean {
  if (text === undefined) return true;
  let words = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      words += c === '\n' ? c : ' ';
    } else if (c === '"' || c === "'") {
      quote = c;
      words += ' ';
    } else if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else words += c;
  }
  return words.split(/[\s=,]+/).some((w) => w.toLowerCase() === 'check');
}

/** The reason plain `bpm supervise` leaves `job` alone, or undefined when it supervises it. */
export function errandOnlyReason(job: string, layout: JobLayout): string | undefined {
  // No monit file at all is no BOSH job layout (BOSH refuses a job without one): supervised.
  if (!layout.hasRunScript || layout.monitFiles.length === 0) return undefined;
  if (layout.monitFiles.some(declaresService)) return undefined;
  return `errand-only job: jobs/${job}/bin/run exists and its monit file has no check entry`;
}

export function readJobLayout(root: RootPaths, job: string): JobLayout {
  const dir = root.job(job).jobDir;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  const monitNames = names.filter((n) => n === 'monit' || n.endsWith('.monit')).sort();
  return {
    hasRunScript: existsSync(join(dir, 'bin', 'run')),
    monitFiles: monitNames.map((n) => {
      try {
        return readFileSync(join(dir, n), 'utf8');
      } catch {
        return undefined;
      }
    }),
  };
}

/**
 * Plain mode's jobs: `jobs` without the errand-only ones, each of those logged `not-supervised`
 * (once per load: at start-up and on each reload) and returned with its reason.
 */
export function leaveErrandsOut(
  root: RootPaths,
  jobs: readonly string[],
  log: Logger,
): { supervised: string[]; errands: Map<string, string> } {
  const errands = new Map<string, string>();
  const supervised = jobs.filter((job) => {
    const reason = errandOnlyReason(job, readJobLayout(root, job));
    if (reason === undefined) return true;
    errands.set(job, reason);
    log.info('not-supervised', { job, reason });
    return false;
  });
  return { supervised, errands };
}
