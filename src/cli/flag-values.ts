// What was wrong with a flag value, for people: the reason shown after `invalid argument` in place
// of Go's strconv text (src/go/strconv.ts).
import type { StrconvError } from '../go/strconv.ts';

/**
 * What was wrong with a flag value, for people (issue #13): `not an integer`, `out of range
 * (-9223372036854775808 to 9223372036854775807)`, `not a boolean (true or false)`; upstream shows
 * Go's strconv text instead.
 */
export function plainReason(err: StrconvError): string {
  if (err.fn === 'ParseBool') return 'not a boolean (true or false)';
  if (err.reason === 'value out of range')
    return 'out of range (-9223372036854775808 to 9223372036854775807)';
  return 'not an integer';
}
