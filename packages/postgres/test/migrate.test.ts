import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { migrate, migrationSql } from '../src/index.js';
import { PostgresIdJournal, PostgresSingleUseTokenStore } from '../src/market.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { tableNames } from '../src/options.js';
import { startPostgres, type TestPostgres } from './postgres-server.js';

let db: TestPostgres;
beforeAll(async () => {
  db = await startPostgres();
});
afterAll(() => db?.stop());

const latest = Math.max(...MIGRATIONS.map((m) => m.version));
let n = 0;
const freshPrefix = () => `m${process.pid}_${Date.now().toString(36)}_${n++}_`;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      env: { DATABASE_URL: db.url },
      out: (t: string) => out.push(t),
      err: (t: string) => err.push(t),
    },
  };
}

describe('migrate', () => {
  it('applies every migration once, then finds nothing to do', async () => {
    const tablePrefix = freshPrefix();
    expect(await migrate(db.pool(), { tablePrefix })).toEqual({
      applied: MIGRATIONS.map((m) => m.version),
      version: latest,
      unknown: [],
    });
    expect(await migrate(db.pool(), { tablePrefix })).toEqual({
      applied: [],
      version: latest,
      unknown: [],
    });
  });

  it('lets instances that start together migrate at once: one applies, the others wait and find it done', async () => {
    const tablePrefix = freshPrefix();
    const reports = await Promise.all([0, 1, 2, 3].map(() => migrate(db.pool(), { tablePrefix })));
    expect(reports.filter((r) => r.applied.length > 0)).toHaveLength(1);
    const { rows } = await db.query(`SELECT version FROM "public"."${tablePrefix}migrations"`);
    expect(rows).toHaveLength(MIGRATIONS.length);
  });

  it('creates its own schema, and the adapters find their tables there', async () => {
    const schema = `s_${freshPrefix()}`.replace(/_$/, '');
    await migrate(db.pool(), { schema });
    const tokens = new PostgresSingleUseTokenStore(db.pool(), { schema });
    expect(await tokens.consume('t', Date.now() / 1000 + 60)).toBe(true);
  });

  it('reports versions a newer release applied, without failing', async () => {
    const tablePrefix = freshPrefix();
    await migrate(db.pool(), { tablePrefix });
    await db.query(
      `INSERT INTO "public"."${tablePrefix}migrations" (version, name) VALUES (999, 'future')`,
    );
    expect(await migrate(db.pool(), { tablePrefix })).toMatchObject({
      applied: [],
      unknown: [999],
      version: 999,
    });
  });

  it('brings a journal of version 1 to one operation per method and key, keeping its entries', async () => {
    const tablePrefix = freshPrefix();
    const t = tableNames({ tablePrefix });
    // A database a release with only the first migration created, holding one entry.
    await db.query(
      `CREATE TABLE ${t.migrations} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await db.query(MIGRATIONS[0]!.sql(t));
    await db.query(`INSERT INTO ${t.migrations} (version, name) VALUES (1, 'first')`);
    await db.query(
      `INSERT INTO ${t.journal} (key, request_id, method, params, fingerprint, state, created_at, updated_at)
       VALUES ('order-1', '"gift-1"', 'gift-product', '{}', 'f', 'pending', now(), now())`,
    );
    expect(await migrate(db.pool(), { tablePrefix })).toMatchObject({
      applied: MIGRATIONS.slice(1).map((m) => m.version),
    });
    const journal = new PostgresIdJournal(db.pool(), { tablePrefix });
    expect(await journal.get({ method: 'gift-product', key: 'order-1' })).toMatchObject({
      requestId: '"gift-1"',
    });
    const transfer = await journal.begin({
      key: 'order-1',
      requestId: '"transfer-1"',
      method: 'transfer-money',
      params: '{}',
      fingerprint: 'g',
    });
    expect(transfer.created).toBe(true);
  });

  it('prints SQL an operator can apply with their own tool', async () => {
    const tablePrefix = freshPrefix();
    await db.query(migrationSql({ tablePrefix }));
    expect(await migrate(db.pool(), { tablePrefix })).toMatchObject({ applied: [] });
  });

  it('refuses a schema or prefix that is not a plain identifier', async () => {
    await expect(migrate(db.pool(), { schema: 'Shop' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"schema"'),
    });
    await expect(migrate(db.pool(), { tablePrefix: 'a-b' })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringContaining('"tablePrefix"'),
    });
  });
});

describe('neverlose-postgres command', () => {
  it('migrates the database of DATABASE_URL, then reports it up to date', async () => {
    const tablePrefix = freshPrefix();
    const first = io();
    expect(await run(['migrate', '--table-prefix', tablePrefix], first.io)).toBe(0);
    expect(first.out.join('')).toBe(
      `Applied ${MIGRATIONS.map((m) => `version ${m.version}`).join(', ')}; now at version ${latest}.\n`,
    );
    const status = io();
    expect(await run(['status', '--table-prefix', tablePrefix], status.io)).toBe(0);
    expect(status.out.join('')).toBe(
      `Applied: ${MIGRATIONS.map((m) => m.version).join(', ')}. Missing: none.\n`,
    );
  });

  it('exits 1 with the code when the tables are missing, and 2 on a usage error', async () => {
    const missing = io();
    expect(await run(['status', '--table-prefix', freshPrefix()], missing.io)).toBe(1);
    expect(missing.err.join('')).toContain('ERR_POSTGRES_NOT_MIGRATED');
    const usage = io();
    expect(await run(['drop'], usage.io)).toBe(2);
    expect(usage.err.join('')).toContain('unknown command "drop"');
    const noUrl = { ...io(), io: { ...io().io, env: {} } };
    expect(await run(['migrate'], noUrl.io)).toBe(2);
  });

  it('prints the SQL without a database', async () => {
    const sql = io();
    expect(await run(['sql', '--schema', 'shop'], { ...sql.io, env: {} })).toBe(0);
    expect(sql.out.join('')).toContain('CREATE TABLE "shop"."neverlose_market_journal"');
  });
});
