// The same app on Workers and Bun: `export default { fetch }` is the entry both runtimes load.
// Configuration comes from the runtime's environment (Workers bindings, or Bun's process.env
// passed as the env), read on the first request.
import { createApp } from './hono-app.js';

const app = createApp((env) => {
  const text = (name: string): string => {
    const value = env[name];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`Missing environment variable ${name}: see examples/hono/README.md.`);
    }
    return value;
  };
  const publicUrl = text('PUBLIC_URL').replace(/\/+$/, '');
  const secret = env['NEVERLOSE_CLIENT_SECRET'];
  return {
    client: {
      clientId: text('NEVERLOSE_CLIENT_ID'),
      ...(typeof secret === 'string' && secret !== '' ? { clientSecret: secret } : {}),
      issuer: typeof env['NEVERLOSE_ISSUER'] === 'string' ? env['NEVERLOSE_ISSUER'] : undefined,
      dangerouslyAllowInsecureHttp: env['NEVERLOSE_ALLOW_INSECURE_HTTP'] === '1',
    },
    publicUrl,
    sessionSecret: text('SESSION_SECRET'),
  };
});

export default app;
