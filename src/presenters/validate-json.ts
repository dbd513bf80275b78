// `bpm validate --json`: one JSON document, `findings` holding one object per finding.
import type { JobReport } from './analyse-job.ts';
import type { Finding } from './finding.ts';
import { countFindings } from './report-text.ts';
import type { SecurityScore } from './security-score.ts';

export interface JsonReport {
  findings: Finding[];
  security: (SecurityScore & { job: string; file: string })[];
  errors: number;
  warnings: number;
}

export function toJsonReport(reports: readonly JobReport[]): JsonReport {
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

export function renderJson(reports: readonly JobReport[]): string {
  return `${JSON.stringify(toJsonReport(reports), null, 2)}\n`;
}
