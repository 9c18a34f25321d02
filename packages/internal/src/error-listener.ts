interface Emitter {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  listenerCount(event: 'error'): number;
}

/** What the guard warns with, once per process, when it kept a client's `'error'` from ending it. */
export interface ErrorListenerWarning {
  /** The warning's text, given the message of the error the client emitted. */
  readonly message: (cause: string) => string;
  /** The warning's `type`, such as `NeverlosePostgresWarning`. */
  readonly type: string;
  /** The warning's `code`, such as `NEVERLOSE_POSTGRES_NO_ERROR_LISTENER`. */
  readonly code: string;
}

/**
 * An `'error'`-listener guard for the pooled clients of one package. A pool or client (node-postgres,
 * node-redis, ioredis) emits `'error'` when the server ends a connection (a restart), and without
 * a listener that event ends the process. The guard adds one where the app has none: it warns
 * once (`process.emitWarning`) and lets the client reconnect by itself. A client is guarded once;
 * one with a listener of its own is left alone.
 */
export function errorListenerGuard(warning: ErrorListenerWarning): (client: object) => void {
  const listened = new WeakSet<object>();
  let warned = false;
  return (client) => {
    const emitter = client as Partial<Emitter>;
    if (typeof emitter.on !== 'function' || typeof emitter.listenerCount !== 'function') return;
    if (listened.has(client) || emitter.listenerCount('error') > 0) return;
    listened.add(client);
    emitter.on('error', (error) => {
      if (warned) return;
      warned = true;
      const host = (globalThis as { process?: Partial<NodeJS.Process> }).process;
      host?.emitWarning?.(warning.message(String((error as Error | undefined)?.message)), {
        type: warning.type,
        code: warning.code,
      });
    });
  };
}
