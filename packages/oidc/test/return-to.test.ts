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
  ` /${'x'.repeat(10)}`,
  `/${'a'.repeat(2048)}`,
];

describe('validateReturnTo', () => {
  it.each(HOSTILE)('refuses %j', (value) => {
    expect(() => validateReturnTo(value)).toThrowError(
      expect.objectContaining({ code: 'ERR_RETURN_TO_INVALID' }),
    );
    expect(isSafeReturnTo(value)).toBe(false);
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
    '/search?q=a%20b',
  ])('accepts the same-origin path %j unchanged', (value) => {
    expect(validateReturnTo(value)).toBe(value);
  });
});
