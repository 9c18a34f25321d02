import type { ServerResponse } from 'node:http';
import { isStoreFailure } from 'neverlose-market/errors';
import { rejectionPage } from '../views/checkout.js';
import { sendHtml } from './respond.js';

/** A refusal a visitor can cause, answered as a page with its code (never a stack trace). */
export class Refusal {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly code: string,
    readonly message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** The refusal of a form body that is too large (413) or not a form (415). */
export function bodyRefusal(status: 413 | 415): Refusal {
  return status === 413
    ? new Refusal(413, 'Too large', 'ERR_SHOP_BODY_TOO_LARGE', 'The form is larger than 16 KiB.')
    : new Refusal(
        415,
        'Not a form',
        'ERR_SHOP_NOT_A_FORM',
        'Send the form as application/x-www-form-urlencoded.',
      );
}

/** The refusal of a form that did not come from the shop's own page. */
export const FORGED_FORM = new Refusal(
  403,
  'Form refused',
  'ERR_SHOP_FORM_FORGED',
  'This form was not sent from the page the shop served you (another site, or an expired page). Reload the page and submit it again.',
);

/**
 * A store that cannot answer now (its database restarting, read-only, unreachable): nothing was
 * taken or sent, and the same request works again once it is back.
 */
function storeRefusal(error: unknown): Refusal {
  return new Refusal(
    503,
    'Try again in a moment',
    String((error as { code?: unknown }).code ?? 'ERR_SHOP_STORE_UNAVAILABLE'),
    'The shop cannot reach its database right now. Nothing was charged or sent twice: submit the same page again in a minute.',
    { 'retry-after': '5' },
  );
}

/**
 * Runs a route, answering a thrown {@link Refusal} as its page, and a store failure as 503 with
 * its code; anything else is rethrown.
 */
export async function refusing(res: ServerResponse, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (thrown) {
    const error = isStoreFailure(thrown) ? storeRefusal(thrown) : thrown;
    if (!(error instanceof Refusal)) throw error;
    sendHtml(
      res,
      error.status,
      rejectionPage(error.title, error.code, error.message),
      error.headers,
    );
  }
}
