import { BodyTooLarge, type RequestContext } from './request-context.js';

/** Largest form or admin JSON body accepted. */
export const FORM_LIMIT = 1024 * 1024;

/**
 * Reads a body as text, answering 413 (or cutting an aborted request) itself.
 * @returns the text, or `undefined` when the request was already answered.
 */
export async function readText(
  ctx: RequestContext,
  limit = FORM_LIMIT,
): Promise<string | undefined> {
  try {
    const text = (await ctx.readBody(limit)).toString('utf8');
    ctx.logRequestBody(text);
    return text;
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      ctx.json(
        413,
        { error: 'invalid_request', error_description: error.message },
        { connection: 'close' },
      );
    } else {
      ctx.reset();
    }
    return undefined;
  }
}

/** Parameters of a GET query or of a POSTed form. */
export async function readParams(ctx: RequestContext): Promise<URLSearchParams | undefined> {
  if (ctx.method !== 'POST') return ctx.url.searchParams;
  const text = await readText(ctx);
  return text === undefined ? undefined : new URLSearchParams(text);
}

/** The one value of a parameter; `null` when it is repeated (RFC 6749 section 3.1). */
export function single(params: URLSearchParams, name: string): string | undefined | null {
  const values = params.getAll(name);
  if (values.length > 1) return null;
  return values[0];
}
