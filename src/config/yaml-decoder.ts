// The walking machinery for decoding a yaml Document into typed config the way Go's yaml.v3 does:
// aliases followed (within yaml.v3's expansion bound, alias-budget.ts), `<<` merges applied,
// duplicate keys rejected, problems collected (not thrown) with file:line:column, and the location
// of every field recorded.
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Scalar,
  visit,
} from 'yaml';
import type { SourceLocation } from '../errors.ts';
import { goQuote } from '../go/strconv.ts';
import { AliasBudget } from './alias-budget.ts';
import { type Resolved, resolvePlain } from './scalar-resolve.ts';
import type { UnknownKey } from './types.ts';

/** A problem found while decoding; the first one is reported. */
export interface Problem {
  detail: string;
  location: SourceLocation;
}

/** One key/value of a mapping after merges, with the field path of its value. */
export interface Entry {
  key: string;
  field: string;
  keyNode: Node;
  value: Node | null;
}

const CORE_TAGS = new Set([
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
]);

/**
 * What each alias names: the last node before it with that anchor, as yaml's Alias.resolve finds
 * it — but in one pass over the document, where Alias.resolve walks the whole document per call.
 */
function aliasTargets(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor !== undefined) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

export class YamlDecoder {
  readonly file: string;
  readonly problems: Problem[] = [];
  readonly unknownKeys: UnknownKey[] = [];
  readonly locations = new Map<string, SourceLocation>();
  private readonly lines: LineCounter;
  private readonly merging = new Set<Node>();
  private readonly targets: Map<Alias, Node | undefined>;
  private readonly budget = new AliasBudget();

  constructor(file: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.lines = lines;
    this.targets = aliasTargets(doc);
  }

  /** Location of a node (its first character), labelled with a field path. */
  at(node: Node | null | undefined, field: string, fallback?: SourceLocation): SourceLocation {
    const offset = node?.range?.[0];
    if (offset === undefined) {
      if (fallback) return { ...fallback, field };
      return { file: this.file, line: 1, column: 1, field };
    }
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col, field };
  }

  record(field: string, node: Node | null | undefined, fallback?: SourceLocation): SourceLocation {
    const loc = this.at(node, field, fallback);
    if (!this.locations.has(field)) this.locations.set(field, loc);
    return loc;
  }

  problem(node: Node | null | undefined, field: string, detail: string): void {
    this.problems.push({ detail, location: this.at(node, field, this.locations.get(field)) });
  }

  /** Follow an alias to the node it names; null for a missing/broken target. One counted decode. */
  deref(node: Node | null | undefined, field: string): Node | null {
    return this.expand(node, field, (target) => target);
  }

  /**
   * Decode `node` with `fn`, which gets the node an alias names (null for a missing/broken target)
   * or the node itself. While `fn` runs for an alias, every decode counts as aliased (yaml.v3's
   * bound); throws ExcessiveAliasing past it.
   */
  expand<T>(node: Node | null | undefined, field: string, fn: (target: Node | null) => T): T {
    this.budget.count(node?.range?.[0]);
    if (!isAlias(node)) return fn(node ?? null);
    const target = this.targets.get(node);
    if (target === undefined) {
      this.problem(node, field, `unknown anchor ${goQuote(node.source)}`);
      return fn(null);
    }
    return this.budget.expand(node.range?.[0], () => {
      this.budget.count(node.range?.[0]);
      return fn(target);
    });
  }

  /** yaml.v3's resolution of a scalar: untagged quoted/block scalars and !!str ones are strings. */
  resolve(node: Scalar): Resolved {
    const text = scalarText(node);
    const tag = node.tag;
    if (tag === undefined || tag === '!') {
      return node.type === 'PLAIN' || node.type === undefined
        ? resolvePlain(text)
        : { kind: 'string', value: text };
    }
    if (CORE_TAGS.has(tag)) return resolvePlain(text);
    return { kind: 'string', value: text };
  }

  isNull(node: Node | null): boolean {
    return node === null || (isScalar(node) && this.resolve(node).kind === 'null');
  }

  /** How a value is named in an error: `a sequence`, `a mapping`, `-1`, `"maybe"`. */
  describe(node: Node | null): string {
    if (node === null) return 'null';
    if (isSeq(node)) return 'a sequence';
    if (isMap(node)) return 'a mapping';
    if (isScalar(node)) {
      const r = this.resolve(node);
      const text = scalarText(node);
      if (r.kind === 'string') return goQuote(text);
      return text === '' ? 'null' : text;
    }
    return 'an alias';
  }

  /**
   * The entries of a mapping node, or undefined (with a problem) when it has duplicate keys or
   * bad merges. Explicit keys win over merged ones; among merged maps the first wins (yaml.v3).
   */
  entries(map: Node, field: string): Entry[] | undefined {
    if (!isMap(map)) return undefined;
    const seen = new Map<string, Node>();
    let duplicates = false;
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      this.budget.count(keyNode?.range?.[0]);
      if (!isScalar(keyNode)) continue;
      const text = scalarText(keyNode);
      const first = seen.get(text);
      if (first !== undefined) {
        const firstLine = this.at(first, field).line;
        this.problem(
          keyNode,
          childField(field, text),
          `duplicate key ${goQuote(text)} (first defined at line ${firstLine})`,
        );
        duplicates = true;
      } else seen.set(text, keyNode);
    }
    if (duplicates) return undefined;

    const out: Entry[] = [];
    const explicit = new Set<string>();
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && !isMergeKey(keyNode)) explicit.add(scalarText(keyNode));
    }
    const taken = new Set(explicit);
    for (const pair of map.items) {
      const keyNode = (pair.key as Node | null) ?? null;
      const value = (pair.value as Node | null) ?? null;
      if (keyNode === null || (isScalar(keyNode) && this.resolve(keyNode).kind === 'null')) continue;
      if (!isScalar(keyNode)) {
        this.problem(keyNode, field, `mapping keys must be strings, got ${this.describe(keyNode)}`);
        continue;
      }
      if (isMergeKey(keyNode)) {
        for (const merged of this.mergeSources(value, field)) {
          if (taken.has(merged.key)) continue;
          taken.add(merged.key);
          out.push(merged);
        }
        continue;
      }
      const key = scalarText(keyNode);
      out.push({ key, field: childField(field, key), keyNode, value });
    }
    return out;
  }

  /** The entries `<<: value` merges in: each source map expanded as its alias's decode. */
  private mergeSources(value: Node | null, field: string): Entry[] {
    return this.expand(value, field, (target) => {
      const sources: Array<{ node: Node | null; map: Node }> = [];
      if (isMap(target)) sources.push({ node: null, map: target });
      else if (isSeq(target)) {
        for (const item of target.items as Node[]) {
          const m = this.deref(item, field);
          if (!isMap(m)) {
            this.problem(item, field, 'map merge requires a mapping or a sequence of mappings');
            return [];
          }
          sources.push({ node: item, map: m });
        }
      } else {
        this.problem(value, field, 'map merge requires a mapping or a sequence of mappings');
        return [];
      }
      const out: Entry[] = [];
      const keys = new Set<string>();
      for (const { node, map } of sources) {
        if (this.merging.has(map)) {
          this.problem(value, field, 'map merge refers to itself');
          return [];
        }
        this.merging.add(map);
        try {
          const merged =
            node === null
              ? this.entries(map, field)
              : this.expand(node, field, () => this.entries(map, field));
          for (const e of merged ?? []) {
            if (keys.has(e.key)) continue;
            keys.add(e.key);
            out.push(e);
          }
        } finally {
          this.merging.delete(map);
        }
      }
      return out;
    });
  }
}

/** The text of a scalar as Go's yaml.v3 sees it (Node.Value): literal for plain scalars. */
export function scalarText(node: Scalar): string {
  if (typeof node.source === 'string') return node.source;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

function isMergeKey(node: Scalar): boolean {
  return node.type === 'PLAIN' && node.tag === undefined && scalarText(node) === '<<';
}

/** `a.b` for identifier-like keys, `a["odd key"]` otherwise. */
function childField(parent: string, key: string): string {
  const part = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${goQuote(key)}]`;
  if (parent === '') return part;
  return part.startsWith('[') ? `${parent}${part}` : `${parent}.${part}`;
}
