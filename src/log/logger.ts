// lager-style loggers with sessions (docs/behaviour/logging.md §2, sessions). The command logger is session
// "1" with messages `bpm.<command>.<event>`; each logger numbers the sub-sessions it creates in order ("1.1",
// "1.2", …) and they inherit its data.
import { formatRecord, type LogData, type LogLevel } from './record.ts';
import { formatTimestamp, nowNs } from './timestamp.ts';

const LOG_SOURCE = 'bpm';

/** Where finished lines go; each call receives exactly one line (with its `\n`). */
export interface LogSink {
  write(line: string): void;
}

export class Logger {
  readonly sink: LogSink;
  /** Message prefix, e.g. `bpm.start.start-process`. */
  readonly task: string;
  readonly sessionId: string;
  private readonly data: LogData;
  private nextSession = 0;

  constructor(sink: LogSink, task: string, sessionId: string, data: LogData) {
    this.sink = sink;
    this.task = task;
    this.sessionId = sessionId;
    this.data = data;
  }

  /** A child session `<task>.<name>` numbered `<sessionId>.<n>`. */
  session(name: string): Logger {
    this.nextSession += 1;
    return new Logger(this.sink, `${this.task}.${name}`, `${this.sessionId}.${this.nextSession}`, this.data);
  }

  info(event: string, data: LogData = {}): void {
    this.log('info', event, data);
  }

  /** An error event; `data.error` is the error's message text. */
  error(event: string, err: unknown, data: LogData = {}): void {
    this.log('error', event, { ...data, error: err instanceof Error ? err.message : String(err) });
  }

  private log(level: LogLevel, event: string, data: LogData): void {
    this.sink.write(
      formatRecord({
        timestamp: formatTimestamp(nowNs()),
        level,
        source: LOG_SOURCE,
        message: `${this.task}.${event}`,
        data: { ...this.data, ...data, session: this.sessionId },
      }),
    );
  }
}

/** The logger of a lifecycle command: messages `bpm.<command>.…`, session "1", job and process data. */
export function commandLogger(sink: LogSink, command: string, job: string, proc: string): Logger {
  return new Logger(sink, `${LOG_SOURCE}.${command}`, '1', { job, process: proc });
}
