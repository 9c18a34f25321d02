import { Deadline } from '@neverlose-toolkit/internal/deadline';
import { NeverlosePostgresError } from './errors.js';

export { Deadline };

/** @internal The deadline of one store call of `timeoutMs`: past it, `ERR_POSTGRES_TIMEOUT`. */
export function postgresDeadline(timeoutMs: number): Deadline {
  return new Deadline(
    timeoutMs,
    (what, ms) =>
      new NeverlosePostgresError(
        'ERR_POSTGRES_TIMEOUT',
        `${what} did not finish within ${ms} ms (option "timeoutMs"): the server or the pool did not answer in time.`,
      ),
  );
}
