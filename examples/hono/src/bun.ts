// Bun: `bun run src/bun.ts`. Bun hands its server, not an env, to `fetch`: the env is passed here.
import app from './worker.js';

export default {
  port: Number(process.env['PORT'] ?? 3003),
  hostname: process.env['HOST'] ?? '127.0.0.1',
  fetch: (request: Request) => app.fetch(request, process.env),
};
