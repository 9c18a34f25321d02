// app/api/auth/[...nextauth]/route.ts: the callback is https://app.example/api/auth/callback/neverlose.

import { guardNextAuthRoute } from 'neverlose-oidc/next-auth';
import { handler } from '@/auth';

// next-auth reads a request body whole, and answers 500 to some requests a visitor can forge:
// the guard answers those 4xx first (see below).
const route = guardNextAuthRoute(handler);

export { route as GET, route as POST };
