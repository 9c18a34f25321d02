// The runner of the published contract suites (`neverlose-market/testing`,
// `neverlose-oidc/testing`): the suites register their tests with the runner the caller passes.

/** A value, or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The test functions of your runner the suites register their tests with: vitest's or Jest's
 * `describe`, `it` and `expect` fit as they are.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * testIdJournal({ name: 'DynamoDB', open: () => new DynamoIdJournal(table()), test: { describe, it, expect } });
 * ```
 */
export interface TestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): unknown;
  expect(actual: unknown): {
    toBe(expected: unknown): void;
    toEqual(expected: unknown): void;
    toMatchObject(expected: object): void;
  };
}

/** What each test hands the store it opens. */
export interface StoreTestContext {
  /**
   * The test's clock, in milliseconds since the epoch: a store that can take a clock (`now`)
   * should use it, so that the tests of leases and expiry do not wait. It starts at the real time.
   */
  readonly now: () => number;
}

/** How a suite opens the store under test. */
export interface StoreTestOptions<Store> {
  /** Names the backend in the suite's title: `'PostgreSQL'`, `'SQLite (node:sqlite)'`. */
  readonly name: string;
  /** Your runner's `describe`, `it` and `expect`. */
  readonly test: TestApi;
  /**
   * A new, empty store for one test (a fresh table, key prefix or file): tests never share one.
   * Use `context.now` as the store's clock where it takes one.
   */
  open(context: StoreTestContext): Awaitable<Store>;
  /**
   * Opens the storage of `store` again, as a restarted process would (a new connection, the same
   * file or tables): the durability tests run only when given. Leave it out for in-memory stores.
   */
  reopen?(store: Store, context: StoreTestContext): Awaitable<Store>;
  /** Releases a store `open` or `reopen` gave (closes its connection or file). */
  close?(store: Store): Awaitable<void>;
  /**
   * `true` when the store keeps time itself (Redis expires keys on its own clock): the tests of
   * leases and expiry then wait real seconds instead of moving `context.now`.
   *
   * @defaultValue `false`
   */
  readonly realClock?: boolean;
  /** Limit of each test, in milliseconds. @defaultValue `30000` */
  readonly timeoutMs?: number;
}

/** @internal One test's clock, and its stores, closed when the test ends. */
export interface TestRun<Store> {
  readonly context: StoreTestContext;
  open(): Promise<Store>;
  reopen(store: Store): Promise<Store>;
  /** Moves the clock on by `ms`; waits `ms` for a store with a clock of its own. */
  advance(ms: number): Promise<void>;
}

/**
 * @internal Declares `tests` in one `describe` named after the backend; each runs with a clock of
 * its own and closes every store it opened, pass or fail.
 */
export function declareSuite<Store>(
  title: string,
  options: StoreTestOptions<Store>,
  tests: Readonly<Record<string, (run: TestRun<Store>) => Promise<void>>>,
  durable: Readonly<Record<string, (run: TestRun<Store>) => Promise<void>>>,
): void {
  const { describe, it } = options.test;
  const chosen = options.reopen === undefined ? tests : { ...tests, ...durable };
  describe(`${title} on ${options.name}`, () => {
    for (const [name, body] of Object.entries(chosen)) {
      it(
        name,
        async () => {
          let clock = Date.now();
          const context: StoreTestContext = { now: () => clock };
          const opened: Store[] = [];
          const keep = async (store: Awaitable<Store>) => {
            const ready = await store;
            opened.push(ready);
            return ready;
          };
          try {
            await body({
              context,
              open: () => keep(options.open(context)),
              reopen: (store) => keep(options.reopen!(store, context)),
              advance: async (ms) => {
                clock += ms;
                if (options.realClock === true)
                  await new Promise((resolve) => setTimeout(resolve, ms));
              },
            });
          } finally {
            for (const store of opened.reverse()) await options.close?.(store);
          }
        },
        options.timeoutMs ?? 30_000,
      );
    }
  });
}

/** @internal The error `work` fails with, or `undefined` when it succeeds. */
export async function failureOf(work: () => Awaitable<unknown>): Promise<unknown> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return error;
  }
}
