/** The least time between two warnings of one kind: a flood of bad callbacks is one line a minute. */
const WARNING_INTERVAL = 60_000;

const lastWarned = new Map<string, number>();

/**
 * @internal Tells the developer, on stderr, what they would otherwise only see with
 * `NODE_DEBUG=neverlose-oidc`: a login cookie that did not come back, a login started on another
 * host than its callback. At most one line a minute per kind, since anyone can make a callback
 * fail.
 */
export function warnDeveloper(kind: string, message: string): void {
  const now = Date.now();
  if (now - (lastWarned.get(kind) ?? Number.NEGATIVE_INFINITY) < WARNING_INTERVAL) return;
  lastWarned.set(kind, now);
  try {
    console.warn(message);
  } catch {
    // stderr closed: nothing to do.
  }
}
