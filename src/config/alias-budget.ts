// The bound on alias expansion ("billion laughs" files), by the rule Go's yaml.v3 decoder applies:
// every node the decoder visits is one decode; a decode made while an alias is being expanded is
// also an aliased decode. Past 1000 decodes with more than 100 aliased ones, the aliased share may
// not exceed 99 % up to 400 000 decodes, shrinking linearly to 10 % at 4 000 000 and beyond. A real
// bpm.yml never comes near; a bomb trips it within a few thousand decodes. Our decoder also bounds
// the nesting of expansions (an alias inside an expanded alias …), which keeps its recursion flat.

/** yaml.v3's wording (upstream prints it after `yaml: `). */
export const EXCESSIVE_ALIASING = 'document contains excessive aliasing';

const RANGE_LOW = 400_000;
const RANGE_HIGH = 4_000_000;
/** Nested expansions allowed; real files nest two or three. */
export const MAX_EXPANSION_DEPTH = 100;

/** The aliased share of `decodes` decodes that is still allowed. */
export function allowedAliasRatio(decodes: number): number {
  if (decodes <= RANGE_LOW) return 0.99;
  if (decodes >= RANGE_HIGH) return 0.1;
  return 0.99 - (0.89 * (decodes - RANGE_LOW)) / (RANGE_HIGH - RANGE_LOW);
}

/** Thrown (and caught by inspectJobConfig) the moment a document exceeds the bound. */
export class ExcessiveAliasing extends Error {
  /** The outermost alias being expanded (where the file reaches the bomb), else the node. */
  readonly offset: number | undefined;
  constructor(offset: number | undefined) {
    super(EXCESSIVE_ALIASING);
    this.offset = offset;
  }
}

export class AliasBudget {
  private decodes = 0;
  private aliased = 0;
  private depth = 0;
  private outermost: number | undefined;

  /** Count one decode of the node at `offset`; throws ExcessiveAliasing past the bound. */
  count(offset: number | undefined): void {
    this.decodes++;
    if (this.depth > 0) this.aliased++;
    if (
      this.aliased > 100 &&
      this.decodes > 1000 &&
      this.aliased / this.decodes > allowedAliasRatio(this.decodes)
    ) {
      throw new ExcessiveAliasing(this.depth > 0 ? this.outermost : offset);
    }
  }

  /** Run `fn` as the expansion of the alias at `offset`. */
  expand<T>(offset: number | undefined, fn: () => T): T {
    if (this.depth >= MAX_EXPANSION_DEPTH) throw new ExcessiveAliasing(this.outermost);
    if (this.depth === 0) this.outermost = offset;
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }
}
