import type { FaultInjector } from './faults/faults.js';
import type { CallLogEntry } from './http/request-context.js';
import type { SigningKeys } from './idp/keys.js';
import type { IdpSessions } from './idp/sessions.js';
import type { WebhookQueue } from './webhooks/queue.js';
import type { World } from './world/world.js';

/** Everything the request handlers share. */
export interface EmulatorContext {
  readonly world: World;
  readonly sessions: IdpSessions;
  readonly keys: SigningKeys;
  readonly faults: FaultInjector;
  readonly webhooks: WebhookQueue;
  readonly calls: CallLogEntry[];
  /** The emulator's URL, without a trailing slash. */
  readonly baseUrl: () => string;
  /** The `iss` of discovery and id_tokens. */
  readonly issuer: () => string;
}
