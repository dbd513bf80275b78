// Go encoding/json output with `SetIndent("", "\t")`: one tab per level, `"key": value`, one element
// per line, `{}`/`[]` when empty, a trailing newline (Encoder.Encode). Strings are escaped the way Go
// does it (HTML-safe `<`, `>`, `&`; U+2028/U+2029; `\b \f \n \r \t`; other controls as \u00XX;
// a lone surrogate, JavaScript's form of invalid UTF-8, becomes \ufffd).

/** A JSON value with ordered object keys (a Map keeps insertion order). */
export type GoJsonValue = string | number | bigint | boolean | null | GoJsonValue[] | GoJsonObject;
export type GoJsonObject = Map<string, GoJsonValue>;

const HEX = '0123456789abcdef';
/** Printable ASCII that Go writes as it is: everything but `"`, `\\`, `<`, `>`, `&`. */
const PLAIN = /^[\x20-\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/** Go's appendString with escapeHTML = true, including the surrounding quotes. */
export function goQuoteJson(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`; // the common case: nothing to escape
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c < 0x7f) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
    }
    if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) {
      out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += '\\ufffd';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += s[i];
    }
  }
  return out + '"';
}

function encodeNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isInteger(n)) throw new RangeError(`go-json: non-integer number ${n}`);
  return n.toString();
}

function encode(v: GoJsonValue, indent: string): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return goQuoteJson(v);
    case 'number':
    case 'bigint':
      return encodeNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  const inner = `${indent}\t`;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((e) => inner + encode(e, inner)).join(',\n')}\n${indent}]`;
  }
  if (v.size === 0) return '{}';
  const lines: string[] = [];
  for (const [k, e] of v) lines.push(`${inner}${goQuoteJson(k)}: ${encode(e, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** ECMAScript 2025's JSON.rawJSON (V8 11.4, so every Node bpm runs on): a primitive emitted verbatim. */
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
/** Keys a plain object would not keep in insertion order (array indices come first). */
const INDEX_KEY = /^(0|[1-9]\d*)$/;

/**
 * The same text through V8's native JSON.stringify, several times faster than `encode` (a spec is
 * ~32 KB, half of it the seccomp list) and with far less garbage; undefined when a Map has a key
 * an object cannot carry as it is (an index-like key, or one Go escapes otherwise).
 */
function encodeNative(v: GoJsonValue): string | undefined {
  let representable = true;
  const text = JSON.stringify(
    v,
    (_key, x: unknown) => {
      switch (typeof x) {
        case 'string':
          // Nothing to escape: as it is; anything else quoted Go's way (goQuoteJson).
          return PLAIN.test(x) ? x : rawJSON(goQuoteJson(x));
        case 'number':
        case 'bigint':
          return rawJSON(encodeNumber(x));
      }
      if (!(x instanceof Map)) return x;
      for (const key of x.keys()) if (!PLAIN.test(key) || INDEX_KEY.test(key)) representable = false;
      return Object.fromEntries(x);
    },
    '\t',
  );
  return representable ? text : undefined;
}

/** The bytes `json.NewEncoder(w).SetIndent("", "\t"); Encode(v)` writes, as a string. */
export function encodeGoJsonIndented(v: GoJsonValue): string {
  return `${encodeNative(v) ?? encode(v, '')}\n`;
}
