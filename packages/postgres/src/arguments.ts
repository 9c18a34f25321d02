import { NeverlosePostgresError } from './errors.js';

/** @internal Refuses an argument of an adapter method: the message names it and the rule. */
export function invalidArgument(message: string): never {
  throw new NeverlosePostgresError('ERR_INVALID_ARGUMENT', message);
}
