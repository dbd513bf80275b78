// Two job reports for the validate presenter tests: one with an error and a warning, one clean.
import type { JobReport } from '../../src/analysis/analyse-job.ts';

export const REPORTS: JobReport[] = [
  {
    job: 'web',
    file: '/r/jobs/web/config/bpm.yml',
    findings: [
      {
        file: '/r/jobs/web/config/bpm.yml',
        line: 4,
        column: 20,
        field: 'processes[0].shutdown_signal',
        severity: 'error',
        code: 'config-invalid',
        message: "shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'KILL'",
        hint: 'use TERM or INT',
      },
      {
        file: '/r/jobs/web/config/bpm.yml',
        line: 5,
        column: 3,
        field: 'processes[0].colour',
        severity: 'warning',
        code: 'unknown-key',
        message: 'unknown key "colour" is ignored by bpm',
      },
    ],
    security: [
      {
        process: 'web',
        score: 87,
        rating: 'good',
        deductions: [
          { setting: 'capabilities: NET_BIND_SERVICE', points: 3, reason: 'extra capability' },
          { setting: 'limits.memory', points: 5, reason: 'no memory limit' },
          { setting: 'limits.processes', points: 5, reason: 'no process limit (fork bombs)' },
        ],
      },
    ],
  },
  {
    job: 'db',
    file: '/r/jobs/db/config/bpm.yml',
    findings: [],
    security: [{ process: 'db', score: 100, rating: 'hardened', deductions: [] }],
  },
];
