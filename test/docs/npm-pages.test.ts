// What the npm registry shows for each published package: the links of its manifest, and its
// README, rendered away from the repository, where a relative link leads nowhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, prose } from '../support/markdown.js';
import { repoRoot } from '../support/packed.js';

interface Manifest {
  name: string;
  private?: boolean;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Manifest;
const root = readJson(join(repoRoot, 'package.json'));
/** The repository's web address, from the root manifest: the one place it is written. */
const repository = (root.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const packages = readdirSync(join(repoRoot, 'packages'))
  .map((dir) => ({
    dir: `packages/${dir}`,
    manifest: readJson(join(repoRoot, 'packages', dir, 'package.json')),
  }))
  .filter(({ manifest }) => manifest.private !== true);

/** Markdown links and images outside fenced code blocks: `[text](target)`, `[ref]: target`. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const references = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)];
  return [...inline, ...references].map((match) => match[1] ?? '');
}

/** Why a link of `readme` would not work on the package's npm page, or undefined if it does. */
function brokenLink(readme: string, link: string): string | undefined {
  const [target = '', anchor] = link.split('#', 2);
  if (target === '') {
    return anchor !== undefined && anchors(readFileSync(readme, 'utf8')).has(anchor)
      ? undefined
      : `${link}: no such heading`;
  }
  if (/^(mailto:|https?:\/\/(?!github\.com\/neverlose-toolkit\/))/.test(link)) return undefined;
  const match = /^(?:blob|tree)\/main\/(.+)$/.exec(target.slice(repository.length + 1));
  if (!target.startsWith(`${repository}/`) || match === null)
    return `${link}: not an absolute link into ${repository}/blob/main/`;
  const file = join(repoRoot, match[1] ?? '');
  if (!existsSync(file)) return `${link}: ${match[1]} does not exist`;
  if (target.includes('/blob/') !== statSync(file).isFile())
    return `${link}: use blob/ for a file and tree/ for a folder`;
  if (anchor !== undefined && !anchors(readFileSync(file, 'utf8')).has(anchor))
    return `${link}: ${match[1]} has no heading #${anchor}`;
  return undefined;
}

describe('package manifests', () => {
  it('the root manifest names the repository', () => {
    expect(repository).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
  });

  it.each(packages.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    '%s links its folder of the repository, its page and the issue tracker',
    (_, dir, manifest) => {
      expect({
        homepage: manifest.homepage,
        bugs: manifest.bugs,
        repository: manifest.repository,
      }).toEqual({
        homepage: `${repository}/tree/main/${dir}#readme`,
        bugs: { url: `${repository}/issues` },
        repository: { type: 'git', url: `git+${repository}.git`, directory: dir },
      });
    },
  );
});

describe('package READMEs on the npm registry', () => {
  it.each(packages.map(({ dir, manifest }) => [manifest.name, join(repoRoot, dir, 'README.md')]))(
    '%s: every link is absolute and leads to a file and heading that exist',
    (_, readme) => {
      const problems = links(readFileSync(readme, 'utf8'))
        .map((link) => brokenLink(readme, link))
        .filter((problem) => problem !== undefined);
      expect(problems).toEqual([]);
    },
  );
});
