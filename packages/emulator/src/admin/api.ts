import { createCheckoutRedirect } from '../checkout/token.js';
import { redirectUri, url as webhookUrl } from '../config/field-rules.js';
import type { EmulatorContext } from '../emulator-context.js';
import { EmulatorError, isEmulatorError } from '../errors.js';
import { readText } from '../http/form.js';
import type { RequestContext } from '../http/request-context.js';
import { Router } from '../http/router.js';
import { toCents } from '../world/money.js';
import { EMULATOR_ORIGIN, purchase, transfer } from '../world/operations.js';
import { applySeed } from './seed.js';
import { accountView, itemView, tokensView, userView, worldView } from './views.js';
import { streamWebhookReports } from './webhook-stream.js';

/** Reads a JSON body (empty = `{}`); answers 400 itself for anything else. */
async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
  const text = await readText(ctx);
  if (text === undefined) return undefined;
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    ctx.json(400, { error: 'ERR_INVALID_ARGUMENT', message: 'The body is not JSON.' });
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.json(400, { error: 'ERR_INVALID_ARGUMENT', message: 'The body must be a JSON object.' });
    return undefined;
  }
  return value as Record<string, unknown>;
}

function invalid(message: string): never {
  throw new EmulatorError('ERR_INVALID_ARGUMENT', message);
}

function string(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') invalid(`${key} must be a non-empty string.`);
  return value;
}

function amountCents(value: unknown, key: string): number {
  const cents = typeof value === 'number' ? toCents(value) : undefined;
  if (cents === undefined || cents < 0)
    invalid(`${key} must be a number >= 0 with at most 2 decimals.`);
  return cents;
}

const STATUS: Record<string, number> = {
  ERR_INVALID_ARGUMENT: 400,
  ERR_INVALID_OPTION: 400,
  ERR_NOT_FOUND: 404,
  ERR_OPERATION_REFUSED: 409,
  ERR_PERSISTENCE: 500,
};

/**
 * The JSON admin API under `/admin/api`, for tests and scripts. Errors are
 * `{"error": "<EmulatorErrorCode>", "message": "..."}` with 400, 404 or 409.
 */
export function adminRouter(
  app: EmulatorContext,
  hooks: { reset: (config?: unknown) => void },
): Router {
  const router = new Router();
  const world = app.world;
  const wrap =
    (
      fn: (ctx: RequestContext, body: Record<string, unknown>) => unknown | Promise<unknown>,
      withBody = false,
    ) =>
    async (ctx: RequestContext) => {
      ctx.log.area = 'admin';
      const body = withBody ? await jsonBody(ctx) : {};
      if (body === undefined) return;
      try {
        const result = await fn(ctx, body);
        if (!ctx.done) ctx.json(200, result ?? { ok: true });
      } catch (error) {
        if (!isEmulatorError(error)) throw error;
        ctx.json(STATUS[error.code] ?? 400, { error: error.code, message: error.message });
      }
    };

  router.on(
    'GET',
    '/admin/api/world',
    wrap(() => worldView(app)),
  );
  router.on(
    'GET',
    '/admin/api/snapshot',
    wrap(() => world.snapshot()),
  );
  router.on(
    'POST',
    '/admin/api/reset',
    wrap((_ctx, body) => {
      hooks.reset(body['config']);
      return { ok: true };
    }, true),
  );
  router.on(
    'POST',
    '/admin/api/seed',
    wrap((_ctx, body) => {
      applySeed(world, body);
      return worldView(app);
    }, true),
  );
  router.on(
    'GET',
    '/admin/api/users',
    wrap(() => [...world.users.values()].map(userView)),
  );
  router.on(
    'GET',
    '/admin/api/users/:login',
    wrap((ctx) => userView(world.requireUser(ctx.params['login'] ?? ''))),
  );
  router.on(
    'PATCH',
    '/admin/api/users/:login',
    wrap((ctx, body) => {
      const user = world.requireUser(ctx.params['login'] ?? '');
      for (const key of Object.keys(body)) {
        if (!['balance', 'email', 'invited', 'items'].includes(key))
          invalid(`${key}: only balance, email, invited and items can be changed.`);
      }
      if (body['balance'] !== undefined)
        user.balanceCents = amountCents(body['balance'], 'balance');
      if (body['email'] !== undefined) user.email = string(body, 'email');
      for (const [key, known] of [
        ['invited', world.products],
        ['items', world.items],
      ] as const) {
        const value = body[key];
        if (value === undefined) continue;
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !known.has(v))) {
          invalid(
            `${key} must be an array of known ${key === 'invited' ? 'product names' : 'item codes'}.`,
          );
        }
        user[key] = [...new Set(value as string[])];
      }
      world.changed();
      return userView(user);
    }, true),
  );
  router.on(
    'GET',
    '/admin/api/items',
    wrap(() => [...world.items.values()].map(itemView)),
  );
  router.on(
    'GET',
    '/admin/api/market-accounts',
    wrap(() => [...world.accounts.values()].map((a) => accountView(app, a))),
  );
  router.on(
    'GET',
    '/admin/api/calls',
    wrap((ctx) => {
      const area = ctx.url.searchParams.get('area');
      const method = ctx.url.searchParams.get('method');
      return app.calls.filter(
        (c) => (area === null || c.area === area) && (method === null || c.marketMethod === method),
      );
    }),
  );
  router.on(
    'DELETE',
    '/admin/api/calls',
    wrap(() => {
      app.calls.length = 0;
    }),
  );
  router.on(
    'GET',
    '/admin/api/ledger',
    wrap(() => world.ledger),
  );
  router.on(
    'GET',
    '/admin/api/webhooks',
    wrap(() => app.webhooks.deliveries),
  );
  router.on('GET', '/admin/api/webhooks/events', (ctx) => streamWebhookReports(ctx, app));
  router.on(
    'POST',
    '/admin/api/webhooks/:id/replay',
    wrap((ctx, body) => {
      for (const key of Object.keys(body))
        if (key !== 'url') invalid(`${key}: only url can be sent.`);
      const id = Number(ctx.params['id']);
      if (!/^[1-9]\d{0,9}$/.test(ctx.params['id'] ?? ''))
        invalid('the delivery id must be a positive integer.');
      const url = body['url'] === undefined ? undefined : webhookUrl(body['url'], 'url');
      return app.webhooks.replay(id, url);
    }, true),
  );
  router.on(
    'PATCH',
    '/admin/api/market-accounts/:userId',
    wrap((ctx, body) => {
      const account = world.accounts.get(Number(ctx.params['userId']));
      if (account === undefined || !/^\d{1,15}$/.test(ctx.params['userId'] ?? ''))
        throw new EmulatorError('ERR_NOT_FOUND', `No market account "${ctx.params['userId']}".`);
      for (const key of Object.keys(body))
        if (key !== 'webhooks') invalid(`${key}: only webhooks can be changed.`);
      const hooks = body['webhooks'];
      if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks))
        invalid('webhooks must be an object {purchase?, transfer?} (null removes a URL).');
      const next = { ...account.webhooks };
      for (const [kind, value] of Object.entries(hooks)) {
        if (kind !== 'purchase' && kind !== 'transfer')
          invalid(`webhooks.${kind}: only purchase and transfer are webhook kinds.`);
        if (value === null) delete next[kind];
        else next[kind] = webhookUrl(value, `webhooks.${kind}`);
      }
      account.webhooks = next;
      world.changed();
      return accountView(app, account);
    }, true),
  );
  router.on(
    'DELETE',
    '/admin/api/webhooks',
    wrap(() => {
      app.webhooks.clearLog();
    }),
  );
  router.on(
    'POST',
    '/admin/api/webhooks/idle',
    wrap(async () => {
      await app.webhooks.idle();
      return app.webhooks.deliveries;
    }),
  );
  router.on(
    'POST',
    '/admin/api/oauth-clients/:clientId/redirect-uris',
    wrap((ctx, body) => {
      const clientId = ctx.params['clientId'] ?? '';
      const client = world.clients.get(clientId);
      if (client === undefined)
        throw new EmulatorError('ERR_NOT_FOUND', `No OAuth client "${clientId}".`);
      for (const key of Object.keys(body))
        if (key !== 'uri') invalid(`${key}: only uri can be sent.`);
      const uri = redirectUri(body['uri'], 'uri');
      if (!client.redirectUris.includes(uri)) client.redirectUris.push(uri);
      world.changed();
      return { clientId, redirectUris: [...client.redirectUris] };
    }, true),
  );
  router.on(
    'POST',
    '/admin/api/signing-keys/rotate',
    wrap(async () => {
      const key = await app.keys.rotate();
      return { kid: key.kid, alg: key.alg, jwks: await app.keys.published() };
    }, true),
  );
  router.on(
    'GET',
    '/admin/api/tokens',
    wrap(() => tokensView(app)),
  );
  router.on(
    'POST',
    '/admin/api/purchases',
    wrap((_ctx, body) => {
      purchase(world, string(body, 'buyer'), string(body, 'item'));
      return { ok: true, ledger: world.ledger.at(-1) };
    }, true),
  );
  router.on(
    'POST',
    '/admin/api/transfers',
    wrap((_ctx, body) => {
      const from = world.requireUser(string(body, 'from'));
      const cents = amountCents(body['amount'], 'amount');
      transfer(world, from.id, string(body, 'to'), cents, EMULATOR_ORIGIN, 'transfer');
      return { ok: true, ledger: world.ledger.at(-1) };
    }, true),
  );
  router.on(
    'POST',
    '/admin/api/checkout',
    wrap(async (_ctx, body) => {
      const integrationId = body['integrationId'];
      if (typeof integrationId !== 'number') invalid('integrationId must be a number.');
      const cnt = body['cnt'];
      if (cnt !== undefined && typeof cnt !== 'number') invalid('cnt must be a number.');
      const nle = body['nle'];
      if (nle !== undefined && typeof nle !== 'string') invalid('nle must be a decimal string.');
      return createCheckoutRedirect(world, {
        login: string(body, 'login'),
        integrationId,
        product: string(body, 'product'),
        cnt,
        nle,
      });
    }, true),
  );
  router.on(
    'GET',
    '/admin/api/faults',
    wrap(() => ({ seed: app.faults.seed, faults: app.faults.list() })),
  );
  router.on(
    'POST',
    '/admin/api/faults',
    wrap((_ctx, body) => {
      if (body['seed'] !== undefined) {
        if (typeof body['seed'] !== 'number') invalid('seed must be an integer.');
        app.faults.setSeed(body['seed']);
        if (body['kind'] === undefined) return { seed: app.faults.seed, faults: app.faults.list() };
      }
      const { seed: _seed, ...spec } = body;
      return app.faults.add(spec);
    }, true),
  );
  router.on(
    'DELETE',
    '/admin/api/faults',
    wrap(() => {
      app.faults.clear();
    }),
  );
  router.on(
    'DELETE',
    '/admin/api/faults/:id',
    wrap((ctx) => {
      if (!app.faults.remove(Number(ctx.params['id'])))
        throw new EmulatorError('ERR_NOT_FOUND', 'No such fault.');
    }),
  );
  return router;
}
