import { isNeverloseMarketError } from 'neverlose-market/errors';
import { verifySignature } from 'neverlose-market/signing';
import { BodyTooLarge, type RequestContext } from '../http/request-context.js';
import {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  JsonSyntaxError,
  type JsonValue,
  parseJson,
} from '../json/parse.js';
import { OperationRefused } from '../world/errors.js';
import type { World } from '../world/world.js';
import { failure, MARKET_ERRORS, success } from './errors.js';
import { MARKET_METHODS } from './methods.js';
import { requestIdText } from './request-id.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Handles `POST /api/market/<method>`: every reply, refusals and malformed input included, is the
 * docs' shape `{"succ": bool, "success": bool, "error"?: string, ...}`.
 *
 * Order of checks: method name, HTTP method, body size, `Content-Type` (exactly
 * `application/json`), JSON, `user_id`, signature (the provider's Python semantics over the raw
 * body), reseller/integration rights, `id` (format, then "already completed"), then the method.
 */
export async function handleMarket(ctx: RequestContext, world: World): Promise<void> {
  ctx.log.area = 'market';
  const name = ctx.params['method'] ?? '';
  ctx.log.marketMethod = name;
  const method = Object.hasOwn(MARKET_METHODS, name) ? MARKET_METHODS[name] : undefined;

  let raw: Buffer;
  try {
    raw = await ctx.readBody(world.config.settings.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge)
      ctx.json(413, failure(MARKET_ERRORS.bodyTooLarge), { connection: 'close' });
    else ctx.reset();
    return;
  }
  if (method === undefined) return ctx.json(404, failure(MARKET_ERRORS.unknownMethod));
  if (ctx.method !== 'POST')
    return ctx.json(405, failure(MARKET_ERRORS.methodNotAllowed), { allow: 'POST' });
  if (ctx.req.headers['content-type'] !== 'application/json')
    return ctx.json(200, failure(MARKET_ERRORS.contentType));

  let text: string;
  let body: JsonValue;
  try {
    text = decoder.decode(raw);
    ctx.logRequestBody(text);
    body = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError || error instanceof TypeError) {
      return ctx.json(200, failure(MARKET_ERRORS.invalidJson));
    }
    throw error;
  }
  if (!isJsonObject(body)) return ctx.json(200, failure(MARKET_ERRORS.invalidJson));

  const userIdValue = body['user_id'];
  const userId =
    userIdValue instanceof JsonNumber && userIdValue.isInt ? userIdValue.value : Number.NaN;
  const account = Number.isSafeInteger(userId) ? world.accounts.get(userId) : undefined;
  if (account === undefined) return ctx.json(200, failure(MARKET_ERRORS.invalidUserId));
  ctx.log.userId = account.userId;

  if (!signatureValid(text, account.apiKey))
    return ctx.json(200, failure(MARKET_ERRORS.invalidSignature));
  if (method.resellerOnly && !account.reseller)
    return ctx.json(200, failure(MARKET_ERRORS.resellerOnly));
  if (method.integration && account.integration === undefined) {
    return ctx.json(200, failure(MARKET_ERRORS.integrationRequired));
  }

  let requestId: string | null = null;
  if (method.id !== 'none' && (method.id === 'required' || body['id'] !== undefined)) {
    const id = requestIdText(body['id']);
    if (id === undefined) return ctx.json(200, failure(MARKET_ERRORS.idFormat));
    ctx.log.requestId = id;
    if (method.id === 'required') {
      if (world.isIdCompleted(account.userId, id))
        return ctx.json(200, failure(MARKET_ERRORS.idUsed));
      requestId = id;
    }
  }

  try {
    const extra = method.run({
      body: body as JsonObject,
      account,
      world,
      origin: { userId: account.userId, requestId },
    });
    ctx.json(200, success(extra));
  } catch (error) {
    if (error instanceof OperationRefused) return ctx.json(200, failure(error.message));
    throw error;
  }
}

function signatureValid(text: string, apiKey: string): boolean {
  try {
    return verifySignature(text, apiKey, { strict: true });
  } catch (error) {
    // Not signable the way the provider's Python would sign it (no signature, lone surrogate...).
    if (isNeverloseMarketError(error)) return false;
    throw error;
  }
}
