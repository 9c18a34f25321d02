// A Cloudflare Worker (no nodejs_compat needed): only the entries it imports are bundled.
import { MarketClient } from 'neverlose-market/client';
import { createWebhookHandler, type WebhookDedupStore } from 'neverlose-market/webhooks';

interface Env {
  readonly NEVERLOSE_API_KEY: string;
  readonly NEVERLOSE_USER_ID: string;
}
// Yours: what a purchase grants, and a dedup store that outlives the isolate (Durable Object, D1).
declare function grant(env: Env, username: string, itemId: string): Promise<void>;
declare function dedupStoreOf(env: Env): WebhookDedupStore;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/webhooks/neverlose') {
      const handle = createWebhookHandler({
        secret: env.NEVERLOSE_API_KEY,
        dedupStore: dedupStoreOf(env),
        onEvent: async (event) => {
          if (event.kind === 'purchase') await grant(env, event.username, event.itemId);
        },
      });
      return handle(request);
    }
    const client = new MarketClient({
      userId: Number(env.NEVERLOSE_USER_ID),
      secret: env.NEVERLOSE_API_KEY,
    });
    const { balance } = await client.getBalance();
    return Response.json({ balance });
  },
};
