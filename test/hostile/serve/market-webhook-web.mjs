// neverlose-market's Web handler (Request -> Response), served on node:http the way Hono and
// other fetch-style servers run it on Node (@hono/node-server).
import { getRequestListener } from '@hono/node-server';
import { createWebhookHandler } from 'neverlose-market/webhooks';
import { serve } from './listen.mjs';

const handler = createWebhookHandler({ secret: 'hostile-webhook-key', onEvent: () => undefined });
serve(getRequestListener(handler));
