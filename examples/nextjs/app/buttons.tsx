'use client';

import { signIn, signOut } from 'next-auth/react';
import { useEffect, useRef } from 'react';

/** Signs out: next-auth posts its CSRF token (double-submit cookie) with the request. */
export function SignOutButton() {
  return (
    <button
      id="logout"
      type="button"
      className="button secondary"
      onClick={() => void signOut({ callbackUrl: '/?loggedOut=1' })}
    >
      Log out
    </button>
  );
}

/** Starts the Neverlose login at once (next-auth signs in with a POST carrying its CSRF token). */
export function StartSignIn({ returnTo }: { returnTo: string }) {
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void signIn('neverlose', { callbackUrl: returnTo });
  }, [returnTo]);
  return <p>Taking you to Neverlose…</p>;
}
