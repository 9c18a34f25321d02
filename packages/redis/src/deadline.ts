import { Deadline } from '@neverlose-toolkit/internal/deadline';
import { NeverloseRedisError } from './errors.js';

export { Deadline };

/**
 * @internal The deadline of one store call of `timeoutMs`, whether Redis is slow, silent or the
 * client is still reconnecting (its offline queue) or rediscovering a cluster: past it,
 * `ERR_REDIS_TIMEOUT`.
 */
export function redisDeadline(timeoutMs: number): Deadline {
  return new Deadline(
    timeoutMs,
    (what, ms) =>
      new NeverloseRedisError(
        'ERR_REDIS_TIMEOUT',
        `${what} did not finish within ${ms} ms (option "timeoutMs"): Redis or the client did not answer in time.`,
      ),
  );
}
