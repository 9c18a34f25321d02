/**
 * The name of the diagnostics channel every client publishes its diagnostics on, and of the
 * `NODE_DEBUG` section that prints them to stderr.
 */
export const DIAGNOSTICS_CHANNEL = 'neverlose-oidc';
