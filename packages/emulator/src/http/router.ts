import type { RequestContext } from './request-context.js';

/** A route handler. It may answer synchronously or return a promise. */
export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface Route {
  readonly methods: readonly string[];
  readonly parts: readonly string[];
  readonly handler: Handler;
}

/** What {@link Router.match} found for a path. */
export type RouteMatch =
  | { readonly kind: 'found'; readonly handler: Handler; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

/** A tiny router: exact segments and `:name` parameters, matched in registration order. */
export class Router {
  private readonly routes: Route[] = [];

  on(methods: string | readonly string[], pattern: string, handler: Handler): this {
    this.routes.push({
      methods: typeof methods === 'string' ? [methods] : methods,
      parts: pattern.split('/').slice(1),
      handler,
    });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (params === undefined) continue;
      if (route.methods.includes(method) || (method === 'HEAD' && route.methods.includes('GET'))) {
        return { kind: 'found', handler: route.handler, params };
      }
      allowed.push(...route.methods);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function matchParts(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const part = parts[i] as string;
    if (p.startsWith(':')) {
      if (part === '') return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
