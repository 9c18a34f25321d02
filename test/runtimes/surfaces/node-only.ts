// The surfaces of the Node.js-only packages: servers on node:http, stores behind TCP clients. They
// run on Node.js, Bun and Deno (main.ts); the Worker (worker.ts) never imports this file, so the
// workerd bundle holds the portable surfaces only.
export const nodeOnlySurfaces = {
  emulator: () => import('./emulator.js'),
  'passport-express': () => import('./passport-express.js'),
  'redis-stores': () => import('./redis-stores.js'),
  'postgres-stores': () => import('./postgres-stores.js'),
  'sqlite-stores': () => import('./sqlite-stores.js'),
};

export type NodeOnlySurfaceName = keyof typeof nodeOnlySurfaces;
