import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { refuseAdminRequest } from './admin/access.js';
import { adminRouter } from './admin/api.js';
import { handleDashboard } from './admin/dashboard.js';
import { handleCheckoutPage, handleCheckoutSubmit } from './checkout/page.js';
import type { EmulatorContext } from './emulator-context.js';
import { html, page } from './http/html.js';
import { RequestContext } from './http/request-context.js';
import { Router } from './http/router.js';
import {
  CONSENT_PATH,
  handleAuthorize,
  handleConsent,
  handleSignIn,
  SIGN_IN_PATH,
} from './idp/authorize.js';
import { handleDiscovery, handleJwks, IDP_PATHS, LEGACY_IDP_PATHS } from './idp/discovery.js';
import { handleToken } from './idp/token.js';
import { handleUserinfo } from './idp/userinfo.js';
import { failure, MARKET_ERRORS } from './market/errors.js';
import { handleMarket } from './market/handler.js';
import {
  handleAvatar,
  handleMarketBuy,
  handleMarketPage,
  handleMarketTransfer,
  handleProfile,
} from './market/pages.js';

const MARKET_PREFIX = '/api/market/';

/** Options of {@link createRequestListener}. */
export interface ListenerOptions {
  /** Resets the world, sessions, logs and faults (the admin API's reset). */
  readonly reset: (config?: unknown) => void;
  /**
   * When set, the dashboard, the admin API and the market pages need it, as
   * `Authorization: Bearer <adminToken>` or the password of HTTP Basic.
   */
  readonly adminToken?: string | undefined;
}

/** Builds the routes of every area. */
function buildRouter(app: EmulatorContext): Router {
  const router = new Router();
  const all = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  router.on(all, '/api/market/:method', (ctx) => handleMarket(ctx, app.world));
  router.on('GET', '/.well-known/openid-configuration', (ctx) => handleDiscovery(ctx, app));
  router.on('GET', IDP_PATHS.jwks, (ctx) => handleJwks(ctx, app));
  for (const paths of [IDP_PATHS, LEGACY_IDP_PATHS]) {
    const legacy = paths === LEGACY_IDP_PATHS;
    router.on(['GET', 'POST'], paths.authorize, (ctx) => handleAuthorize(ctx, app));
    router.on(all, paths.token, (ctx) => handleToken(ctx, app, legacy));
    router.on(['GET', 'POST'], paths.userinfo, (ctx) => handleUserinfo(ctx, app));
  }
  router.on('POST', SIGN_IN_PATH, (ctx) => handleSignIn(ctx, app));
  router.on('POST', CONSENT_PATH, (ctx) => handleConsent(ctx, app));
  router.on('GET', '/checkout', (ctx) => handleCheckoutPage(ctx, app));
  router.on('POST', '/checkout', (ctx) => handleCheckoutSubmit(ctx, app));
  router.on('GET', '/market', (ctx) => handleMarketPage(ctx, app));
  router.on('POST', '/market/buy', (ctx) => handleMarketBuy(ctx, app));
  router.on('POST', '/market/transfer', (ctx) => handleMarketTransfer(ctx, app));
  router.on('GET', '/users/:login', (ctx) => handleProfile(ctx, app));
  router.on('GET', '/avatars/:file', (ctx) => handleAvatar(ctx));
  router.on('GET', '/admin', (ctx) => handleDashboard(ctx, app));
  router.on('GET', '/', (ctx) => ctx.html(200, homePage()));
  return router;
}

function homePage(): string {
  return page(
    'Neverlose emulator',
    html`<div class="card"><ul>
<li><a href="/admin">Dashboard</a></li>
<li><a href="/market">Market (buy items, transfer NLE)</a></li>
<li><a href="/checkout">Checkout</a></li>
<li><a href="/.well-known/openid-configuration">OpenID discovery</a></li>
</ul></div>`,
  );
}

/**
 * The server's request listener: routing, fault injection, call logging, and a last-resort
 * catch so that no input crashes the process (market calls still get the docs' shape).
 */
export function createRequestListener(
  app: EmulatorContext,
  options: ListenerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const router = buildRouter(app);
  const admin = adminRouter(app, { reset: options.reset });
  const access = { token: options.adminToken, baseUrl: app.baseUrl };
  let seq = 0;

  const record = (ctx: RequestContext) => {
    if (ctx.path.startsWith('/admin') || ctx.path.startsWith('/avatars/')) return;
    ctx.log.durationMs = Date.now() - ctx.log.at;
    app.calls.push(ctx.log);
    const limit = app.world.config.settings.callLogLimit;
    if (app.calls.length > limit) app.calls.splice(0, app.calls.length - limit);
  };

  const dispatch = async (ctx: RequestContext): Promise<void> => {
    if (!ctx.validTarget) {
      ctx.req.resume();
      return ctx.json(
        400,
        { error: 'invalid_request', error_description: 'The request target is not a URL.' },
        { connection: 'close' },
      );
    }
    const isMarket = ctx.path.startsWith(MARKET_PREFIX);
    const isAdmin = ctx.path === '/admin' || ctx.path.startsWith('/admin/');
    const isMarketPage = ctx.path === '/market' || ctx.path.startsWith('/market/');
    if (isAdmin || isMarketPage) {
      const refusal = refuseAdminRequest(ctx, access);
      if (refusal !== undefined) {
        ctx.log.area = 'admin';
        ctx.req.resume();
        const { status, error, message, headers } = refusal;
        return ctx.json(status, { error, message }, { connection: 'close', ...headers });
      }
    }
    if (!isAdmin) {
      const marketMethod = isMarket ? ctx.path.slice(MARKET_PREFIX.length) : undefined;
      const fault = app.faults.take({ path: ctx.path, marketMethod });
      if (fault !== undefined) {
        ctx.log.fault = fault.kind;
        if (fault.kind === 'delay')
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (fault.kind === 'reset') return ctx.reset();
        if (fault.kind === 'error5xx') {
          const body = isMarket
            ? failure(MARKET_ERRORS.injected)
            : { error: 'temporarily_unavailable', error_description: 'Injected fault.' };
          return ctx.json(fault.status, body, { connection: 'close' });
        }
        if (fault.kind === 'drop-after-apply') ctx.dropResponse = true;
      }
    }
    const match = (isAdmin && ctx.path.startsWith('/admin/api/') ? admin : router).match(
      ctx.method,
      ctx.path,
    );
    if (match.kind === 'found') {
      ctx.params = match.params;
      await match.handler(ctx);
    } else if (isMarket || ctx.path === '/api/market') {
      ctx.log.area = 'market';
      ctx.json(404, failure(MARKET_ERRORS.unknownMethod));
    } else if (match.kind === 'method-not-allowed') {
      ctx.json(
        405,
        { error: 'method_not_allowed', error_description: `Use ${match.allowed.join(' or ')}.` },
        {
          allow: [...new Set(match.allowed)].join(', '),
        },
      );
    } else {
      ctx.json(404, { error: 'not_found', error_description: `Nothing at ${ctx.path}.` });
    }
  };

  return (req, res) => {
    seq += 1;
    const ctx = new RequestContext(req, res, app.baseUrl(), seq);
    res.on('close', () => record(ctx));
    dispatch(ctx)
      .then(() => {
        if (!ctx.done) throw new Error(`No reply for ${ctx.method} ${ctx.path}.`);
      })
      .catch((error: unknown) => {
        if (ctx.done) return;
        ctx.log.error = String(error instanceof Error ? error.stack : error);
        if (ctx.path.startsWith(MARKET_PREFIX)) ctx.json(500, failure(MARKET_ERRORS.internal));
        else
          ctx.json(500, {
            error: 'server_error',
            error_description: 'The emulator failed; see its call log.',
          });
      });
  };
}

/**
 * An HTTP server for `listener`, listening on `host`:`port` when it resolves. Slow or endless
 * requests are cut off by Node's timeouts; a request Node cannot parse gets a bare 400.
 *
 * @throws listen errors (such as `EADDRINUSE`), as Node reports them.
 */
export async function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer(listener);
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
