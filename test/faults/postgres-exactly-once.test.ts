import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeSuite } from '@neverlose-toolkit/test-support/bench-report';
import { freePort } from '@neverlose-toolkit/test-support/ports';
import {
  type PostgresCluster,
  startPostgresCluster,
} from '@neverlose-toolkit/test-support/postgres-cluster';
import { defaultConfig, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { signPayload } from 'neverlose-market/signing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/packed.js';

// `pnpm bench` runs the full size; a plain test run a shorter one with the same faults and events.
const BENCH = process.env['NEVERLOSE_WRITE_BENCH'] === '1';
const ORDERS = BENCH ? 2000 : 300;
const WEBHOOKS = BENCH ? 1000 : 150;
/** Share of orders answered when one shop is killed, and when PostgreSQL restarts. */
const KILL_AT = 0.35;
const RESTART_AT = 0.6;
const MONEY_METHODS = ['gift-product', 'transfer-money'];
const RESELLER_ID = 10;
const API_KEY = 'emulator-reseller-key';
const INTEGRATION_ID = 100;
const FIRST_WEBHOOK_ID = 7_000_000;

let emulator: RunningEmulator;
let cluster: PostgresCluster;
let db: pg.Pool;
const shops = new Map<string, { child: ChildProcess; url: string; log: string[] }>();
/** Shops that exited without being told to (a crash), with their exit code and log. */
const unexpectedExits: string[] = [];

/** A reseller shop in its own process (`node dist/main.js`), on the shared PostgreSQL. */
async function startShop(name: string): Promise<void> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'examples', 'reseller-shop', 'dist', 'main.js')],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NEVERLOSE_USER_ID: String(RESELLER_ID),
        NEVERLOSE_API_KEY: API_KEY,
        NEVERLOSE_INTEGRATION_ID: String(INTEGRATION_ID),
        NEVERLOSE_MARKET_URL: `${emulator.url}/api/market`,
        NEVERLOSE_ALLOW_INSECURE_HTTP: '1',
        DATABASE_URL: cluster.url,
        REDIS_URL: '',
        // A delivery cut off by the kill or the restart frees its event quickly.
        WEBHOOK_LEASE_SECONDS: '2',
        PRICE_SYNC_INTERVAL_MS: String(3_600_000),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`shop ${name} exited (${code}): ${log.join('')}`)),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.push(`${line}\n`);
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  child.removeAllListeners('exit');
  child.once('exit', (code, signal) => {
    if (shops.get(name)?.child === child)
      unexpectedExits.push(`${name} exited (${code ?? signal}): ${log.join('').slice(-2000)}`);
  });
  shops.set(name, { child, url, log });
}

function stopShop(name: string, signal: NodeJS.Signals): Promise<void> {
  const shop = shops.get(name);
  shops.delete(name);
  if (!shop || shop.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    shop.child.once('exit', () => resolve());
    shop.child.kill(signal);
  });
}

/** Starts a shop again until it stays up, as a process supervisor would (it exits while the database is down). */
async function superviseRestart(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startShop(name);
    } catch (error) {
      if (attempt === 20) throw error;
      await pause(250);
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the shops answered while PostgreSQL restarted: status and code, how often. */
const answersWhileDown = new Map<string, number>();

/**
 * Delivers webhooks (of their own ids) to every live shop while `going()`, as the provider keeps
 * doing during an outage, and records each answer: 200, or 503 with Retry-After and a code.
 */
async function probeWhile(going: () => boolean): Promise<void> {
  for (let n = 0; going(); n++) {
    await Promise.all(
      [...shops.values()].map(async (shop) => {
        const uniqueId = 6_000_000 + n;
        const fields = { amount: 1.25, username: 'alice', unique_id: uniqueId };
        const body = JSON.stringify({
          kind: 'transfer',
          ...fields,
          signature: signPayload(fields, API_KEY),
        });
        let answer: string;
        try {
          const response = await fetch(`${shop.url}/webhooks/neverlose`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          const json = (await response.json()) as { error?: string };
          answer =
            response.status === 503 && response.headers.get('retry-after') !== null
              ? `503 ${json.error}`
              : String(response.status);
        } catch (error) {
          answer = `no answer: ${(error as Error).message}`;
        }
        answersWhileDown.set(answer, (answersWhileDown.get(answer) ?? 0) + 1);
      }),
    );
    await pause(50);
  }
}

/**
 * Sends a request to a live shop until it answers as `done` says, as a buyer's browser and the
 * provider's webhook retries would: a refused connection, a 5xx or a dead shop means try again.
 */
async function untilAnswered(
  send: (shopUrl: string) => Promise<Response>,
  done: (response: Response) => boolean,
  stats: { retries: number },
): Promise<Response> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    const live = [...shops.values()];
    const shop = live[attempt % Math.max(1, live.length)];
    if (shop) {
      try {
        const response = await send(shop.url);
        if (done(response)) return response;
        await response.arrayBuffer();
      } catch {
        // The shop died under the request, or refused the connection.
      }
    }
    if (Date.now() > deadline) throw new Error('no shop answered for two minutes');
    stats.retries++;
    await pause(50 + Math.min(500, attempt * 50));
  }
}

beforeAll(async () => {
  cluster = await startPostgresCluster();
  db = new pg.Pool({ connectionString: cluster.url, max: 2 });
  db.on('error', () => undefined);
  const seed = defaultConfig();
  emulator = await startEmulator({
    faultSeed: 20261123,
    config: {
      ...seed,
      users: (seed.users ?? []).map((user) =>
        user.login === 'reseller' ? { ...user, balance: 10_000_000 } : user,
      ),
      marketAccounts: seed.marketAccounts?.map((account) =>
        account.integration === undefined
          ? account
          : { ...account, integration: { ...account.integration, public: true } },
      ),
      settings: { callLogLimit: 1_000_000 },
    },
  });
  await startShop('a');
  await startShop('b');
  // About a quarter of market requests fail, each way a network can fail a client.
  for (const kind of ['drop-after-apply', 'error5xx', 'reset'] as const) {
    emulator.addFault({ method: '*', kind, probability: 0.07 });
  }
  emulator.addFault({ method: '*', kind: 'delay', delayMs: 1500, probability: 0.07 });
});

afterAll(async () => {
  await Promise.all([...shops.keys()].map((name) => stopShop(name, 'SIGTERM')));
  await db?.end();
  await emulator?.stop();
  await cluster?.stop();
});

describe(`${ORDERS} orders and ${WEBHOOKS} webhooks through two shop processes on one PostgreSQL, under faults`, () => {
  it('delivers every order once and records every webhook once, across a hard kill and a server restart', async () => {
    const buyers = ['alice', 'bob', 'charlie'];
    // A checkout token is its order: the same claims in the same second are the same order.
    // Every order here is a top-up of a different amount (transfer-money), so each is its own.
    const tokens = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        emulator
          .checkout({
            login: buyers[i % 3]!,
            integrationId: INTEGRATION_ID,
            product: 'marketplace',
            nle: ((i + 1) / 100).toFixed(2),
          })
          .then((redirect) => redirect.token),
      ),
    );
    expect(new Set(tokens).size).toBe(ORDERS);
    const orderStats = { retries: 0 };
    const webhookStats = { retries: 0 };
    let answered = 0;
    let next = 0;
    const events = { killed: false, restarted: false };
    const milestones = async () => {
      if (!events.killed && answered >= ORDERS * KILL_AT) {
        events.killed = true;
        await stopShop('a', 'SIGKILL');
        await superviseRestart('a');
      }
      if (!events.restarted && answered >= ORDERS * RESTART_AT) {
        events.restarted = true;
        // While PostgreSQL is down, every shop stays up and answers a coded 503.
        let down = true;
        const probing = probeWhile(() => down);
        await cluster.restart('fast');
        down = false;
        await probing;
      }
    };
    // The pay form is CSRF-protected. Its cookie and token are bound to the shop's API key, not
    // to an order, so one pair taken from the first checkout page serves every order on both
    // shops (a retried order's own page may no longer offer the form once its token is spent).
    let form: Promise<{ cookie: string; csrf: string }> | undefined;
    const payForm = (shopUrl: string) => {
      form ??= (async () => {
        const page = await fetch(`${shopUrl}/checkout?nl_purchase=${tokens[0]}`);
        const cookie = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
        if (cookie === '' || csrf === '')
          throw new Error(`no pay form on the checkout page (${page.status})`);
        return { cookie, csrf };
      })();
      form.catch(() => {
        form = undefined;
      });
      return form;
    };
    const payWorker = async () => {
      while (next < ORDERS) {
        const token = tokens[next++]!;
        await untilAnswered(
          async (shopUrl) => {
            const { cookie, csrf } = await payForm(shopUrl);
            return fetch(`${shopUrl}/checkout/pay`, {
              method: 'POST',
              redirect: 'manual',
              headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
              body: new URLSearchParams({ nl_purchase: token, csrf }),
            });
          },
          (response) => response.status === 303,
          orderStats,
        );
        answered++;
        await milestones();
      }
    };

    // Every event is delivered twice, every fourth three times, the copies spread over the run.
    const deliveries: number[] = [];
    for (let i = 0; i < WEBHOOKS; i++) deliveries.push(i);
    for (let i = 0; i < WEBHOOKS; i++) deliveries.push(i);
    for (let i = 0; i < WEBHOOKS; i += 4) deliveries.push(i);
    const answers = { handled: 0, duplicate: 0 };
    let nextDelivery = 0;
    const webhookWorker = async () => {
      while (nextDelivery < deliveries.length) {
        const slot = nextDelivery++;
        // Keep pace with the orders, so deliveries fall before, during and after the restart.
        while (answered < ORDERS && answered / ORDERS < slot / deliveries.length) await pause(20);
        const uniqueId = FIRST_WEBHOOK_ID + deliveries[slot]!;
        const fields = { amount: 1.25, username: buyers[uniqueId % 3]!, unique_id: uniqueId };
        const body = JSON.stringify({
          kind: 'transfer',
          ...fields,
          signature: signPayload(fields, API_KEY),
        });
        const response = await untilAnswered(
          (shopUrl) =>
            fetch(`${shopUrl}/webhooks/neverlose`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }),
          (r) => r.status === 200,
          webhookStats,
        );
        const answer = (await response.json()) as { duplicate?: boolean };
        if (answer.duplicate) answers.duplicate++;
        else answers.handled++;
      }
    };

    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 16 }, payWorker),
      ...Array.from({ length: 4 }, webhookWorker),
    ]);
    const runSeconds = (Date.now() - started) / 1000;
    expect(events).toEqual({ killed: true, restarted: true });
    // No shop died but the one killed on purpose: the restart was answered, not crashed on.
    expect(unexpectedExits).toEqual([]);
    const probed = [...answersWhileDown.keys()];
    expect(probed.filter((answer) => answer !== '200' && !/^503 ERR_/.test(answer))).toEqual([]);
    expect(probed.some((answer) => answer.startsWith('503 ERR_'))).toBe(true);

    // Then resumePending(): the shops stop, and a shop starting again finishes what a retry
    // budget or a crash left pending (with its hooks, so the order rows follow), once.
    await Promise.all([...shops.keys()].map((name) => stopShop(name, 'SIGTERM')));
    const pending = async () =>
      Number(
        (
          await db.query(
            "SELECT count(*) AS n FROM neverlose_market_journal WHERE state = 'pending'",
          )
        ).rows[0].n,
      );
    const pendingAfterRun = await pending();
    let resumed = 0;
    for (let round = 0; round < 5 && (round === 0 || (await pending()) > 0); round++) {
      await superviseRestart('resumer');
      const log = shops.get('resumer')!.log.join('');
      resumed += (log.match(/resumed \S+ \([a-z-]+\): (completed|already-completed)/g) ?? [])
        .length;
      await stopShop('resumer', 'SIGTERM');
    }

    // The journal: one entry per order, each completed (now or before the crash).
    const { rows: entries } = await db.query<{ key: string; request_id: string; state: string }>(
      `SELECT key, request_id, state FROM neverlose_market_journal WHERE key LIKE 'order-%'`,
    );
    expect(entries).toHaveLength(ORDERS);
    expect(entries.filter((e) => e.state !== 'completed')).toEqual([]);

    // The shop's order rows, written in the journal's transactions, agree with it.
    const { rows: orders } = await db.query<{
      order_id: string;
      request_id: string;
      status: string;
    }>('SELECT order_id, request_id, status FROM neverlose_shop_orders');
    const byKey = new Map(entries.map((e) => [e.key, e]));
    const disagreeing = orders.filter(
      (o) =>
        byKey.get(`order-${o.order_id}`)?.request_id !== o.request_id || o.status !== 'delivered',
    );
    expect({ orders: orders.length, disagreeing }).toEqual({ orders: ORDERS, disagreeing: [] });

    // The ledger: each order's request id applied once; nothing else applied.
    const applied = new Map<string, number>();
    for (const entry of emulator.ledger()) {
      if (!MONEY_METHODS.includes(entry.method) || entry.requestId === null) continue;
      applied.set(entry.requestId, (applied.get(entry.requestId) ?? 0) + 1);
    }
    const ids = entries.map((e) => String(JSON.parse(e.request_id)));
    const twice = ids.filter((id) => (applied.get(id) ?? 0) > 1);
    const lost = ids.filter((id) => !applied.has(id));
    const known = new Set(ids);
    const stray = [...applied.keys()].filter((id) => !known.has(id));
    expect({ twice, lost, stray }).toEqual({ twice: [], lost: [], stray: [] });

    // Webhooks: every event recorded exactly once, however often and wherever it arrived.
    const { rows: recorded } = await db.query<{ unique_id: string; n: number }>(
      `SELECT unique_id, count(*)::int AS n FROM neverlose_shop_webhooks
       WHERE unique_id >= $1 GROUP BY unique_id`,
      [FIRST_WEBHOOK_ID],
    );
    const handledTwice = recorded.filter((r) => r.n !== 1);
    expect({ events: recorded.length, handledTwice }).toEqual({
      events: WEBHOOKS,
      handledTwice: [],
    });

    // The faults really happened, on at least a fifth of the money requests.
    const requests = emulator.calls.filter(
      (call) => call.marketMethod && MONEY_METHODS.includes(call.marketMethod),
    ).length;
    const faulted = emulator.faults().reduce((sum, rule) => sum + rule.fired, 0);
    expect(faulted / requests).toBeGreaterThanOrEqual(0.2);

    if (!BENCH) return;
    const byKind = Object.fromEntries(emulator.faults().map((rule) => [rule.kind, rule.fired]));
    writeSuite('postgres-exactly-once', {
      command: 'pnpm bench postgres-exactly-once (runs test/faults/postgres-exactly-once.test.ts)',
      figures: [
        {
          name: 'orders paid through two reseller-shop processes',
          value: ORDERS,
          unit: '',
          note: 'POST /checkout/pay; NLE top-ups of distinct amounts (transfer-money); PostgreSQL journal + orders table + tokens + dedup',
        },
        { name: 'market money requests received', value: requests, unit: '' },
        {
          name: 'requests faulted',
          value: faulted,
          unit: '',
          note: `${((100 * faulted) / requests).toFixed(1)}%: ${JSON.stringify(byKind)}`,
        },
        {
          name: 'shop killed (SIGKILL) and restarted after orders',
          value: Math.ceil(ORDERS * KILL_AT),
          unit: '',
        },
        {
          name: 'PostgreSQL restarted (fast shutdown) after orders',
          value: Math.ceil(ORDERS * RESTART_AT),
          unit: '',
        },
        {
          name: 'webhooks delivered to both shops during the restart: answers',
          value: JSON.stringify(Object.fromEntries(answersWhileDown)),
          unit: '',
        },
        {
          name: 'shops that exited without being stopped',
          value: unexpectedExits.length,
          unit: '',
        },
        {
          name: 'requests the buyers and the provider re-sent',
          value: orderStats.retries + webhookStats.retries,
          unit: '',
        },
        { name: 'pending when the run ended', value: pendingAfterRun, unit: '' },
        { name: 'finished by resumePending() at the next start', value: resumed, unit: '' },
        { name: 'orders applied twice', value: twice.length, unit: '' },
        { name: 'orders lost', value: lost.length, unit: '' },
        { name: 'order rows disagreeing with the journal', value: disagreeing.length, unit: '' },
        {
          name: 'webhook deliveries (events × 2, every 4th × 3)',
          value: deliveries.length,
          unit: '',
        },
        {
          name: 'answered as handled / as duplicate',
          value: `${answers.handled} / ${answers.duplicate}`,
          unit: '',
        },
        { name: 'webhook events recorded twice', value: handledTwice.length, unit: '' },
        { name: 'wall time of the run', value: runSeconds, unit: 's' },
      ],
      goals: [
        {
          name: 'orders applied exactly once',
          value: (ORDERS - twice.length - lost.length) / ORDERS,
          target: 1,
          met: twice.length + lost.length === 0,
        },
        {
          name: 'webhook events recorded exactly once',
          value: (recorded.length - handledTwice.length) / WEBHOOKS,
          target: 1,
          met: handledTwice.length === 0 && recorded.length === WEBHOOKS,
        },
      ],
    });
  }, 900_000);
});
