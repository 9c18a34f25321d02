/**
 * The end of one store call: every wait of the call (a pooled connection, connecting, each
 * statement or command, a client's offline queue) shares it, so the call as a whole ends within
 * `timeoutMs`, however slow, silent or reconnecting the server is.
 */
export class Deadline {
  readonly #timeoutMs: number;
  readonly #end: number;
  readonly #timeout: (what: string, timeoutMs: number) => Error;

  /**
   * @param timeoutMs The time the whole call may take, in milliseconds (option `timeoutMs`).
   * @param timeout The coded error of the store's package for `what` did not finish in time.
   */
  constructor(timeoutMs: number, timeout: (what: string, timeoutMs: number) => Error) {
    this.#timeoutMs = timeoutMs;
    this.#end = performance.now() + timeoutMs;
    this.#timeout = timeout;
  }

  /**
   * Settles as `work` does, or rejects with the timeout error once the deadline passes first.
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
          reject(this.#timeout(what, this.#timeoutMs));
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
