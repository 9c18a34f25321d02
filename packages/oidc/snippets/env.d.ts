// Values the README snippets take as given (an app has them from its own code and config).
declare function signIn(profile: import('neverlose-oidc').NeverloseProfile): Promise<void>;
declare function getCookie(request: Request, name: string): string | undefined;
/** The few calls of a Redis client (ioredis, node-redis) the store example makes. */
declare const redis: {
  set(key: string, value: string, mode: 'PX', ttl: number): Promise<unknown>;
  getdel(key: string): Promise<string | null>;
};
/** Your app's server-side sessions. */
declare const sessions: { destroy(sessionId: string): Promise<void> };
