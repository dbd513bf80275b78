// `bpm monit …` (docs/supervisor.md#replacing-monit): glue between the CLI and src/monit/monit-cli.ts;
// the release installs it as `monit` when the supervisor replaces monit.
import { type MonitCliResult, monitCli } from '../monit/monit-cli.ts';
import { stateText } from '../monit/status-read.ts';
import { printMonitProblems, printMonitStatus, printMonitSummary } from '../presenters/monit-text.ts';
import type { Command } from './types.ts';

function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${h > 0 || d > 0 ? `${h}h ` : ''}${m}m`;
}

function print(result: MonitCliResult): number {
  if (result.kind === 'summary')
    printMonitSummary(result.services.map((s) => ({ name: s.name, state: stateText(s) })));
  if (result.kind === 'status') {
    printMonitStatus(
      result.services.map((s) => {
        const fields: [string, string][] = [
          ['status', stateText(s)],
          [
            'monitoring status',
            s.monitor === 0 ? 'not monitored' : s.monitor === 2 ? 'initializing' : 'monitored',
          ],
        ];
        if (s.statusMessage !== undefined) fields.push(['status message', s.statusMessage]);
        if (s.pid !== undefined) {
          fields.push(
            ['pid', String(s.pid)],
            ['uptime', uptime(s.uptime ?? 0)],
            ['children', String(s.children ?? 0)],
          );
          fields.push(
            ['memory kilobytes total', String(s.memoryKb ?? 0)],
            ['cpu percent total', `${(s.cpuPercent ?? 0).toFixed(1)}%`],
          );
        }
        return { name: s.name, fields };
      }),
    );
  }
  if (result.kind === 'problems') {
    printMonitProblems(result.lines);
    return result.errors > 0 ? 1 : 0;
  }
  return 0;
}

const monitCommand: Command = async (inv) => {
  const group = inv.flags['group'];
  return print(await monitCli(inv.root, inv.args, typeof group === 'string' ? group : ''));
};

export default monitCommand;
