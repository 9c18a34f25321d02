import { generateSigningKey, type RunningEmulator, startEmulator } from 'neverlose-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostileRoute } from './inputs.js';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import {
  honoMiddlewareRoutes,
  marketWebhookRoutes,
  passportStrategyRoutes,
  servedProcess,
} from './targets/packages.js';

/** Bodies that never complete: aborted, and slow ones the harness gives up on. */
const unfinished = (name: string) => / body (?:aborted|slow)$/.test(name);

describe('hostile input against neverlose-market createNodeWebhookHandler', () => {
  let handler: Supervised;
  beforeAll(async () => {
    handler = await Supervised.start(
      servedProcess('createNodeWebhookHandler', 'market-webhook-node.mjs'),
    );
  });
  afterAll(() => handler?.stop());

  it('answers every hostile webhook below 500 and stays up', async () => {
    expect(await attack(handler, marketWebhookRoutes, (item) => !unfinished(item.name))).toEqual(
      [],
    );
    expect(handler.exits).toEqual([]);
  });

  it('stays up when a webhook body never completes', async () => {
    expect(await attack(handler, marketWebhookRoutes, (item) => unfinished(item.name))).toEqual([]);
    expect(handler.exits).toEqual([]);
  });
});

describe.each([
  ['createExpressWebhookRouter', 'market-webhook-express.mjs'],
  ['createWebhookHandler (Web, on @hono/node-server)', 'market-webhook-web.mjs'],
])('hostile input against neverlose-market %s', (name, script) => {
  let handler: Supervised;
  beforeAll(async () => {
    handler = await Supervised.start(servedProcess(name, script));
  });
  afterAll(() => handler?.stop());

  it('answers every hostile webhook below 500 or closes the connection, and stays up', async () => {
    expect(await attack(handler, marketWebhookRoutes)).toEqual([]);
    expect(handler.exits).toEqual([]);
  });
});

describe('hostile input against the login handlers of passport-neverlose and neverlose-oidc/hono', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ signingKey: await generateSigningKey() });
  });
  afterAll(() => emulator?.stop());

  // A request target that is not a path (`GET *`) never reaches the strategy: express-session
  // skips it and Passport's own `passport.session()` then fails for want of a session (Express
  // answers 500). The express-passport example answers such targets 400 before its session
  // middleware; the bare wiring here shows the strategy's routes only.
  const notAPath = (name: string) => name.startsWith('target ');
  it.each<[string, string, (issuer: string) => readonly HostileRoute[], (name: string) => boolean]>(
    [
      ['NeverloseStrategy on Express', 'passport-strategy.mjs', passportStrategyRoutes, notAPath],
      ['neverloseAuth on Hono', 'hono-middleware.mjs', honoMiddlewareRoutes, () => false],
    ],
  )(
    '%s answers every hostile request below 500 and stays up',
    async (name, script, routes, skip) => {
      const target = await Supervised.start(
        servedProcess(name, script, { NEVERLOSE_ISSUER: emulator.url }),
      );
      try {
        expect(await attack(target, routes(emulator.url), (item) => !skip(item.name))).toEqual([]);
        expect(target.exits).toEqual([]);
      } finally {
        await target.stop();
      }
    },
  );
});
