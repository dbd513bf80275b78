// A byte count as a Kubernetes quantity: the largest binary suffix that divides it exactly.

const UNITS: [string, bigint][] = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];

export function byteQuantity(bytes: bigint): string {
  if (bytes > 0n)
    for (const [suffix, size] of UNITS) if (bytes % size === 0n) return `${bytes / size}${suffix}`;
  return String(bytes);
}
