// lager's timestamp: UTC `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, always nine fractional digits. The wall
// clock only has milliseconds, so nanoseconds come from the monotonic clock's offset since an
// anchor taken together with Date.now().

const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
const anchorHr = process.hrtime.bigint();

/** Nanoseconds since the epoch (wall clock at module load + monotonic elapsed time). */
export function nowNs(): bigint {
  return anchorWallNs + (process.hrtime.bigint() - anchorHr);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Format epoch nanoseconds as lager does. */
export function formatTimestamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = ns % 1_000_000_000n;
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}` +
    `.${frac.toString().padStart(9, '0')}Z`
  );
}
