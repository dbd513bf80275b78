// Values embedded in upstream's message texts verbatim, unless they would break the one-line rule:
// a value with control characters (a newline in a quoted path, …) is shown Go-quoted instead.
import { goQuote } from '../go/strconv.ts';

const control = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

export function shown(value: string): string {
  return control.test(value) ? goQuote(value) : value;
}
