import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isSafeReturnTo, validateReturnTo } from '../src/index.js';

const HOSTILE = [
  '//evil.example',
  '//evil.example/path',
  '/\\evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  'https://evil.example',
  'http://evil.example/',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'evil.example',
  '',
  '/%2F%2Fevil.example',
  '/%2fevil.example',
  '/%5Cevil.example',
  '/%5cevil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/%09/evil.example',
  '/%0d%0aSet-Cookie:x=1',
  '/%00',
  '/path\u0000',
  '/\u007f',
  '/\u0085',
  '/%252F%252Fevil.example',
  '/%7f',
  '/%C2%85',
  '/%c2%9f',
  ` /${'x'.repeat(10)}`,
  '/\ud800',
  '/a\udc00b',
  '/\udfff\ud800',
  '/\u0080',
  '/\u009b',
];

describe('validateReturnTo', () => {
  it.each(HOSTILE)('refuses %j', (value) => {
    expect(() => validateReturnTo(value)).toThrowError(
      expect.objectContaining({ code: 'ERR_RETURN_TO_INVALID' }),
    );
    expect(isSafeReturnTo(value)).toBe(false);
  });

  it('refuses a value longer than 2048 characters, counted once percent-encoded', () => {
    expect(() => validateReturnTo(`/${'a'.repeat(2048)}`)).toThrowError(/1 to 2048 characters/);
    // 1001 characters as typed, 6001 once encoded.
    expect(() => validateReturnTo(`/${'\u00e9'.repeat(1000)}`)).toThrowError(
      /2048 characters once percent-encoded/,
    );
    expect(() => validateReturnTo(`/${'\u00e9'.repeat(100_000)}`)).toThrowError(
      expect.objectContaining({ code: 'ERR_RETURN_TO_INVALID' }),
    );
  });

  it('refuses values that are not strings', () => {
    for (const value of [undefined, null, 42, ['/a'], { href: '/a' }]) {
      expect(isSafeReturnTo(value)).toBe(false);
    }
  });

  it.each([
    '/',
    '/dashboard',
    '/items?id=3&sort=desc',
    '/a/b#section',
    '/caf%C3%A9',
    '/%E2%82%AC',
    '/search?q=a%20b',
    '/odd%zz%',
  ])('accepts the same-origin path %j unchanged', (value) => {
    expect(validateReturnTo(value)).toBe(value);
    expect(isSafeReturnTo(value)).toBe(true);
  });

  it.each([
    ['/caf\u00e9', '/caf%C3%A9'],
    ['/\u0100', '/%C4%80'],
    ['/\u2028', '/%E2%80%A8'],
    ['/\u2029x', '/%E2%80%A9x'],
    ['/\ud83d\ude00', '/%F0%9F%98%80'],
    ['/\uff0fevil.example', '/%EF%BC%8Fevil.example'],
    ['/search?q=a b', '/search?q=a%20b'],
    ['/"><script>', '/%22%3E%3Cscript%3E'],
    ["/it's`", '/it%27s%60'],
    ['/caf%C3%A9/\u00e9', '/caf%C3%A9/%C3%A9'],
  ])('percent-encodes %j once, into header-safe %j', (value, encoded) => {
    expect(validateReturnTo(value)).toBe(encoded);
    expect(validateReturnTo(encoded)).toBe(encoded);
    // A value that needs encoding is not safe to use as it is.
    expect(isSafeReturnTo(value)).toBe(false);
    expect(isSafeReturnTo(encoded)).toBe(true);
  });

  it('returns printable ASCII that a Node.js Location header accepts, or refuses', () => {
    const samples: string[] = [];
    for (let code = 0; code <= 0xffff; code += 7) samples.push(`/x${String.fromCharCode(code)}y`);
    for (const value of samples) {
      let result: string;
      try {
        result = validateReturnTo(value);
      } catch (error) {
        expect(error).toMatchObject({ code: 'ERR_RETURN_TO_INVALID' });
        continue;
      }
      expect(result).toMatch(/^\/[\x21-\x7e]*$/);
      expect(result.startsWith('//')).toBe(false);
      expect(() => validateHeaderValue('location', result)).not.toThrow();
      expect(new URL(result, 'https://app.example').origin).toBe('https://app.example');
    }
  });
});
