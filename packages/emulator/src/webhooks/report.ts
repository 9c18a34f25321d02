import type { WebhookQueueEvent } from './queue.js';

/**
 * A webhook event as the admin API streams it (`GET /admin/api/webhooks/events`, Server-Sent
 * Events named by `type`) and as `neverlose-emulator listen` reads it.
 */
export type WebhookReport =
  | {
      readonly type: 'queued';
      readonly id: number;
      readonly kind: 'purchase' | 'transfer';
      readonly url: string;
      readonly userId: number;
      readonly replayOf: number | null;
      /** The JSON text sent, signature included. */
      readonly body: string;
    }
  | {
      readonly type: 'attempted';
      readonly id: number;
      readonly kind: 'purchase' | 'transfer';
      readonly url: string;
      /** 1 for the first attempt. */
      readonly attempt: number;
      readonly maxAttempts: number;
      /** HTTP status, or `null` when no response arrived (`error` says why). */
      readonly status: number | null;
      readonly error: string | null;
      readonly durationMs: number;
      readonly state: 'pending' | 'delivered' | 'failed';
      /** Milliseconds until the next attempt, while pending. */
      readonly retryInMs: number | null;
    };

/** The report of a queue event. */
export function webhookReport(event: WebhookQueueEvent, maxAttempts: number): WebhookReport {
  const { delivery } = event;
  if (event.type === 'queued') {
    return {
      type: 'queued',
      id: delivery.id,
      kind: delivery.kind,
      url: delivery.url,
      userId: delivery.userId,
      replayOf: delivery.replayOf,
      body: delivery.body,
    };
  }
  return {
    type: 'attempted',
    id: delivery.id,
    kind: delivery.kind,
    url: delivery.url,
    attempt: delivery.attempts.length,
    maxAttempts,
    status: event.attempt.status,
    error: event.attempt.error ?? null,
    durationMs: event.attempt.durationMs,
    state: delivery.state,
    retryInMs:
      delivery.nextAttemptAt === null ? null : Math.max(0, delivery.nextAttemptAt - Date.now()),
  };
}

/** One line for a terminal, such as `webhook #3 <- 200 in 12 ms (delivered)`. */
export function webhookReportLine(report: WebhookReport): string {
  const head = `webhook #${report.id}`;
  if (report.type === 'queued') {
    const replay = report.replayOf === null ? '' : ` (replay of #${report.replayOf})`;
    return `${head} ${report.kind} -> ${report.url}${replay} ${report.body}`;
  }
  const outcome = report.status === null ? (report.error ?? 'no response') : `${report.status}`;
  const took = `in ${report.durationMs} ms`;
  if (report.state === 'delivered') return `${head} <- ${outcome} ${took} (delivered)`;
  if (report.state === 'failed')
    return `${head} <- ${outcome} ${took}; failed after ${report.attempt} attempt${report.attempt === 1 ? '' : 's'}`;
  return `${head} <- ${outcome} ${took}; attempt ${report.attempt + 1} of ${report.maxAttempts} in ${report.retryInMs ?? 0} ms`;
}
