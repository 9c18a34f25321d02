import { NeverloseRedisError } from './errors.js';

/**
 * @internal The end of one store call: every command of the call shares it, so the call as a
 * whole ends within `timeoutMs`, whether Redis is slow, silent or the client is still reconnecting
 * (its offline queue) or rediscovering a cluster.
 */
export class Deadline {
  readonly #timeoutMs: number;
  readonly #end: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#end = performance.now() + timeoutMs;
  }

  /** Settles as `work` does, or rejects with `ERR_REDIS_TIMEOUT` once the deadline passes. */
  race<T>(work: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new NeverloseRedisError(
              'ERR_REDIS_TIMEOUT',
              `${what} did not finish within ${this.#timeoutMs} ms (option "timeoutMs"): Redis or the client did not answer in time.`,
            ),
          ),
        Math.max(0, this.#end - performance.now()),
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
