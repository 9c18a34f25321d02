import { NeverlosePostgresError } from './errors.js';

/**
 * @internal The end of one store call: every wait of the call (a pooled connection, connecting,
 * each statement) shares it, so the call as a whole ends within `timeoutMs`.
 */
export class Deadline {
  readonly #timeoutMs: number;
  readonly #end: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#end = performance.now() + timeoutMs;
  }

  /**
   * Settles as `work` does, or rejects with `ERR_POSTGRES_TIMEOUT` when the deadline passes first.
   * `late` then receives what `work` resolves to (a connection to give back); a late rejection
   * is dropped.
   */
  race<T>(work: Promise<T>, what: string, late?: (value: T) => void): Promise<T> {
    const left = this.#end - performance.now();
    return new Promise<T>((resolve, reject) => {
      let over = false;
      const timer = setTimeout(
        () => {
          over = true;
          reject(
            new NeverlosePostgresError(
              'ERR_POSTGRES_TIMEOUT',
              `${what} did not finish within ${this.#timeoutMs} ms (option "timeoutMs"): the server or the pool did not answer in time.`,
            ),
          );
        },
        Math.max(0, left),
      );
      work.then(
        (value) => {
          if (over) late?.(value);
          else {
            clearTimeout(timer);
            resolve(value);
          }
        },
        (error: unknown) => {
          if (over) return;
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
