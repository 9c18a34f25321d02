import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PriceSync } from 'neverlose-market';
import type { CsrfGuard } from '../http/csrf.js';
import { bodyRefusal, FORGED_FORM, Refusal, refusing } from '../http/refusal.js';
import { readForm, sendHtml, sendRedirect } from '../http/respond.js';
import { type AdminView, adminPage, webhooksPage } from '../views/admin.js';
import type { WebhookLog } from '../webhooks/log.js';
import { ADMIN_CHALLENGE, isAdmin } from './access.js';

/** What the admin routes need. */
export interface AdminDeps {
  /** The password of the admin pages (HTTP Basic, any user name). */
  readonly token: string;
  readonly csrf: CsrfGuard;
  readonly priceSync: PriceSync;
  readonly webhookLog: WebhookLog;
  /** The admin page's content, but its form token. */
  readonly view: () => Omit<AdminView, 'csrfToken'>;
}

const UNAUTHORIZED = new Refusal(
  401,
  'Sign in',
  'ERR_SHOP_ADMIN_UNAUTHORIZED',
  'The admin pages need the admin token (SHOP_ADMIN_TOKEN) as the password; any user name.',
  { 'www-authenticate': ADMIN_CHALLENGE },
);

/** Runs an admin route for a signed-in admin; anyone else gets the Basic challenge (401). */
function asAdmin(
  deps: AdminDeps,
  req: IncomingMessage,
  res: ServerResponse,
  run: () => Promise<void>,
): Promise<void> {
  return refusing(res, async () => {
    if (!isAdmin(req, deps.token)) {
      req.resume();
      throw UNAUTHORIZED;
    }
    await run();
  });
}

/** `GET /admin`: price sync, the URLs to set in the market API settings, the storage in use. */
export function showAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse) {
  return asAdmin(deps, req, res, async () => {
    const csrf = deps.csrf.issue(req, 'push-prices');
    sendHtml(
      res,
      200,
      adminPage({ ...deps.view(), csrfToken: csrf.token }),
      csrf.setCookie === undefined ? {} : { 'set-cookie': csrf.setCookie },
    );
  });
}

/** `POST /admin/push-prices`: pushes the prices now, from the admin page's form only. */
export function pushPrices(deps: AdminDeps, req: IncomingMessage, res: ServerResponse) {
  return asAdmin(deps, req, res, async () => {
    const body = await readForm(req);
    if (!body.ok) throw bodyRefusal(body.status);
    if (!deps.csrf.accepts(req, 'push-prices', body.form.get('csrf'))) throw FORGED_FORM;
    await deps.priceSync.pushNow();
    sendRedirect(res, '/admin');
  });
}

/** `GET /webhooks`: the verified webhooks received, newest first. */
export function showWebhooks(deps: AdminDeps, req: IncomingMessage, res: ServerResponse) {
  return asAdmin(deps, req, res, async () => {
    sendHtml(res, 200, webhooksPage(await deps.webhookLog.recent()));
  });
}
