// The smallest Next.js App Router app around neverlose-oidc's next-auth files: what
// `create-next-app` makes (a root layout, its tsconfig.json) and a page that prints the README's
// `currentUser()`. The README's own files (auth.ts, the route file) are cut out of it beside these.

/** The app's files but the README's, by path in the app. */
export const NEXT_APP_FILES: Readonly<Record<string, string>> = {
  'app/layout.tsx': [
    "import type { ReactNode } from 'react';",
    '',
    'export default function Layout({ children }: { children: ReactNode }) {',
    '  return (<html lang="en"><body>{children}</body></html>);',
    '}',
    '',
  ].join('\n'),
  'app/page.tsx': [
    "import { currentUser } from '@/auth';",
    '',
    "export const dynamic = 'force-dynamic';",
    '',
    'export default async function Home() {',
    '  const user = await currentUser();',
    "  return <p id=\"user\">{user ? 'Signed in as ' + user.username : 'Signed out'}</p>;",
    '}',
    '',
  ].join('\n'),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['dom', 'dom.iterable', 'esnext'],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      jsx: 'react-jsx',
      isolatedModules: true,
      paths: { '@/*': ['./*'] },
    },
    include: ['**/*.ts', '**/*.tsx'],
  }),
};

/** Where the app saves each next-auth block of neverlose-oidc's README. */
export const NEXT_AUTH_README_FILES: Readonly<Record<string, string>> = {
  'auth.ts': 'next-auth.ts',
  'app/api/auth/[...nextauth]/route.ts': 'next-auth-route.ts',
};
