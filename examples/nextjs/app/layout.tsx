import type { ReactNode } from 'react';
import { SignOutButton } from './buttons';
import { currentUser } from './session';
import { STYLE } from './styles';

export const metadata = { title: 'Neverlose Next.js example' };
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <head>
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <strong>Next.js example</strong>
          <a href="/">Home</a>
          <a href="/profile">Profile</a>
          <a href="/orders">Orders</a>
          {user ? (
            <>
              <span id="header-user">{user.username ?? user.id}</span>
              <SignOutButton />
            </>
          ) : (
            <a id="login" className="button" href="/login">
              Login with Neverlose
            </a>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
