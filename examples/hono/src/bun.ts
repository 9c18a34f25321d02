// Bun: `bun run src/bun.ts`. Bun hands its server, not an env, to `fetch`: the env is passed here.
import app from './worker.js';

/** The part of Bun's global this entry uses (this package compiles without Bun's types). */
declare const Bun: {
  serve(options: {
    port: number;
    hostname: string;
    fetch(request: Request): Response | Promise<Response>;
  }): { readonly url: URL };
};

const server = Bun.serve({
  port: Number(process.env['PORT'] ?? 3003),
  hostname: process.env['HOST'] ?? '127.0.0.1',
  fetch: (request) => app.fetch(request, process.env),
});
console.log(`hono example listening on ${server.url.href.replace(/\/+$/, '')}`);
