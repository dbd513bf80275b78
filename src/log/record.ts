// One bpm.log line in lager's "pretty" format (docs/behaviour/logging.md §2): keys timestamp, level, source,
// message, data in that order; data keys sorted by byte order; Go's JSON string escaping; no spaces.
import { goQuoteJson } from '../go/json.ts';

export type LogLevel = 'debug' | 'info' | 'error' | 'fatal';
export type LogValue = string | number | boolean;
export type LogData = Readonly<Record<string, LogValue>>;

export interface LogRecord {
  timestamp: string;
  level: LogLevel;
  source: string;
  message: string;
  data: LogData;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function value(v: LogValue): string {
  if (typeof v === 'string') return goQuoteJson(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return Number.isFinite(v) ? String(v) : 'null';
}

/** The record as one line, including the trailing newline. */
export function formatRecord(r: LogRecord): string {
  const keys = Object.keys(r.data).sort(byteOrder);
  const data = keys.map((k) => `${goQuoteJson(k)}:${value(r.data[k] as LogValue)}`).join(',');
  return (
    `{"timestamp":${goQuoteJson(r.timestamp)},"level":${goQuoteJson(r.level)},` +
    `"source":${goQuoteJson(r.source)},"message":${goQuoteJson(r.message)},"data":{${data}}}\n`
  );
}
