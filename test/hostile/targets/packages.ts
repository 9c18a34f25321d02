import { signRequest } from 'neverlose-market';
import type { HostileRoute } from '../inputs.js';
import type { ProcessSpec } from '../process.js';

/**
 * A handler of a package, served alone by a script of `serve/` (one import, one `serve()` call).
 * Add a target: write `serve/<name>.mjs`, then a spec here and its routes.
 */
export function servedProcess(name: string, script: string): ProcessSpec {
  return { name, args: [`${import.meta.dirname}/../serve/${script}`, '{port}'] };
}

const WEBHOOK_KEY = 'hostile-webhook-key';

/** A transfer webhook signed the provider's way (the signature does not cover `kind`). */
function signedWebhook(): Record<string, string> {
  const fields = { amount: 1, username: 'alice', unique_id: 1 };
  const { signature } = signRequest(fields, WEBHOOK_KEY);
  return {
    kind: '"transfer"',
    amount: '1',
    username: '"alice"',
    unique_id: '1',
    signature: JSON.stringify(signature),
  };
}

/** `createNodeWebhookHandler` answers every path and method: one route covers it. */
export const marketWebhookRoutes: readonly HostileRoute[] = [
  {
    method: 'POST',
    path: '/',
    headers: { 'Content-Type': 'application/json' },
    json: signedWebhook(),
  },
];
