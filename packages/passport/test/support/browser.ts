import { authorize } from '@neverlose-toolkit/test-support/hostile-provider';

/** A browser stand-in: keeps the app's cookies and follows redirects one hop at a time. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly headers: Record<string, string>;

  constructor(headers: Record<string, string> = {}) {
    this.headers = headers;
  }

  async get(url: string | URL, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { ...this.headers, ...extraHeaders, ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (pair && index > 0) this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    return response;
  }

  /** The Location of a redirect, or a thrown error naming what came instead. */
  static async location(response: Response): Promise<string> {
    const location = response.headers.get('location');
    if (response.status !== 302 || location === null) {
      throw new Error(`Expected a redirect, got ${response.status}: ${await response.text()}`);
    }
    return location;
  }
}

/** Starts a login at `url` and returns the callback URL the provider sends the browser to. */
export async function toCallback(browser: Browser, url: string): Promise<string> {
  return authorize(await Browser.location(await browser.get(url)));
}
