import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type FetchLike,
  isNeverloseMarketError,
  MarketApiError,
  type MarketApiErrorCode,
  MarketClient,
  type NeverloseMarketErrorCode,
  SigningError,
} from '../../src/index.js';

function refusing(message: string): MarketClient {
  const fetch: FetchLike = async () =>
    new Response(JSON.stringify({ succ: false, success: false, error: message }));
  return new MarketClient({ userId: 1, secret: 'k', fetch });
}

async function codeOf(message: string): Promise<unknown> {
  try {
    await refusing(message).giftProduct({ id: 'o-1', username: 'u', product: 'cs2', days: 30 });
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('provider errors have their own codes', () => {
  it.each<[string, MarketApiErrorCode]>([
    ['Invalid signature', 'ERR_MARKET_INVALID_SIGNATURE'],
    ['Invalid user_id', 'ERR_MARKET_INVALID_USER_ID'],
    ['This method is available for official resellers only', 'ERR_MARKET_RESELLER_ONLY'],
    ['Reseller integration is not enabled for this account', 'ERR_MARKET_INTEGRATION_REQUIRED'],
    ['Invalid integration_id', 'ERR_MARKET_INVALID_INTEGRATION_ID'],
    ['invalid content type(not application/json)', 'ERR_MARKET_INVALID_CONTENT_TYPE'],
    ["User doesn't exist", 'ERR_MARKET_USER_NOT_FOUND'],
    ['User is not invited to this product', 'ERR_MARKET_USER_NOT_INVITED'],
    ['This user already has this item', 'ERR_MARKET_ALREADY_OWNED'],
    ['invalid item', 'ERR_MARKET_INVALID_ITEM'],
    ['Invalid product', 'ERR_MARKET_INVALID_PRODUCT'],
    ["You can't transfer to yourself", 'ERR_MARKET_SELF_TRANSFER'],
    ['Not enough balance', 'ERR_MARKET_INSUFFICIENT_BALANCE'],
    ['Invalid username', 'ERR_MARKET_INVALID_REQUEST'],
    ['Invalid prices format: EUR is not a price', 'ERR_MARKET_INVALID_REQUEST'],
    ['Invalid id.', 'ERR_MARKET_ID_COLLISION'],
    ['Something new went wrong', 'ERR_MARKET_API'],
  ])('maps %j to %s, keeping the provider text', async (message, code) => {
    const error = await codeOf(message);
    expect(error).toBeInstanceOf(MarketApiError);
    expect(error).toMatchObject({ code, providerMessage: message });
  });

  it('says what to fix when the key or the user id is wrong', async () => {
    const error = await codeOf('Invalid signature');
    expect((error as Error).message).toMatch(/check your API key \(secret\) and user id/);
  });
});

describe('isNeverloseMarketError', () => {
  it('narrows code to the union of every market code, and a code to its class', async () => {
    const error: unknown = await codeOf('Not enough balance');
    expect(isNeverloseMarketError(error)).toBe(true);
    if (!isNeverloseMarketError(error)) return;
    expectTypeOf(error.code).toEqualTypeOf<NeverloseMarketErrorCode>();
    expectTypeOf(error.code).not.toEqualTypeOf<string>();
    // @ts-expect-error a misspelt code does not compile
    expect(error.code === 'ERR_MARKET_USR_NOT_FOUND').toBe(false);
    if (error.code === 'ERR_MARKET_INSUFFICIENT_BALANCE') {
      expectTypeOf(error).toEqualTypeOf<MarketApiError>();
      expect(error.providerMessage).toBe('Not enough balance');
    }
    const signing: unknown = new SigningError('ERR_SIGNATURE_MISSING', 'no signature');
    if (isNeverloseMarketError(signing) && signing.code === 'ERR_SIGNATURE_MISSING') {
      expectTypeOf(signing).toEqualTypeOf<SigningError>();
    }
  });
});
