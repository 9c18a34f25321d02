import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Market from '../../src/index.js';

/** A fresh copy of the package: the warning is once per loaded copy. */
async function freshPackage(): Promise<typeof Market> {
  vi.resetModules();
  return import('../../src/index.js');
}

const options = { secret: 'key', onEvent: () => {} };

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the in-memory dedup store in production', () => {
  it('warns once, with a code, when handlers run on it with NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const market = await freshPackage();
    market.createWebhookHandler(options);
    market.createNodeWebhookHandler({
      ...options,
      dedupStore: new market.MemoryWebhookDedupStore(),
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ code: 'NEVERLOSE_MEMORY_DEDUP' });
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/restart.*replayed/);
  });

  it('does not warn with a durable store, or outside production', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    vi.stubEnv('NODE_ENV', 'production');
    let market = await freshPackage();
    market.createWebhookHandler({
      ...options,
      dedupStore: { claim: () => 'claimed', complete: () => {}, release: () => {} },
    });
    vi.stubEnv('NODE_ENV', 'development');
    market = await freshPackage();
    market.createWebhookHandler(options);
    expect(warn).not.toHaveBeenCalled();
  });
});
