// A runner small enough to run anywhere: Node, Bun, Deno and workerd (where vitest does not run).
// Nothing here may use a runtime's own API: only the Web platform and the language.

/**
 * What the host (vitest, on Node) hands every runtime: the emulator it started, and its data; the
 * run's Redis and PostgreSQL.
 */
export interface RuntimeContext {
  /** The runtime's name in the matrix: a prefix for business keys, so runs never collide. */
  readonly runtime: string;
  readonly emulator: {
    /** The emulator's base URL on loopback (issuer and market API). */
    readonly url: string;
    readonly clientId: string;
    readonly clientSecret: string;
    /** A redirect URI registered for the client; nothing listens there. */
    readonly redirectUri: string;
    /** The reseller's market account. */
    readonly resellerUserId: number;
    readonly resellerKey: string;
    readonly integrationId: number;
    /** An `nl_purchase` token the emulator issued for `reseller` (csgo, 30 days). */
    readonly checkoutToken: string;
  };
  /** The run's Redis (`REDIS_URL` of packages/test-support/src/servers/), for the Node.js-only surfaces. */
  readonly redisUrl: string;
  /** The run's PostgreSQL (`DATABASE_URL` of packages/test-support/src/servers/), for the Node.js-only surfaces. */
  readonly databaseUrl: string;
}

/** One check of a surface: throws (or rejects) when the surface misbehaves. */
export type Check = (context: RuntimeContext) => unknown;

/** The checks of one portable surface, written against the public API only. */
export interface Surface {
  readonly name: string;
  readonly checks: readonly { readonly name: string; readonly run: Check }[];
}

/** What happened to one check on one runtime. `check` is `(load)` when the surface did not load. */
export interface Outcome {
  readonly surface: string;
  readonly check: string;
  readonly ok: boolean;
  readonly error?: string;
}

/** Declares a surface: `surface('market signing', (check) => { check('…', async () => {…}) })`. */
export function surface(name: string, define: (check: (name: string, run: Check) => void) => void) {
  const checks: { name: string; run: Check }[] = [];
  define((checkName, run) => {
    checks.push({ name: checkName, run });
  });
  return { name, checks } satisfies Surface;
}

/** Loads each surface by itself (one that fails to load fails alone), then runs its checks. */
export async function runSurfaces(
  loaders: Readonly<Record<string, () => Promise<{ default: Surface }>>>,
  context: RuntimeContext,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [name, load] of Object.entries(loaders)) {
    let loaded: Surface;
    try {
      loaded = (await load()).default;
    } catch (error) {
      outcomes.push({ surface: name, check: '(load)', ok: false, error: describe(error) });
      continue;
    }
    for (const check of loaded.checks) {
      try {
        await check.run(context);
        outcomes.push({ surface: name, check: check.name, ok: true });
      } catch (error) {
        outcomes.push({ surface: name, check: check.name, ok: false, error: describe(error) });
      }
    }
  }
  return outcomes;
}

/** The error's code (when it has one), name and message: what a reader of the matrix needs. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return `thrown: ${String(error)}`;
  const code = (error as { code?: unknown }).code;
  const head = typeof code === 'string' ? `${code} ${error.name}` : error.name;
  return `${head}: ${error.message}`;
}

interface Assert {
  ok(value: unknown, what: string): asserts value;
  equal<T>(actual: T, expected: T, what: string): void;
  fields(actual: unknown, expected: Record<string, unknown>, what: string): void;
  refuses(run: () => unknown, code: string, what: string): Promise<void>;
}

/** Assertions that name what was checked, for runtimes without `node:assert`. */
export const assert: Assert = {
  ok(value: unknown, what: string): asserts value {
    if (!value) throw new Error(`expected ${what}`);
  },
  equal<T>(actual: T, expected: T, what: string): void {
    if (!Object.is(actual, expected)) {
      throw new Error(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  /** Every field of `expected` equals the same field of `actual` (JSON equality). */
  fields(actual: unknown, expected: Record<string, unknown>, what: string): void {
    for (const [key, value] of Object.entries(expected)) {
      const got = (actual as Record<string, unknown> | null | undefined)?.[key];
      if (show(got) !== show(value)) {
        throw new Error(`${what}.${key}: expected ${show(value)}, got ${show(got)}`);
      }
    }
  },
  /** `run` throws or rejects with an error whose `code` is `code`. */
  async refuses(run: () => unknown, code: string, what: string): Promise<void> {
    let thrown: unknown;
    try {
      await run();
    } catch (error) {
      thrown = error;
    }
    if (thrown === undefined) throw new Error(`${what}: expected ${code}, nothing was thrown`);
    const got = (thrown as { code?: unknown }).code;
    if (got !== code) throw new Error(`${what}: expected ${code}, got ${describe(thrown)}`);
  },
};

function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}
