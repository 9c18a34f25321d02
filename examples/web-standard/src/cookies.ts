/** Reads one cookie from a `Cookie` header. */
export function readCookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface CookieOptions {
  readonly path: string;
  /** Seconds; `0` deletes the cookie. */
  readonly maxAge: number;
  readonly secure: boolean;
}

/** A `Set-Cookie` value: always HttpOnly and SameSite=Lax (sent on the provider's redirect back). */
export function cookie(name: string, value: string, options: CookieOptions): string {
  return `${name}=${value}; Path=${options.path}; Max-Age=${options.maxAge}; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`;
}
