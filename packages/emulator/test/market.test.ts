import { signPayload, signRequest } from 'neverlose-market/signing';
import { describe, expect, it } from 'vitest';
import { MARKET_ERRORS } from '../src/market/errors.js';
import { emulator, failed, market, ok, postRaw, RESELLER, SHOP } from './helpers.js';

describe('market API: transport and envelope', () => {
  it('refuses a Content-Type other than exactly application/json with the provider error', async () => {
    const { url } = await emulator();
    const { body } = signRequest({ user_id: 10 }, RESELLER.key);
    for (const type of [
      'application/json; charset=utf-8',
      'text/plain',
      'APPLICATION/JSON',
      'application/json;',
      null,
    ]) {
      const reply = await postRaw(url, 'get-balance', body, type);
      expect(reply.json).toEqual(failed('invalid content type(not application/json)'));
    }
  });

  it('answers bad JSON, non-objects and invalid UTF-8 with the docs shape', async () => {
    const { url } = await emulator();
    for (const body of [
      '{',
      '',
      'null',
      '[1]',
      '"x"',
      '{"user_id":10,}',
      "{'user_id':10}",
      'NaN',
      '{"a":1}x',
    ]) {
      expect((await postRaw(url, 'get-balance', body)).json).toEqual(
        failed(MARKET_ERRORS.invalidJson),
      );
    }
    const response = await fetch(`${url}/api/market/get-balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });
    expect(await response.json()).toEqual(failed(MARKET_ERRORS.invalidJson));
  });

  it('answers unknown methods with 404 and non-POST with 405, both in the docs shape', async () => {
    const { url } = await emulator();
    expect(await postRaw(url, 'steal-money', '{}')).toEqual({
      status: 404,
      json: failed('Unknown method'),
    });
    expect(await postRaw(url, '__proto__', '{}')).toEqual({
      status: 404,
      json: failed('Unknown method'),
    });
    const get = await fetch(`${url}/api/market/get-balance`);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual(failed(MARKET_ERRORS.methodNotAllowed));
    const nested = await fetch(`${url}/api/market/a/b`, { method: 'POST' });
    expect(await nested.json()).toEqual(failed('Unknown method'));
  });

  it('answers a body over the limit with 413 in the docs shape and keeps serving', async () => {
    const { url } = await emulator({ config: { settings: { maxBodyBytes: 1024 }, users: [] } });
    const huge = `{"user_id":10,"pad":"${'x'.repeat(200_000)}"}`;
    const reply = await postRaw(url, 'get-balance', huge);
    expect(reply).toEqual({ status: 413, json: failed(MARKET_ERRORS.bodyTooLarge) });
    expect((await postRaw(url, 'get-balance', '{')).json).toEqual(
      failed(MARKET_ERRORS.invalidJson),
    );
  });

  it('refuses unknown, missing or non-integer user_id', async () => {
    const { url } = await emulator();
    for (const user_id of [999, '10', null, true, undefined]) {
      const body = JSON.stringify({ user_id, signature: 'a'.repeat(64) });
      expect((await postRaw(url, 'get-balance', body)).json).toEqual(
        failed(MARKET_ERRORS.invalidUserId),
      );
    }
    expect((await postRaw(url, 'get-balance', '{"user_id":10.0}')).json).toEqual(
      failed(MARKET_ERRORS.invalidUserId),
    );
  });

  it('checks signatures with the provider’s Python semantics on the raw body', async () => {
    const { url } = await emulator();
    // Python signs 2.00 as "2.0": a JavaScript String() signature ("2") is refused.
    const pythonSig = signPayload(
      '{"user_id":10,"id":"t1","username":"bob","amount":2.00}',
      RESELLER.key,
    );
    const good = `{"user_id":10,"id":"t1","username":"bob","amount":2.00,"signature":"${pythonSig}"}`;
    const jsSig = signPayload({ user_id: 10, id: 't2', username: 'bob', amount: 2 }, RESELLER.key);
    const bad = `{"user_id":10,"id":"t2","username":"bob","amount":2.00,"signature":"${jsSig}"}`;
    expect((await postRaw(url, 'transfer-money', bad)).json).toEqual(
      failed(MARKET_ERRORS.invalidSignature),
    );
    expect((await postRaw(url, 'transfer-money', good)).json).toEqual(ok());
    for (const body of [
      '{"user_id":10}',
      '{"user_id":10,"signature":123}',
      `{"user_id":10,"signature":"${'A'.repeat(64)}"}`,
      `{"user_id":10,"signature":"${signPayload({ user_id: 10 }, 'wrong-key')}"}`,
      `{"user_id":10,"x":"\\ud800","signature":"${'a'.repeat(64)}"}`,
    ]) {
      expect((await postRaw(url, 'get-balance', body)).json).toEqual(
        failed(MARKET_ERRORS.invalidSignature),
      );
    }
  });

  it('logs every call with its method, user and id', async () => {
    const emu = await emulator();
    await market(emu.url, 'gift-product', {
      user_id: 10,
      id: 'log-1',
      username: 'alice',
      product: 'csgo',
      cnt: 0,
    });
    const call = emu.calls.find((c) => c.requestId === 'log-1');
    expect(call).toMatchObject({
      area: 'market',
      marketMethod: 'gift-product',
      userId: 10,
      status: 200,
      outcome: 'answered',
    });
  });
});

describe('market API: methods', () => {
  it('get-balance answers every market user its balance', async () => {
    const { url } = await emulator();
    expect(await market(url, 'get-balance', { user_id: 10 })).toEqual(ok({ balance: 1000 }));
    expect(await market(url, 'get-balance', { user_id: 11 }, SHOP.key)).toEqual(ok({ balance: 5 }));
  });

  it('transfer-money moves NLE from the reseller to the user', async () => {
    const emu = await emulator();
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 1337,
        username: 'A49',
        amount: 2,
      }),
    ).toEqual(failed("User doesn't exist"));
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 1337,
        username: 'BOB',
        amount: 2.5,
      }),
    ).toEqual(ok());
    expect(emu.world.userByLogin('bob')?.balanceCents).toBe(2750);
    expect(emu.world.users.get(10)?.balanceCents).toBe(99_750);
    for (const amount of [0, -1, 0.001, '2', null, 1e300]) {
      expect(
        await market(emu.url, 'transfer-money', { user_id: 10, id: 'a', username: 'bob', amount }),
      ).toEqual(failed('Invalid amount'));
    }
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 'b',
        username: 'bob',
        amount: 5000,
      }),
    ).toEqual(failed('Not enough balance'));
    expect(
      await market(emu.url, 'transfer-money', {
        user_id: 10,
        id: 'c',
        username: 'reseller',
        amount: 1,
      }),
    ).toEqual(failed("You can't transfer to yourself"));
  });

  it('gift-product debits the plan price and extends the subscription', async () => {
    let now = Date.UTC(2026, 0, 1);
    const emu = await emulator({ now: () => now });
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 2,
        username: 'darth',
        product: 'csgo',
        cnt: 0,
      }),
    ).toEqual(failed("User doesn't exist"));
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 2,
        username: 'bob',
        product: 'csgo',
        cnt: 1,
      }),
    ).toEqual(ok());
    expect(emu.world.users.get(10)?.balanceCents).toBe(100_000 - 4410);
    expect(emu.world.userByLogin('bob')?.subscriptions['csgo']).toBe(now + 90 * 86_400_000);
    now += 1000;
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 3,
        username: 'bob',
        product: 'csgo',
        cnt: 0,
      }),
    ).toEqual(ok());
    expect(emu.world.userByLogin('bob')?.subscriptions['csgo']).toBe(
      Date.UTC(2026, 0, 1) + 120 * 86_400_000,
    );
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 4,
        username: 'bob',
        product: 'cs2',
        cnt: 0,
      }),
    ).toEqual(failed('User is not invited to this product'));
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 4,
        username: 'alice',
        product: 'cs2',
        cnt: 3,
      }),
    ).toEqual(ok());
    for (const [product, cnt, error] of [
      ['cs3', 0, 'Invalid product'],
      [1, 0, 'Invalid product'],
      ['csgo', 4, 'Invalid cnt'],
      ['csgo', '0', 'Invalid cnt'],
    ] as const) {
      expect(
        await market(emu.url, 'gift-product', {
          user_id: 10,
          id: 5,
          username: 'bob',
          product,
          cnt,
        }),
      ).toEqual(failed(error));
    }
    const raw = signPayload(
      '{"user_id":10,"id":6,"username":"bob","product":"csgo","cnt":0.0}',
      RESELLER.key,
    );
    const body = `{"user_id":10,"id":6,"username":"bob","product":"csgo","cnt":0.0,"signature":"${raw}"}`;
    expect((await postRaw(emu.url, 'gift-product', body)).json).toEqual(failed('Invalid cnt'));
  });

  it('gift-product refuses when the reseller cannot pay', async () => {
    const emu = await emulator();
    emu.world.users.get(10)!.balanceCents = 1000;
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 1,
        username: 'bob',
        product: 'csgo',
        cnt: 0,
      }),
    ).toEqual(failed('Not enough balance'));
  });

  it('get-prices answers the docs table', async () => {
    const { url } = await emulator();
    expect(await market(url, 'get-prices', { user_id: 10, product: 'csgo' })).toEqual(
      ok({
        prices: {
          '30': { cnt: 0, eur: 17.1, rub: 1368 },
          '90': { cnt: 1, eur: 44.1, rub: 3529 },
          '180': { cnt: 2, eur: 80.1, rub: 6410 },
          '365': { cnt: 3, eur: 134.1, rub: 10731 },
        },
      }),
    );
    expect(await market(url, 'get-prices', { user_id: 10, product: 'nope' })).toEqual(
      failed('Invalid product'),
    );
  });

  it('is-user-invited reports cheat_public and user_invited', async () => {
    const { url } = await emulator();
    expect(
      await market(url, 'is-user-invited', { user_id: 10, username: 'bob', product: 'csgo' }),
    ).toEqual(ok({ cheat_public: true, user_invited: true }));
    expect(
      await market(url, 'is-user-invited', { user_id: 10, username: 'bob', product: 'cs2' }),
    ).toEqual(ok({ cheat_public: false, user_invited: false }));
    expect(
      await market(url, 'is-user-invited', { user_id: 10, username: 'ALICE', product: 'cs2' }),
    ).toEqual(ok({ cheat_public: false, user_invited: true }));
    expect(
      await market(url, 'is-user-invited', { user_id: 10, username: 'zed', product: 'cs2' }),
    ).toEqual(failed("User doesn't exist"));
  });

  it('is-user-exists answers user_exists', async () => {
    const { url } = await emulator();
    expect(await market(url, 'is-user-exists', { user_id: 10, username: 'charlie' })).toEqual(
      ok({ user_exists: true }),
    );
    expect(await market(url, 'is-user-exists', { user_id: 10, username: 'darth' })).toEqual(
      ok({ user_exists: false }),
    );
    expect(await market(url, 'is-user-exists', { user_id: 10, username: 5 })).toEqual(
      failed('Invalid username'),
    );
  });

  it('give-for-free gives the caller’s own item, once per user', async () => {
    const emu = await emulator();
    const give = (id: string, username: string, code: unknown) =>
      market(emu.url, 'give-for-free', { user_id: 11, id, username, code }, SHOP.key);
    expect(await give('g1', 'darth', 'E3yugw')).toEqual(failed("User doesn't exist"));
    expect(await give('g1', 'bob', 'NOPE')).toEqual(failed('invalid item'));
    expect(await give('g1', 'bob', 7)).toEqual(failed('invalid item'));
    expect(await give('g1', 'bob', 'E3yugw')).toEqual(ok());
    expect(await give('g2', 'bob', 'E3yugw')).toEqual(failed('This user already has this item'));
    expect(emu.world.userByLogin('bob')?.items).toEqual(['E3yugw']);
    // Another seller's item is not the reseller's to give.
    expect(
      await market(emu.url, 'give-for-free', {
        user_id: 10,
        id: 'r1',
        username: 'alice',
        code: 'E3yugw',
      }),
    ).toEqual(failed('invalid item'));
  });

  it('refuses the reseller-only methods to other market users', async () => {
    const { url } = await emulator();
    for (const method of [
      'transfer-money',
      'gift-product',
      'get-prices',
      'is-user-invited',
      'is-user-exists',
    ]) {
      const reply = await market(
        url,
        method,
        { user_id: 11, id: 'x1', username: 'bob', product: 'csgo', cnt: 0, amount: 1 },
        SHOP.key,
      );
      expect(reply).toEqual(failed(MARKET_ERRORS.resellerOnly));
    }
  });

  it('integration-visibility toggles the owner’s integration', async () => {
    const emu = await emulator();
    expect(
      await market(emu.url, 'integration-visibility', {
        user_id: 10,
        integration_id: 100,
        is_public: true,
      }),
    ).toEqual(ok());
    expect(emu.world.integration(100)?.integration.public).toBe(true);
    expect(
      await market(emu.url, 'integration-visibility', {
        user_id: 10,
        integration_id: 100,
        public: false,
      }),
    ).toEqual(failed(MARKET_ERRORS.invalidIsPublic));
    expect(
      await market(emu.url, 'integration-visibility', {
        user_id: 10,
        integration_id: 101,
        is_public: false,
      }),
    ).toEqual(failed(MARKET_ERRORS.invalidIntegrationId));
    expect(
      await market(
        emu.url,
        'integration-visibility',
        { user_id: 11, integration_id: 100, is_public: false },
        SHOP.key,
      ),
    ).toEqual(failed(MARKET_ERRORS.integrationRequired));
    expect(
      await market(emu.url, 'integration-visibility', {
        user_id: 10,
        integration_id: 100,
        is_public: false,
        id: 'bad id',
      }),
    ).toEqual(failed(MARKET_ERRORS.idFormat));
  });
});

describe('market API: request ids and idempotency', () => {
  it('requires a well-formed id on actions', async () => {
    const { url } = await emulator();
    const send = (id: unknown) =>
      market(url, 'transfer-money', { user_id: 10, id, username: 'bob', amount: 1 });
    for (const id of [
      undefined,
      1.5,
      true,
      null,
      '',
      'has space',
      'ünï',
      'a/b',
      'x'.repeat(81),
      [1],
      { a: 1 },
    ]) {
      expect(await send(id)).toEqual(failed(MARKET_ERRORS.idFormat));
    }
    expect(await send('x'.repeat(80))).toEqual(ok());
    expect(await send('A-z_0.9')).toEqual(ok());
    expect(await send(-42)).toEqual(ok());
    const eightyOneDigits = `1${'0'.repeat(80)}`;
    const sig = signPayload(
      `{"user_id":10,"id":${eightyOneDigits},"username":"bob","amount":1}`,
      RESELLER.key,
    );
    const body = `{"user_id":10,"id":${eightyOneDigits},"username":"bob","amount":1,"signature":"${sig}"}`;
    expect((await postRaw(url, 'transfer-money', body)).json).toEqual(
      failed(MARKET_ERRORS.idFormat),
    );
  });

  it('answers "Invalid id." for the id of a completed action and never applies it twice', async () => {
    const emu = await emulator();
    const payload = { user_id: 10, id: 'order-17', username: 'bob', amount: 3 };
    expect(await market(emu.url, 'transfer-money', payload)).toEqual(ok());
    expect(await market(emu.url, 'transfer-money', payload)).toEqual(failed('Invalid id.'));
    // The id is per user, whatever the method; 17 and "17" are the same id.
    expect(
      await market(emu.url, 'gift-product', {
        user_id: 10,
        id: 'order-17',
        username: 'bob',
        product: 'csgo',
        cnt: 0,
      }),
    ).toEqual(failed('Invalid id.'));
    expect(await market(emu.url, 'transfer-money', { ...payload, id: 17 })).toEqual(ok());
    expect(await market(emu.url, 'transfer-money', { ...payload, id: '17' })).toEqual(
      failed('Invalid id.'),
    );
    expect(
      await market(
        emu.url,
        'give-for-free',
        { user_id: 11, id: 'order-17', username: 'bob', code: 'E3yugw' },
        SHOP.key,
      ),
    ).toEqual(ok());
    expect(emu.world.userByLogin('bob')?.balanceCents).toBe(2500 + 600);
    expect(emu.ledger().filter((e) => e.requestId === 'order-17')).toHaveLength(2);
  });

  it('completes a resent id whose first attempt did not complete', async () => {
    const emu = await emulator();
    const payload = { user_id: 10, id: 'retry-1', username: 'charlie', amount: 2000 };
    expect(await market(emu.url, 'transfer-money', payload)).toEqual(failed('Not enough balance'));
    emu.world.users.get(10)!.balanceCents = 500_000;
    expect(await market(emu.url, 'transfer-money', payload)).toEqual(ok());
    expect(emu.world.userByLogin('charlie')?.balanceCents).toBe(200_000);
  });

  it('read-only methods need no id and ignore one', async () => {
    const { url } = await emulator();
    expect(await market(url, 'get-balance', { user_id: 10, id: 'not valid!' })).toEqual(
      ok({ balance: 1000 }),
    );
    expect(await market(url, 'get-balance', { user_id: 10, id: 1 })).toEqual(ok({ balance: 1000 }));
    expect(await market(url, 'get-balance', { user_id: 10, id: 1 })).toEqual(ok({ balance: 1000 }));
  });
});

describe('market API: set-reseller-prices', () => {
  const set = (url: string, prices: unknown) =>
    market(url, 'set-reseller-prices', {
      user_id: 10,
      integration_id: 100,
      prices: typeof prices === 'string' ? prices : JSON.stringify(prices),
    });

  it('accepts the docs example and expires it after 24 hours', async () => {
    let now = Date.UTC(2026, 2, 17);
    const emu = await emulator({ now: () => now });
    const docs = {
      'cs2-30': { EUR: ['30.50', '31.30'], USD: ['31.82', '32.65'] },
      'csgo-180': { EUR: '14.10', USD: '14.71', XMR: '0.162' },
      marketplace: { EUR: '1.1', USD: '1.15' },
    };
    expect(await set(emu.url, docs)).toEqual(ok());
    const integration = emu.world.integration(100)!.integration;
    expect(emu.world.activePrices(integration)?.prices).toEqual(docs);
    now += 24 * 3600_000 - 1;
    expect(emu.world.activePrices(integration)).toBeDefined();
    now += 1;
    expect(emu.world.activePrices(integration)).toBeUndefined();
  });

  it('normalizes a key without days to the 30-day plan', async () => {
    const emu = await emulator();
    expect(await set(emu.url, { cs2: { EUR: '30' } })).toEqual(ok());
    expect(emu.world.integration(100)!.integration.prices?.prices).toEqual({
      'cs2-30': { EUR: '30' },
    });
  });

  it.each([
    ['not JSON', '{', 'prices is not valid JSON'],
    ['an array', [], 'prices must be a JSON object'],
    ['an unknown product', { cs3: { EUR: '1' } }, 'unknown product'],
    ['a missing plan', { 'cs2-31': { EUR: '1' } }, 'no 31-day plan'],
    ['a marketplace plan', { 'marketplace-30': { EUR: '1' } }, 'unknown product'],
    ['a repeated plan', { cs2: { EUR: '1' }, 'cs2-30': { EUR: '2' } }, 'repeats'],
    ['a lowercase currency', { cs2: { eur: '1' } }, 'not 3 uppercase latin letters'],
    ['a 4-letter currency', { cs2: { EURO: '1' } }, 'not 3 uppercase latin letters'],
    ['4 currencies', { cs2: { EUR: '1', USD: '1', GBP: '1', XMR: '1' } }, 'more than 3 currencies'],
    ['no currency', { cs2: {} }, 'lists no currency'],
    ['a number price', { cs2: { EUR: 1.5 } }, 'must be strings'],
    ['a non-decimal string', { cs2: { EUR: '1,5' } }, 'not a decimal number string'],
    ['a zero price', { cs2: { EUR: '0.00' } }, 'above zero'],
    ['a 3-element range', { cs2: { EUR: ['1', '2', '3'] } }, 'exactly 2 prices'],
    ['a reversed range', { cs2: { EUR: ['2.00', '1.99'] } }, 'less than the second'],
    ['an empty range', { cs2: { EUR: ['2', '2.0'] } }, 'less than the second'],
    ['a non-object entry', { cs2: '1' }, 'must map currencies'],
  ])('refuses %s', async (_name, prices, detail) => {
    const { url } = await emulator();
    const reply = await set(url, prices);
    expect(reply).toMatchObject({ succ: false, success: false });
    expect(reply['error']).toContain(MARKET_ERRORS.invalidPrices);
    expect(reply['error']).toContain(detail);
  });

  it('refuses prices that are not a JSON string and integrations of others', async () => {
    const { url } = await emulator();
    const reply = await market(url, 'set-reseller-prices', {
      user_id: 10,
      integration_id: 100,
      prices: 5,
    });
    expect(reply['error']).toContain('prices must be a JSON string');
    expect(
      await market(url, 'set-reseller-prices', { user_id: 10, integration_id: 7, prices: '{}' }),
    ).toEqual(failed(MARKET_ERRORS.invalidIntegrationId));
    expect(
      await market(
        url,
        'set-reseller-prices',
        { user_id: 11, integration_id: 100, prices: '{}' },
        SHOP.key,
      ),
    ).toEqual(failed(MARKET_ERRORS.integrationRequired));
  });
});

describe('market API: hostile input', () => {
  it('answers thousands of random bodies in the docs shape without crashing', async () => {
    const { url } = await emulator();
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      'user_id',
      '10',
      '1e999',
      '-0',
      'null',
      'true',
      '\\u0000',
      '\\ud800',
      'signature',
      'é',
      ' ',
      '9'.repeat(400),
    ];
    const methods = [
      'get-balance',
      'transfer-money',
      'gift-product',
      'set-reseller-prices',
      'give-for-free',
    ];
    for (let i = 0; i < 300; i++) {
      let body = '';
      const length = Math.floor(rand() * 12);
      for (let j = 0; j < length; j++) body += pieces[Math.floor(rand() * pieces.length)];
      const reply = await postRaw(url, methods[i % methods.length] as string, body);
      expect(reply.json).toMatchObject({ succ: false, success: false });
      expect(typeof reply.json['error']).toBe('string');
    }
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect((await postRaw(url, 'get-balance', deep)).json).toEqual(
      failed(MARKET_ERRORS.invalidJson),
    );
    expect(await market(url, 'get-balance', { user_id: 10 })).toEqual(ok({ balance: 1000 }));
  });

  it('treats __proto__ and constructor as ordinary fields', async () => {
    const { url } = await emulator();
    const text = '{"user_id":10,"__proto__":{"reseller":true},"constructor":"x"}';
    const sig = signPayload(text, RESELLER.key);
    const reply = await postRaw(url, 'get-balance', `${text.slice(0, -1)},"signature":"${sig}"}`);
    expect(reply.json).toEqual(ok({ balance: 1000 }));
  });
});
