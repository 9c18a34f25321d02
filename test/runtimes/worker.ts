// The matrix's entry on workerd: a Worker whose fetch takes the context as its JSON body and
// answers `{ "outcomes": [...] }`. The portable surfaces only: the Node.js-only ones
// (surfaces/node-only.ts) are left out of the bundle.
import { type RuntimeContext, runSurfaces } from './harness.js';
import { surfaces } from './surfaces/index.js';

export default {
  async fetch(request: Request): Promise<Response> {
    const context = (await request.json()) as RuntimeContext;
    return Response.json({ outcomes: await runSurfaces(surfaces, context) });
  },
};
