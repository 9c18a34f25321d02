import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, MarketClient } from '../src/index.js';
import { openSqliteIdJournal, openSqliteWebhookDedupStore } from '../src/sqlite/index.js';

const directory = mkdtempSync(join(tmpdir(), 'nl-option-keys-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** An options object with a key its type does not have, as plain JavaScript would pass it. */
const loose = <T>(options: Record<string, unknown>): T => options as T;

describe('an unknown option key', () => {
  it('is refused by MarketClient, naming the option it most likely meant', () => {
    const options = loose<ConstructorParameters<typeof MarketClient>[0]>({
      userId: 1,
      secret: 'key',
      timeout: 5000,
    });
    expect(() => new MarketClient(options)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining(
          '"timeout": is not an option of MarketClient; did you mean "timeoutMs"?',
        ),
      }),
    );
  });

  it('is refused without a suggestion when no option is close', () => {
    const options = loose<ConstructorParameters<typeof MarketClient>[0]>({
      userId: 1,
      secret: 'key',
      colour: 'blue',
    });
    expect(() => new MarketClient(options)).toThrowError(
      /"colour": is not an option of MarketClient\.$/,
    );
  });

  it('is refused by the webhook handlers when they are created', () => {
    const options = loose<Parameters<typeof createWebhookHandler>[0]>({
      secret: 'key',
      onEvent: () => {},
      dedupstore: undefined,
    });
    expect(() => createWebhookHandler(options)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_OPTION',
        message: expect.stringContaining(
          '"dedupstore": is not an option of the webhook handlers; did you mean "dedupStore"?',
        ),
      }),
    );
  });

  it('is refused by the SQLite stores before the file is opened', async () => {
    await expect(
      openSqliteIdJournal(join(directory, 'journal.db'), loose({ tabel: 'journal' })),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('did you mean "table"?'),
    });
    await expect(
      openSqliteIdJournal(join(directory, 'journal.db'), loose({ now: () => 0 })),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"now"'),
    });
    const store = await openSqliteWebhookDedupStore(join(directory, 'dedup.db'), { now: () => 0 });
    store.close();
  });
});
