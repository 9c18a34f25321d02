// The matrix's entry on Node, Bun and Deno: `<runtime> main.js '<context JSON>'` runs the portable
// surfaces and the Node.js-only ones, prints one line, `{ "outcomes": [...] }`, and exits.
import { type RuntimeContext, runSurfaces } from './harness.js';
import { surfaces } from './surfaces/index.js';
import { nodeOnlySurfaces } from './surfaces/node-only.js';

interface Host {
  Deno?: { args: string[]; exit(code: number): never };
  process?: { argv: string[]; exit(code: number): never };
}
const host = globalThis as Host;
const args = host.Deno?.args ?? host.process?.argv.slice(2) ?? [];
const context = JSON.parse(args[0] ?? '{}') as RuntimeContext;
console.log(
  JSON.stringify({ outcomes: await runSurfaces({ ...surfaces, ...nodeOnlySurfaces }, context) }),
);
// Kept-alive connections would hold the process open for seconds.
(host.Deno ?? host.process)?.exit(0);
