// Every portable surface of the matrix, each loaded by itself: one that cannot load on a runtime
// (a Node-only import at its module top) fails alone.
import type { NodeOnlySurfaceName } from './node-only.js';

export const surfaces = {
  'market-signing': () => import('./market-signing.js'),
  'market-webhooks': () => import('./market-webhooks.js'),
  'market-reseller': () => import('./market-reseller.js'),
  'market-client': () => import('./market-client.js'),
  'oidc-login': () => import('./oidc-login.js'),
  'oidc-sealed-cookies': () => import('./oidc-sealed-cookies.js'),
};

export type PortableSurfaceName = keyof typeof surfaces;

/** Every surface of the matrix: the portable ones and the Node.js-only ones (node-only.ts). */
export type SurfaceName = PortableSurfaceName | NodeOnlySurfaceName;
