import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type PriceSyncStatus,
  RESELLER_PRICES_TTL_MS,
  type SetResellerPricesParams,
  startPriceSync,
} from '../../src/index.js';

const prices = { cs2: { EUR: '10' } };
const HOUR = 3_600_000;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function fakeClient(fail: () => boolean = () => false) {
  const calls: SetResellerPricesParams[] = [];
  return {
    calls,
    setResellerPrices: async (params: SetResellerPricesParams) => {
      calls.push(params);
      if (fail()) throw new Error('API down');
      return { status: 'ok' as const, reply: {} };
    },
  };
}

describe('startPriceSync', () => {
  it('pushes at once and then hourly by default, reporting when the prices expire', async () => {
    const client = fakeClient();
    const pushed: PriceSyncStatus[] = [];
    const sync = startPriceSync({
      client,
      integrationId: 100,
      prices,
      onPush: (status) => pushed.push(status),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(client.calls).toEqual([{ integrationId: 100, prices }]);
    expect(pushed[0]?.expiresAt?.getTime()).toBe(RESELLER_PRICES_TTL_MS);
    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(client.calls).toHaveLength(4);
    expect(sync.status()).toMatchObject({
      consecutiveFailures: 0,
      expiringSoon: false,
      expired: false,
    });
    expect(sync.status().expiresAt?.getTime()).toBe(3 * HOUR + RESELLER_PRICES_TTL_MS);
    sync.stop();
    await vi.advanceTimersByTimeAsync(5 * HOUR);
    expect(client.calls).toHaveLength(4);
  });

  it('passes the product names on, so products beyond the documented ones validate', async () => {
    const client = fakeClient();
    const sync = startPriceSync({
      client,
      integrationId: 100,
      prices: { cs3: { EUR: '9' } },
      products: ['cs3'],
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(client.calls).toEqual([
      { integrationId: 100, prices: { cs3: { EUR: '9' } }, products: ['cs3'] },
    ]);
    sync.stop();
  });

  it('reads the prices from a function before every push', async () => {
    const client = fakeClient();
    let price = 10;
    const sync = startPriceSync({
      client,
      integrationId: 1,
      prices: () => ({ cs2: { EUR: String(price++) } }),
      intervalMs: HOUR,
    });
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(client.calls.map((call) => call.prices)).toEqual([
      { cs2: { EUR: '10' } },
      { cs2: { EUR: '11' } },
    ]);
    sync.stop();
  });

  it('warns when failing pushes let the prices approach expiry', async () => {
    let failing = false;
    const client = fakeClient(() => failing);
    const expiring: PriceSyncStatus[] = [];
    const errors: unknown[] = [];
    const sync = startPriceSync({
      client,
      integrationId: 1,
      prices,
      onExpiring: (status) => expiring.push(status),
      onError: (error) => errors.push(error),
    });
    await vi.advanceTimersByTimeAsync(0);
    failing = true;
    await vi.advanceTimersByTimeAsync(21 * HOUR);
    expect(errors).toHaveLength(21);
    expect(expiring).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(HOUR);
    expect(expiring).toHaveLength(1);
    expect(expiring[0]).toMatchObject({
      consecutiveFailures: 22,
      expiringSoon: true,
      expired: false,
    });
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(expiring.at(-1)).toMatchObject({ expired: true });
    sync.stop();
  });

  it('reports a failing prices source through onError without sending', async () => {
    const client = fakeClient();
    const errors: unknown[] = [];
    const sync = startPriceSync({
      client: { setResellerPrices: (params) => client.setResellerPrices(params) },
      integrationId: 1,
      prices: () => {
        throw new Error('no prices table');
      },
      onError: (error) => errors.push(error),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([new Error('no prices table')]);
    expect(client.calls).toHaveLength(0);
    expect(sync.status()).toMatchObject({ lastPushedAt: undefined, expired: true });
    sync.stop();
  });

  it('keeps its schedule when callbacks throw, and lets nothing reject unhandled', async () => {
    const escaped: unknown[] = [];
    const trap = (error: unknown) => void escaped.push(error);
    process.on('unhandledRejection', trap);
    try {
      let failing = true;
      const client = fakeClient(() => failing);
      const sync = startPriceSync({
        client,
        integrationId: 1,
        prices,
        onError: () => {
          throw new Error('alerting down');
        },
        onExpiring: () => Promise.reject(new Error('pager down')),
        onPush: () => {
          throw new Error('metrics down');
        },
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(sync.status().consecutiveFailures).toBe(1);
      failing = false;
      await expect(sync.pushNow()).resolves.toMatchObject({ consecutiveFailures: 0 });
      await vi.advanceTimersByTimeAsync(2 * HOUR);
      expect(client.calls).toHaveLength(4);
      sync.stop();
      // Rejections are reported after the microtasks run: let the event loop turn once.
      vi.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve));
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', trap);
    }
  });

  it('refuses invalid options with a code', () => {
    for (const intervalMs of [999, 2 ** 31, Number.NaN]) {
      expect(() =>
        startPriceSync({ client: fakeClient(), integrationId: 1, prices, intervalMs }),
      ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
    expect(() => startPriceSync({ client: {} as never, integrationId: 1, prices })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  it('shares a push already running', async () => {
    const client = fakeClient();
    const sync = startPriceSync({ client, integrationId: 1, prices });
    await Promise.all([sync.pushNow(), sync.pushNow()]);
    expect(client.calls).toHaveLength(1);
    sync.stop();
  });
});
