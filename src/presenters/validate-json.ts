// `bpm validate --json` stdout (docs/validate.md "Output"): one JSON document, `findings` holding
// one object per finding with a fixed set of keys.
import { countFindings, type JobReport } from '../analysis/analyse-job.ts';
import type { Finding } from '../analysis/finding.ts';
import type { SecurityScore } from '../analysis/security-score.ts';

export interface JsonFinding extends Finding {
  /** '' when there is none. */
  hint: string;
}

export interface JsonReport {
  findings: JsonFinding[];
  security: (SecurityScore & { job: string; file: string })[];
  errors: number;
  warnings: number;
}

function toJsonReport(reports: readonly JobReport[]): JsonReport {
  return {
    findings: reports.flatMap((r) =>
      r.findings.map((f) => ({
        file: f.file,
        line: f.line,
        column: f.column,
        field: f.field,
        severity: f.severity,
        code: f.code,
        message: f.message,
        hint: f.hint ?? '',
      })),
    ),
    security: reports.flatMap((r) => r.security.map((s) => ({ job: r.job, file: r.file, ...s }))),
    ...countFindings(reports),
  };
}

export function renderValidateJson(reports: readonly JobReport[]): string {
  return `${JSON.stringify(toJsonReport(reports), null, 2)}\n`;
}
