import passport from 'passport';
import { createNeverloseClient, NeverloseStrategy } from 'passport-neverlose';

// #region readme
// A client made once, at startup: discovery fails the start instead of the first login, and the
// same client (with its events) serves the strategy and the rest of the app.
const client = await createNeverloseClient({
  clientId: process.env.NEVERLOSE_CLIENT_ID!,
  clientSecret: process.env.NEVERLOSE_CLIENT_SECRET,
  onDiagnostic: (event) => {
    if (event.type === 'oidc:failed') console.warn(`login ${event.step} failed: ${event.code}`);
  },
});
passport.use(
  new NeverloseStrategy({ client, callbackURL: '/auth/neverlose/callback' }, (_, profile, done) =>
    findOrCreateUser(profile).then((user) => done(null, user), done),
  ),
);
// #endregion
