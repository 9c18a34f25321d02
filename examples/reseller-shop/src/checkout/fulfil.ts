import { daysOfCnt, type MarketClient } from 'neverlose-market/client';
import type { IdJournal, JournalEntry } from 'neverlose-market/journal';
import type { ResellerOrder } from 'neverlose-market/reseller';

/** The journal key of an order: one order, one request id, forever. */
export function orderKey(orderId: string): string {
  return `order-${orderId}`;
}

/**
 * Delivers a paid order: `gift-product` for a subscription, `transfer-money` for an NLE top-up.
 * The business key is the order id, so however often this runs for one order (a double click, a
 * re-submitted form, a retry after a crash) the provider applies it once.
 *
 * Does not throw for the provider's answer, which the journal records for the outcome page.
 */
export async function fulfil(
  client: MarketClient,
  journal: IdJournal,
  order: ResellerOrder,
): Promise<void> {
  const key = orderKey(order.tokenId);
  try {
    if (order.type === 'product') {
      await client.giftProduct({
        key,
        username: order.login,
        product: order.product,
        cnt: order.cnt,
      });
    } else {
      await client.transferMoney({ key, username: order.login, amount: order.nle });
    }
  } catch (error) {
    // An API refusal is journaled as failed and a lost answer stays pending: the outcome page
    // shows both. Anything that left no journal entry (invalid input) is the caller's to report.
    if ((await journalEntry(journal, key)) !== undefined) return;
    throw error;
  }
}

/** The journal entry of an order: a key names one operation per method, and an order has one. */
function journalEntry(journal: IdJournal, key: string): Promise<JournalEntry | undefined> {
  return Promise.all(
    (['gift-product', 'transfer-money'] as const).map((method) => journal.get({ method, key })),
  ).then((entries) => entries.find((entry) => entry !== undefined));
}

/** What the outcome page shows about a journaled order. */
export type Outcome =
  | { readonly status: 'delivered'; readonly at: number }
  | { readonly status: 'pending' }
  | { readonly status: 'failed'; readonly code: string; readonly message: string };

/** What was ordered, read back from the journaled request. */
export type Delivered =
  | {
      readonly type: 'product';
      readonly login: string;
      readonly product: string;
      readonly days: number;
    }
  | { readonly type: 'market'; readonly login: string; readonly nle: string };

export interface JournaledOrder {
  readonly outcome: Outcome;
  readonly delivered: Delivered;
}

/** The order's journal entry as the page shows it, or `undefined` when it was never paid. */
export async function readOrder(
  journal: IdJournal,
  orderId: string,
): Promise<JournaledOrder | undefined> {
  const entry = await journalEntry(journal, orderKey(orderId));
  return entry === undefined
    ? undefined
    : { outcome: outcomeOf(entry), delivered: deliveredOf(entry) };
}

function outcomeOf(entry: JournalEntry): Outcome {
  if (entry.state === 'completed') return { status: 'delivered', at: entry.updatedAt };
  if (entry.state === 'failed') {
    return {
      status: 'failed',
      code: entry.failure?.code ?? 'ERR_MARKET_API',
      message: entry.failure?.message ?? '',
    };
  }
  return { status: 'pending' };
}

function deliveredOf(entry: JournalEntry): Delivered {
  const params = JSON.parse(entry.params) as Record<string, unknown>;
  const login = String(params['username']);
  if (entry.method === 'gift-product') {
    return {
      type: 'product',
      login,
      product: String(params['product']),
      days: daysOfCnt(params['cnt']) ?? 0,
    };
  }
  return { type: 'market', login, nle: String(params['amount']) };
}
