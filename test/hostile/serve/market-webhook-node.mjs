// neverlose-market's Node webhook handler, alone on node:http, as its README shows it.
import { createNodeWebhookHandler } from 'neverlose-market';
import { serve } from './listen.mjs';

serve(createNodeWebhookHandler({ secret: 'hostile-webhook-key', onEvent: () => undefined }));
