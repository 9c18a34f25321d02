// CONTRIBUTING.md is a map of the repository: every path it names must lead somewhere in a clone,
// and every link to a heading of one of its pages must find that heading.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, prose } from '../support/markdown.js';
import { repoRoot } from '../support/packed.js';

const PAGE = 'CONTRIBUTING.md';
const text = prose(readFileSync(join(repoRoot, PAGE), 'utf8'));

/** Every file of a clone (tracked or new, not ignored), and every folder on the way to one. */
function repositoryPaths(): Set<string> {
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
    .split('\0')
    .filter(Boolean);
  const paths = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let n = 1; n <= parts.length; n++) paths.add(parts.slice(0, n).join('/'));
  }
  return paths;
}

const paths = repositoryPaths();
const topLevel = new Set([...paths].filter((path) => !path.includes('/')));

/**
 * The part of a name that must exist: up to the first placeholder (`<framework>`, `*`); the page
 * names a path from the root when its first segment is an entry of the root.
 */
function pathOf(name: string): string | undefined {
  const segments = name.replace(/\/$/, '').split('/');
  const fixed = segments.slice(
    0,
    segments.findIndex((segment) => /[<*{]/.test(segment)) + 1 || segments.length,
  );
  const concrete = /[<*{]/.test(fixed.at(-1) ?? '') ? fixed.slice(0, -1) : fixed;
  if (concrete.length === 0 || !topLevel.has(concrete[0] ?? '')) return undefined;
  return concrete.join('/');
}

const named = [...new Set([...text.matchAll(/`([^`\s]+)`/g)].map(([, name = '']) => name))]
  .map((name) => ({ name, path: pathOf(name) }))
  .filter((entry): entry is { name: string; path: string } => entry.path !== undefined);

const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
  .map(([, href = '']) => href)
  .filter((href) => !/^[a-z]+:/.test(href));

describe(PAGE, () => {
  it('names paths of the repository', () => {
    expect(named.length).toBeGreaterThan(50);
  });

  it('names only paths that exist', () => {
    expect(named.filter(({ path }) => !paths.has(path)).map(({ name }) => name)).toEqual([]);
  });

  it('links to files that exist and to headings they have', () => {
    const broken = links.filter((href) => {
      const [target = '', anchor] = href.split('#', 2);
      const file = target === '' ? PAGE : target.replace(/\/$/, '');
      if (!paths.has(file)) return true;
      if (anchor === undefined) return false;
      return !anchors(readFileSync(join(repoRoot, file), 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
