import type { MarketErrorContext } from './errors.js';
import { MarketApiError, MarketTransportError } from './errors.js';

/** @internal A reply the API accepted (`success: true`), every field kept. */
export type ReplyFields = Readonly<Record<string, unknown>>;

/**
 * @internal Reads a reply tolerantly: any extra field is kept and ignored, `success` falls back to
 * the legacy `succ`. Returns the fields of a successful reply; throws {@link MarketApiError} for
 * `success: false` and {@link MarketTransportError} for a body that is not a reply at all.
 */
export function readReply(
  text: string,
  context: MarketErrorContext & { httpStatus: number },
): ReplyFields {
  const ok = context.httpStatus >= 200 && context.httpStatus < 300;
  const notAReply = (why: string): never => {
    throw ok
      ? new MarketTransportError('ERR_MARKET_INVALID_REPLY', `unreadable reply: ${why}`, context)
      : new MarketTransportError(
          'ERR_MARKET_HTTP_STATUS',
          `the server answered HTTP ${context.httpStatus}`,
          context,
        );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return notAReply(`not JSON (${JSON.stringify(text.slice(0, 80))})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return notAReply('not a JSON object');
  const fields = parsed as Record<string, unknown>;
  const success = typeof fields['success'] === 'boolean' ? fields['success'] : fields['succ'];
  if (typeof success !== 'boolean') return notAReply('no boolean "success" or "succ" field');
  if (!success) {
    const message = typeof fields['error'] === 'string' ? fields['error'] : 'unspecified error';
    throw new MarketApiError(message, { ...context, reply: fields });
  }
  return fields;
}

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
