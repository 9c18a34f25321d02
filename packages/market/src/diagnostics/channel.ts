/**
 * The name of the diagnostics channel every diagnostic of this package is published on, and of
 * the `NODE_DEBUG` section that prints them to stderr.
 */
export const DIAGNOSTICS_CHANNEL = 'neverlose-market';
