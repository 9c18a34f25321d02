// The neverlose-oidc client of the emulator's example app, as the oidc surfaces use it.
import { createNeverloseClient } from 'neverlose-oidc';
import type { RuntimeContext } from '../harness.js';

export const oidcClientFor = ({ emulator }: RuntimeContext) =>
  createNeverloseClient({
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    redirectUri: emulator.redirectUri,
    issuer: emulator.url,
    dangerouslyAllowInsecureHttp: true,
  });
