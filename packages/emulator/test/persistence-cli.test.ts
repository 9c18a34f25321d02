import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { defaultConfig, startEmulator } from '../src/index.js';
import { market, ok, startCli } from './helpers.js';

describe('persistence', () => {
  it('keeps balances, items and used ids across restarts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nl-emu-')), 'world.json');
    const first = await startEmulator({ persistFile: file });
    expect(
      await market(first.url, 'transfer-money', {
        user_id: 10,
        id: 'p1',
        username: 'bob',
        amount: 4,
      }),
    ).toEqual(ok());
    first.purchase('alice', 'E3yugw');
    await first.stop();
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    const second = await startEmulator({ persistFile: file });
    try {
      expect(second.world.userByLogin('bob')?.balanceCents).toBe(2900);
      expect(second.world.userByLogin('alice')?.items).toEqual(['E3yugw']);
      expect(
        await market(second.url, 'transfer-money', {
          user_id: 10,
          id: 'p1',
          username: 'bob',
          amount: 4,
        }),
      ).toMatchObject({ error: 'Invalid id.' });
    } finally {
      await second.stop();
    }
  });

  it('refuses a world file that is not a snapshot', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nl-emu-')), 'world.json');
    writeFileSync(file, '{"version":2}');
    await expect(startEmulator({ persistFile: file })).rejects.toMatchObject({
      code: 'ERR_PERSISTENCE',
    });
    writeFileSync(file, 'not json');
    await expect(startEmulator({ persistFile: file })).rejects.toMatchObject({
      code: 'ERR_PERSISTENCE',
    });
  });
});

describe('config', () => {
  it('accepts the default seed and fills defaults', () => {
    const config = resolveConfig(defaultConfig());
    expect(config.settings.webhookSignatureCoversKind).toBe(false);
    expect(config.products.map((p) => p.name)).toEqual(['csgo', 'cs2']);
    expect(resolveConfig({}).products.map((p) => p.name)).toEqual(['csgo', 'cs2']);
  });

  it.each([
    [{ users: [{ id: 0, login: 'a' }] }, 'users[0].id'],
    [
      {
        users: [
          { id: 1, login: 'a' },
          { id: 1, login: 'b' },
        ],
      },
      'users[1]',
    ],
    [{ users: [{ id: 1, login: 'a', balance: 0.001 }] }, 'users[0].balance'],
    [{ users: [{ id: 1, login: 'a', regDate: '2020/01/01' }] }, 'users[0].regDate'],
    [{ users: [{ id: 1, login: 'a', invited: ['cs3'] }] }, 'users[0].invited[0]'],
    [{ items: [{ code: 'X', price: 1, sellerId: 9 }] }, 'items[0].sellerId'],
    [
      { oauthClients: [{ clientId: 'c', clientSecret: 's', redirectUris: ['not a url'] }] },
      'oauthClients[0].redirectUris[0]',
    ],
    [
      {
        oauthClients: [
          { clientId: 'c', clientSecret: 's', redirectUris: [], permissions: ['admin'] },
        ],
      },
      'oauthClients[0].permissions[0]',
    ],
    [{ settings: { idTokenAlg: 'HS256' } }, 'settings.idTokenAlg'],
    [{ settings: { webhookRetry: { maxAttempts: 0 } } }, 'settings.webhookRetry.maxAttempts'],
    [{ products: [{ name: 'marketplace' }] }, 'products[0].name'],
    [[], 'config'],
  ])('refuses %j naming %s', (config, field) => {
    expect(() => resolveConfig(config)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining(field),
      }),
    );
  });
});

describe('CLI', () => {
  it('prints the URL, client and reseller credentials, serves, and stops on SIGTERM', async () => {
    const { url, out, exit } = await startCli(['--host', '127.0.0.1']);
    const text = out.text();
    expect(text).toContain('API key emulator-reseller-key');
    expect(text).toContain('OAuth client emulator-client  secret emulator-secret');
    expect(text).toContain('user_id 10');
    expect((await fetch(`${url}/.well-known/openid-configuration`)).status).toBe(200);
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it('reads a config file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nl-emu-')), 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        users: [{ id: 7, login: 'seven' }],
        marketAccounts: [{ userId: 7, apiKey: 'k7', reseller: true }],
      }),
    );
    const { out, exit } = await startCli(['--config', file]);
    expect(out.text()).toContain('reseller seven: user_id 7  API key k7');
    process.emit('SIGINT');
    expect(await exit).toBe(0);
  });
});
