import type { IncomingMessage } from 'node:http';

/** The Passport actions a strategy ends a request with (set by `passport.authenticate`). */
export interface PassportActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  error(error: Error): void;
}

/** @internal The end of one request: one Passport action, and nothing thrown from it. */
export interface Outcome extends PassportActions {
  /** True once an action ran. */
  readonly settled: boolean;
}

/** @internal Anything thrown, as an `Error` for Passport's `error`. */
export function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let text: string;
  try {
    text = String(thrown);
  } catch {
    // An object without a usable toString (Object.create(null)).
    text = 'A non-Error value was thrown.';
  }
  return new Error(text, { cause: thrown });
}

/**
 * @internal The outcome of one request. The first action wins and later ones are ignored (a
 * verify function that calls `done` twice, or throws after calling it). Passport's actions run
 * the app's code (custom callbacks, `req.logIn`, failure redirects), which can throw: such a throw
 * never escapes, since it would be an unhandled rejection or an uncaught exception that stops the
 * process. It is handed to `error` instead; if `error` throws as well, the connection is closed.
 */
export function createOutcome(actions: PassportActions, req: IncomingMessage): Outcome {
  let settled = false;
  const run = (action: () => void): void => {
    if (settled) return;
    settled = true;
    try {
      action();
    } catch (thrown) {
      try {
        actions.error(asError(thrown));
      } catch {
        req.socket?.destroy();
      }
    }
  };
  return {
    get settled() {
      return settled;
    },
    success: (user, info) => run(() => actions.success(user, info)),
    fail: (challenge, status) => run(() => actions.fail(challenge, status)),
    redirect: (url, status) => run(() => actions.redirect(url, status)),
    error: (error) => run(() => actions.error(error)),
  };
}
