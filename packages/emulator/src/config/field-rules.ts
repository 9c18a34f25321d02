import { EmulatorError } from '../errors.js';

/**
 * The rules one field of a config may break. Each check names the field by its path
 * (`users[0].login`) and throws `ERR_INVALID_OPTION` with the rule it breaks.
 */

export const LOGIN_RE = /^[A-Za-z0-9_.-]{1,32}$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const PRODUCT_RE = /^[a-z0-9]{1,32}$/;
export const ITEM_RE = /^[A-Za-z0-9]{1,32}$/;

export function fail(path: string, rule: string): never {
  throw new EmulatorError('ERR_INVALID_OPTION', `Invalid emulator config: ${path} ${rule}.`);
}

export function obj(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'must be an object');
  }
  return value as Record<string, unknown>;
}

export function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array');
  return value;
}

export function int(value: unknown, path: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(path, `must be an integer >= ${min}`);
  }
  return value;
}

export function text(value: unknown, path: string, re?: RegExp): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  if (re !== undefined && !re.test(value)) fail(path, `must match ${re}`);
  return value;
}

/** `fallback` when the field is absent, else the field checked by `check`. */
export function opt<T>(value: unknown, fallback: T, check: (value: unknown) => T): T {
  return value === undefined ? fallback : check(value);
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be a boolean');
  return value;
}

/** An NLE amount: finite, >= 0, at most two decimals. */
export function nle(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(path, 'must be a number >= 0');
  }
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6)
    fail(path, 'has more than 2 decimals');
  return value;
}

export function url(value: unknown, path: string): string {
  const raw = text(value, path);
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    fail(path, 'must be an absolute http(s) URL');
  }
  return raw;
}

/** A redirect URI: an absolute http(s) URL without a fragment (RFC 6749 section 3.1.2). */
export function redirectUri(value: unknown, path: string): string {
  const raw = url(value, path);
  if (raw.includes('#')) fail(path, 'must not have a fragment (#)');
  return raw;
}

/** Refuses a second entry with the same key, naming it with `pathOf(index)`. */
export function unique<T>(
  values: readonly T[],
  key: (value: T) => string | undefined,
  pathOf: (index: number) => string,
): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    const k = key(value);
    if (k === undefined) return;
    if (seen.has(k)) fail(pathOf(index), `repeats ${JSON.stringify(k)}`);
    seen.add(k);
  });
}
