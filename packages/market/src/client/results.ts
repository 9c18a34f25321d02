import type { MarketApiError } from './errors.js';
import type { MarketActionName } from './methods.js';
import type { RequestId } from './request-id.js';

interface ActionBase {
  readonly method: MarketActionName;
  /** The request id the action was sent with. */
  readonly id: RequestId;
  /** The business key, when one was given. */
  readonly key: string | undefined;
  /** HTTP attempts made by this call (0 when the journal already knew the outcome). */
  readonly attempts: number;
  /** The outcome was read from the journal: nothing was sent. */
  readonly fromJournal: boolean;
}

/** The action was applied by this request; `reply` is the API's answer. */
export interface ActionCompleted extends ActionBase {
  readonly status: 'completed';
  readonly reply: Readonly<Record<string, unknown>>;
}

/**
 * The provider answered `Invalid id.` to an id that names this operation alone (a retry, an id the
 * journal holds, an id derived from `key`, or `resend: true`): an earlier send of it was applied,
 * by an attempt whose answer was lost, by another instance sharing the journal, or by an earlier
 * call with the same key. The action is done, exactly once; there is no reply to show.
 */
export interface ActionAlreadyCompleted extends ActionBase {
  readonly status: 'already-completed';
}

/**
 * Outcome of an action: switch on `status`. Both mean the action is applied exactly once; failures
 * are thrown ({@link MarketApiError}, {@link MarketTransportError}).
 */
export type ActionResult = ActionCompleted | ActionAlreadyCompleted;

/** What {@link MarketClient.resumePending} did with one pending operation. */
export type ResumeReport =
  | (ActionResult & { readonly key: string })
  | {
      readonly status: 'failed';
      readonly key: string;
      readonly method: string;
      readonly id: RequestId;
      /** The final API error; the operation is marked failed. */
      readonly error: MarketApiError;
    }
  | {
      readonly status: 'still-pending';
      readonly key: string;
      readonly method: string;
      readonly id: RequestId;
      /** Why no answer came back; run `resumePending()` again later. */
      readonly error: unknown;
    };

/** @internal An action's outcome before the caller's key is attached. */
export type ActionOutcome = Omit<ActionCompleted, 'key'> | Omit<ActionAlreadyCompleted, 'key'>;

/** @internal The outcome with the caller's key attached. */
export function withKey<K extends string | undefined>(
  outcome: ActionOutcome,
  key: K,
): ActionResult & { readonly key: K } {
  return outcome.status === 'completed' ? { ...outcome, key } : { ...outcome, key };
}
