import { randomBytes, timingSafeEqual } from 'node:crypto';
import express from 'express';
import 'express-session';

declare module 'express-session' {
  interface SessionData {
    csrf?: string;
  }
}

const app = express();

// #region readme
// Neverlose publishes no end_session_endpoint: logging out ends your app's session, not the
// user's session at Neverlose. Log out with a POST carrying a token of the session (CSRF).
app.use(express.urlencoded({ extended: false, limit: '4kb' }));
app.use((req, _res, next) => {
  // Render it in the logout form: <input type="hidden" name="csrf" value="...">
  if (req.user !== undefined) req.session.csrf ??= randomBytes(32).toString('base64url');
  next();
});
app.post('/logout', (req, res, next) => {
  const sent = Buffer.from(typeof req.body?.csrf === 'string' ? req.body.csrf : '');
  const expected = Buffer.from(req.session.csrf ?? '');
  if (
    expected.length === 0 ||
    sent.length !== expected.length ||
    !timingSafeEqual(sent, expected)
  ) {
    return res.status(403).send('The logout form expired: reload the page.');
  }
  // Passport 0.7 regenerates the session: the logged-in session and its id are gone.
  req.logout((error) => {
    if (error) return next(error);
    // Then the new, empty session and its cookie go too.
    req.session.destroy((destroyError) => {
      if (destroyError) return next(destroyError);
      res.clearCookie('connect.sid', { path: '/' });
      res.redirect(303, '/');
    });
  });
});
// #endregion
