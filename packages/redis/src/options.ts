import { NeverloseRedisError } from './errors.js';

/** @internal Checks the `prefix` option of every adapter and applies its default. */
export function prefixOption(prefix: string | undefined): string {
  const value = prefix ?? 'neverlose:';
  if (typeof value !== 'string' || /[\s{}]/.test(value)) {
    throw new NeverloseRedisError(
      'ERR_INVALID_OPTION',
      'Invalid option "prefix": must be a string without whitespace or braces.',
    );
  }
  return value;
}

/** @internal Checks an option that must be a positive integer. */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new NeverloseRedisError(
      'ERR_INVALID_OPTION',
      `Invalid option "${name}": must be a positive integer.`,
    );
  }
  return value;
}
