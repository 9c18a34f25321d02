import type { WireRequest } from './wire.js';

/**
 * Hostile values of a query parameter or form field, percent-encoded as they travel: characters
 * above U+00FF (which `setHeader` refuses), lone surrogates (as their CESU-8 bytes, and as `%u`),
 * U+2028, CR, LF and a header injection, NUL, DEL, C1 controls, invalid and truncated UTF-8, a
 * broken escape, and a long value.
 */
export const ENCODED_VALUES: readonly string[] = [
  '%C4%80',
  '/%C4%80%E2%82%AC',
  '%ED%A0%80',
  '%ED%B0%80x',
  '%uD800',
  '%E2%80%A8',
  '%0D',
  '%0A',
  '%0D%0ALocation:%20http://evil.example',
  '%00',
  '%7F',
  '%C2%85',
  '%C2%9B',
  '%FF',
  '%E2%80',
  '%',
  '%%32%35',
  'x'.repeat(9000),
];

/**
 * Hostile header values as wire bytes (latin1 text): what Node's parser lets through (UTF-8 of
 * U+0100 and U+2028 read as latin1, C1 controls, 0xFF, a tab, percent-encoded controls and lone
 * surrogates for apps that decode them, a long value).
 */
export const HEADER_VALUES: readonly string[] = [
  '\xc4\x80',
  '\xe2\x80\xa8',
  '\x85',
  '\x9b',
  '\xff',
  'a\tb',
  '%C4%80',
  '%ED%A0%80',
  '%0D%0A',
  '%00',
  'x'.repeat(7000),
];

/** Header lines Node's parser refuses (NUL, DEL, a bare CR, an invalid name): 400 or close. */
export const INVALID_HEADER_LINES: readonly (readonly [string, string])[] = [
  ['X-Hostile', 'a\x00b'],
  ['X-Hostile', 'a\x7fb'],
  ['X-Hostile', 'a\rb'],
  ['X Hostile', 'a'],
  ['X-Hostile\xc4\x80', 'a'],
];

/**
 * Hostile JSON values, as JSON text: lone surrogate escapes, NUL, U+2028, CR LF, characters above
 * U+00FF, wrong types, a number beyond double range, negative zero and a long string.
 */
export const JSON_VALUES: readonly string[] = [
  '"\\ud800"',
  '"x\\udc00"',
  '"\\u0000"',
  '"\u2028"',
  '"\\r\\nX: y"',
  '"\u0100\u20ac"',
  '"\\u0085"',
  'null',
  '[]',
  '{}',
  'true',
  '1e999',
  '-0',
  '12.345',
  `"${'x'.repeat(9000)}"`,
];

/**
 * Request targets that are no plain path: `//` (a path, or a host to a careless parser), an
 * absolute URL with a broken host, `*`, invalid percent-encoding, raw bytes Node refuses.
 */
export const MALFORMED_TARGETS: readonly string[] = [
  '//',
  '//evil.example/x',
  'http://[/',
  'http://a b/',
  '*',
  '/%ff%fe',
  '/%',
  '/..%2f..%2fetc%2fpasswd',
  '/\xc4\x80',
];

/** A route the harness attacks, with the inputs it reads and benign values for each. */
export interface HostileRoute {
  readonly method: string;
  /** The path, percent-encoded; `:name` segments are attacked as path parameters. */
  readonly path: string;
  /** Query parameters the route reads, with benign values. */
  readonly query?: Readonly<Record<string, string>>;
  /** Fields of an `application/x-www-form-urlencoded` body, with benign values. */
  readonly form?: Readonly<Record<string, string>>;
  /** Top-level fields of a JSON body, each as JSON text. */
  readonly json?: Readonly<Record<string, string>>;
  /** Headers the route reads (cookies, `Authorization`, `Origin`...), with benign values. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Cookies the route reads, with benign values (sent in one `Cookie` header). */
  readonly cookies?: Readonly<Record<string, string>>;
  /** Path parameters' benign values, by name. */
  readonly params?: Readonly<Record<string, string>>;
  /** Requests of this route only (forged tokens...), by name. */
  readonly extra?: readonly HostileCase[];
}

/** One request the harness sends, named for the report. */
export interface HostileCase {
  readonly name: string;
  readonly request: WireRequest;
}

/** `Set-Cookie`-free form of cookies: `a=1; b=2`. */
function cookieHeader(cookies: Readonly<Record<string, string>>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

function encodeQuery(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${encodeURIComponent(name)}=${value}`)
    .join('&');
}

function jsonText(fields: Readonly<Record<string, string>>): string {
  return `{${Object.entries(fields)
    .map(([name, value]) => `${JSON.stringify(name)}:${value}`)
    .join(',')}}`;
}

/** The request of a route with some inputs replaced. */
function build(
  route: HostileRoute,
  change: {
    query?: Record<string, string>;
    form?: Record<string, string>;
    json?: Record<string, string>;
    headers?: Record<string, string>;
    cookies?: Record<string, string>;
    params?: Record<string, string>;
    body?: Buffer;
    extraHeaders?: readonly (readonly [string, string])[];
    mode?: WireRequest['mode'];
  } = {},
): WireRequest {
  const params = { ...route.params, ...change.params };
  const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => params[name] ?? 'x');
  const query = { ...route.query, ...change.query };
  const target =
    Object.keys(query).length === 0
      ? path
      : `${path}${path.includes('?') ? '&' : '?'}${encodeQuery(query)}`;
  const headers: (readonly [string, string])[] = Object.entries({
    ...route.headers,
    ...change.headers,
  });
  const cookies = { ...route.cookies, ...change.cookies };
  if (Object.keys(cookies).length > 0) headers.push(['Cookie', cookieHeader(cookies)]);
  let body = change.body;
  if (body === undefined && route.form !== undefined) {
    body = Buffer.from(encodeQuery({ ...route.form, ...change.form }), 'latin1');
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type'))
      headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  if (body === undefined && route.json !== undefined) {
    body = Buffer.from(jsonText({ ...route.json, ...change.json }), 'utf8');
    if (!headers.some(([name]) => name.toLowerCase() === 'content-type'))
      headers.push(['Content-Type', 'application/json']);
  }
  headers.push(...(change.extraHeaders ?? []));
  return {
    method: route.method,
    target,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(change.mode === undefined ? {} : { mode: change.mode }),
  };
}

/** Body bytes past any limit a route should accept (the emulator's largest is 1 MiB). */
const OVERSIZED = 2 * 1024 * 1024 + 1;

/**
 * Every hostile request for a route: each hostile value in each query parameter, form field, JSON
 * field, path parameter, header and cookie it reads (one at a time, the rest benign); headers
 * Node refuses; for routes with a body, an aborted, a slow and an oversized body (declared, and
 * chunked); then the route's own extra cases.
 */
export function hostileCases(route: HostileRoute): HostileCase[] {
  const cases: HostileCase[] = [{ name: 'benign', request: build(route) }];
  const add = (name: string, request: WireRequest) => cases.push({ name, request });
  for (const name of Object.keys(route.query ?? {}))
    for (const value of ENCODED_VALUES)
      add(`query ${name}=${value.slice(0, 40)}`, build(route, { query: { [name]: value } }));
  for (const name of Object.keys(route.form ?? {}))
    for (const value of ENCODED_VALUES)
      add(`form ${name}=${value.slice(0, 40)}`, build(route, { form: { [name]: value } }));
  for (const name of Object.keys(route.json ?? {}))
    for (const value of JSON_VALUES)
      add(`json ${name}=${value.slice(0, 40)}`, build(route, { json: { [name]: value } }));
  for (const name of Object.keys(route.params ?? {}))
    for (const value of ENCODED_VALUES)
      add(`path :${name}=${value.slice(0, 40)}`, build(route, { params: { [name]: value } }));
  for (const name of Object.keys(route.headers ?? {}))
    for (const value of HEADER_VALUES)
      add(
        `header ${name}: ${JSON.stringify(value.slice(0, 40))}`,
        build(route, { headers: { [name]: value } }),
      );
  for (const name of Object.keys(route.cookies ?? {}))
    for (const value of [...HEADER_VALUES, 'e30.e30.e30', '..', `${route.cookies?.[name] ?? ''}x`])
      add(
        `cookie ${name}=${JSON.stringify(value.slice(0, 40))}`,
        build(route, { cookies: { [name]: value } }),
      );
  for (const line of INVALID_HEADER_LINES)
    add(`invalid header ${JSON.stringify(line)}`, build(route, { extraHeaders: [line] }));
  if (route.method !== 'GET' && route.method !== 'HEAD') {
    add('body aborted', build(route, { mode: 'aborted' }));
    add('body slow', build(route, { mode: 'slow' }));
    add('body oversized', build(route, { body: Buffer.alloc(OVERSIZED, 0x61) }));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const chunked = Buffer.concat([
      ...Array.from({ length: 40 }, () =>
        Buffer.concat([
          Buffer.from(`${chunk.length.toString(16)}\r\n`),
          chunk,
          Buffer.from('\r\n'),
        ]),
      ),
      Buffer.from('0\r\n\r\n'),
    ]);
    add(
      'body oversized, chunked',
      build(route, { body: chunked, extraHeaders: [['Transfer-Encoding', 'chunked']] }),
    );
  }
  cases.push(...(route.extra ?? []));
  return cases;
}

/** A route's own request with some headers, for `extra` cases. */
export function requestOf(
  route: HostileRoute,
  change: Parameters<typeof build>[1] = {},
): WireRequest {
  return build(route, change);
}

/** Requests for each {@link MALFORMED_TARGETS} entry. */
export function malformedTargetCases(): HostileCase[] {
  return MALFORMED_TARGETS.map((target) => ({
    name: `target ${JSON.stringify(target)}`,
    request: { method: 'GET', target, headers: [] },
  }));
}
