import type { EmulatorContext } from '../emulator-context.js';
import type { RequestContext } from '../http/request-context.js';
import { webhookReport } from '../webhooks/report.js';

/** How often a comment line keeps an idle stream open through proxies. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /admin/api/webhooks/events`: Server-Sent Events, one per delivery queued (`event: queued`)
 * and per attempt finished (`event: attempted`), with a {@link WebhookReport} as JSON `data`,
 * from the moment of the request on. What `neverlose-emulator listen` prints.
 */
export function streamWebhookReports(ctx: RequestContext, app: EmulatorContext): void {
  ctx.log.area = 'admin';
  ctx.req.resume();
  const res = ctx.openStream(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  if (res === undefined) return;
  res.write(': neverlose-emulator webhook events\n\n');
  const stop = app.webhooks.onEvent((event) => {
    const report = webhookReport(event, app.world.config.settings.webhookRetry.maxAttempts);
    res.write(`event: ${report.type}\ndata: ${JSON.stringify(report)}\n\n`);
  });
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
  keepalive.unref();
  res.on('close', () => {
    stop();
    clearInterval(keepalive);
  });
}
