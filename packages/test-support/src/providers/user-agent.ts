/**
 * A browser without a window: `fetch` with a cookie jar, one redirect at a time. Cookies are kept
 * per origin (their paths are ignored: the servers here set none that would clash).
 */
export class UserAgent {
  readonly #cookies = new Map<string, Map<string, string>>();

  async get(url: string | URL, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, { method: 'GET', headers });
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.#jar(target.origin);
    const headers = new Headers(init.headers);
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      if (index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired) jar.delete(name);
      else jar.set(name, pair.slice(index + 1).trim());
    }
    return response;
  }

  /** Follows redirects from `url` until one leaves `origin`; returns where it points. */
  async followUntilLeaving(url: string | URL, origin: string, limit = 10): Promise<string> {
    let next = new URL(url);
    for (let hop = 0; hop < limit; hop++) {
      const response = await this.get(next);
      const location = response.headers.get('location');
      if (location === null || response.status < 300 || response.status > 399) {
        throw new Error(
          `Expected a redirect from ${next.href}, got ${response.status}: ${await response.text()}`,
        );
      }
      await response.body?.cancel();
      next = new URL(location, next);
      if (next.origin !== origin) return next.href;
    }
    throw new Error(`More than ${limit} redirects from ${url}.`);
  }

  #jar(origin: string): Map<string, string> {
    let jar = this.#cookies.get(origin);
    if (jar === undefined) {
      jar = new Map();
      this.#cookies.set(origin, jar);
    }
    return jar;
  }
}

/** The `Location` of a redirect, or a thrown error naming what came instead. */
export async function locationOf(response: Response): Promise<string> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status > 399 || location === null) {
    throw new Error(`Expected a redirect, got ${response.status}: ${await response.text()}`);
  }
  await response.body?.cancel();
  return location;
}
