/**
 * Resolves with the name of the first SIGINT or SIGTERM, or with `undefined` once `cancel` is
 * aborted; either way it stops listening for both.
 */
export function untilSignal(cancel?: AbortSignal): Promise<'SIGINT' | 'SIGTERM' | undefined> {
  return new Promise((resolve) => {
    const stop = (signal: 'SIGINT' | 'SIGTERM' | undefined) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      cancel?.removeEventListener('abort', onAbort);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const onAbort = () => stop(undefined);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    cancel?.addEventListener('abort', onAbort, { once: true });
  });
}
