import { createNeverloseClient, type NeverloseClient, type ProviderCache } from 'neverlose-oidc';

/** A Worker's bindings: its secrets, and a KV namespace (any key-value store does). */
interface Env {
  readonly NEVERLOSE_CLIENT_ID: string;
  readonly NEVERLOSE_CLIENT_SECRET: string;
  readonly KV: {
    get(key: string, type: 'json'): Promise<ProviderCache | null>;
    put(key: string, value: string): Promise<void>;
  };
}

let client: Promise<NeverloseClient> | undefined;

/** The client of this isolate: on a cold start, from the cache, with no request at all. */
export function neverlose(env: Env): Promise<NeverloseClient> {
  client ??= env.KV.get('neverlose-provider', 'json').then((cached) =>
    createNeverloseClient({
      clientId: env.NEVERLOSE_CLIENT_ID,
      clientSecret: env.NEVERLOSE_CLIENT_SECRET,
      redirectUri: 'https://app.example/auth/neverlose/callback',
      providerCache: cached ?? undefined,
    }),
  );
  return client;
}

/** After a login (the keys are fetched by then), and whenever they change: for the next start. */
export async function keepProviderCache(env: Env, done: NeverloseClient): Promise<void> {
  await env.KV.put('neverlose-provider', JSON.stringify(done.exportProviderCache()));
}
