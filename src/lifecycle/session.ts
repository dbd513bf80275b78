// A lifecycle session that logs truthfully (issue #13): `starting`, then `complete` when it
// succeeded or `failed` (with the error) when it did not. Upstream logs `complete` either way.
import type { Logger } from '../log/logger.ts';

export async function inSession<T>(log: Logger, body: () => Promise<T>): Promise<T> {
  log.info('starting');
  let result: T;
  try {
    result = await body();
  } catch (err) {
    log.error('failed', err);
    throw err;
  }
  log.info('complete');
  return result;
}
