// neverlose-market's Express router, mounted before express.json() as its README shows it.
import express from 'express';
import { createExpressWebhookRouter } from 'neverlose-market/webhooks';
import { serve } from './listen.mjs';

const app = express();
app.use(
  '/',
  createExpressWebhookRouter({ secret: 'hostile-webhook-key', onEvent: () => undefined }),
);
app.use(express.json());
serve(app);
