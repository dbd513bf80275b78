// limits.memory → bytes, like cloudfoundry/bytefmt ToBytes (docs/behaviour/config.md §5).
import { BpmError } from '../errors.ts';

export const INVALID_BYTE_QUANTITY =
  'byte quantity must be a positive integer with a unit of measurement like M, MB, MiB, G, GiB, or GB';

const multipliers: Record<string, number> = {
  B: 1,
  K: 1024,
  KB: 1024,
  KIB: 1024,
  M: 1024 ** 2,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
  T: 1024 ** 4,
  TB: 1024 ** 4,
  TIB: 1024 ** 4,
  P: 1024 ** 5,
  PB: 1024 ** 5,
  PIB: 1024 ** 5,
  E: 1024 ** 6,
  EB: 1024 ** 6,
  EIB: 1024 ** 6,
};

/** A limits.memory text that is not a byte quantity; start/run add where it is in bpm.yml. */
export class MemoryLimitError extends BpmError {
  constructor() {
    super(INVALID_BYTE_QUANTITY);
  }
}

/** What Go's strconv.ParseFloat accepts once letters are excluded: sign, digits, one dot. */
const floatText = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/;

/** Bytes for a size such as `256M`, `1.5G`, `100gib`; MemoryLimitError (upstream's text) otherwise. */
export function parseMemoryLimit(text: string): bigint {
  const s = text.trim().toUpperCase();
  const letter = s.search(/\p{L}/u);
  if (letter === -1) throw new MemoryLimitError();
  const numberText = s.slice(0, letter);
  const unit = s.slice(letter);
  if (!floatText.test(numberText)) throw new MemoryLimitError();
  const amount = Number(numberText);
  const multiplier = Object.hasOwn(multipliers, unit) ? multipliers[unit] : undefined;
  if (!Number.isFinite(amount) || amount < 0 || multiplier === undefined) {
    throw new MemoryLimitError();
  }
  const bytes = Math.trunc(amount * multiplier);
  // Beyond uint64 Go's conversion is platform-defined garbage; refuse it instead.
  if (!Number.isFinite(bytes) || bytes >= 2 ** 64) throw new MemoryLimitError();
  return BigInt(bytes);
}
