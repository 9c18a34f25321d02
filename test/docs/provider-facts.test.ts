// What the project knows about the provider lives in docs/provider-facts.md, each fact linked to
// the test that proves it. These checks keep those links true, and keep every citation pointing
// at that page rather than at a copy of the provider's documentation outside the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, prose } from '../support/markdown.js';
import { repoRoot } from '../support/packed.js';

const PAGE = 'docs/provider-facts.md';
const page = readFileSync(join(repoRoot, PAGE), 'utf8');
const pageAnchors = anchors(page);

interface Link {
  text: string;
  target: string;
  anchor: string | undefined;
}

/** The page's inline links, with their text unescaped (`\[` is `[`). */
function linksOf(markdown: string): Link[] {
  return [...prose(markdown).matchAll(/\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)>?\s*\)/g)].map(
    ([, text = '', href = '']) => {
      const [target = '', anchor] = href.split('#', 2);
      return { text: text.replace(/\\(.)/g, '$1'), target, anchor };
    },
  );
}

const links = linksOf(page);
const fileLinks = links.filter((link) => link.target !== '' && !/^[a-z]+:/.test(link.target));
const testLinks = fileLinks.filter((link) => link.target.endsWith('.test.ts'));

/**
 * Whether `source` declares a test or suite titled `title` that runs: the title as a string
 * literal opening `it(`, `test(`, `describe(` (with modifiers) or the call of `.each(...)`, and
 * not `.skip` or `.todo`.
 */
function declaresTest(source: string, title: string): boolean {
  const literals = [
    `'${title.replaceAll("'", "\\'")}'`,
    `"${title.replaceAll('"', '\\"')}"`,
    `\`${title}\``,
  ];
  return literals.some((literal) => {
    for (let at = source.indexOf(literal); at !== -1; at = source.indexOf(literal, at + 1)) {
      const before = source.slice(0, at).trimEnd();
      if (/\.(?:skip|todo)\w*\($/.test(before)) continue;
      if (/\b(?:it|test|describe)(?:\.\w+)*\($/.test(before) || /\)\($/.test(before)) return true;
    }
    return false;
  });
}

/** Every file of the repository a clone has (tracked or new, not ignored), as text. */
function repositoryTexts(): { file: string; text: string }[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return listed
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(repoRoot, file)))
    .map((file) => ({ file, text: readFileSync(join(repoRoot, file), 'utf8') }))
    .filter(({ text }) => !text.includes('\0'));
}

describe(`${PAGE} links`, () => {
  it('links at least one test from every section', () => {
    const sections = prose(page).split(/^## /m).slice(1);
    const untested = sections
      .filter((section) => !linksOf(section).some((link) => link.target.endsWith('.test.ts')))
      .map((section) => section.split('\n', 1)[0]);
    expect(untested).toEqual([]);
  });

  it('links only files that exist', () => {
    const missing = fileLinks
      .filter((link) => !existsSync(resolve(repoRoot, 'docs', link.target)))
      .map((link) => link.target);
    expect(missing).toEqual([]);
  });

  it('names, in every link to a test file, a test that the file declares', () => {
    const unknown = testLinks
      .filter((link) => {
        const file = resolve(repoRoot, 'docs', link.target);
        return !existsSync(file) || !declaresTest(readFileSync(file, 'utf8'), link.text);
      })
      .map((link) => `${link.target}: ${link.text}`);
    expect(testLinks.length).toBeGreaterThan(50);
    expect(unknown).toEqual([]);
  });

  it('links only headings of its own that exist', () => {
    const broken = links
      .filter((link) => link.target === '' && !pageAnchors.has(link.anchor ?? ''))
      .map((link) => `#${link.anchor}`);
    expect(broken).toEqual([]);
  });

  it('tells a test title from a look-alike', () => {
    const source = [
      "it('runs', () => {});",
      "it.each([[1]])('runs %i', () => {});",
      "it.skip('is skipped', () => {});",
      "const note = 'not a test';",
    ].join('\n');
    expect(declaresTest(source, 'runs')).toBe(true);
    expect(declaresTest(source, 'runs %i')).toBe(true);
    expect(declaresTest(source, 'is skipped')).toBe(false);
    expect(declaresTest(source, 'not a test')).toBe(false);
    expect(declaresTest(source, 'run')).toBe(false);
  });
});

describe('citations of the provider facts', () => {
  // This file spells the patterns it looks for, so it does not scan itself.
  const self = relative(repoRoot, import.meta.filename);
  const texts = repositoryTexts().filter(({ file }) => file !== self);

  it('cite no file outside the repository', () => {
    const outside: string[] = [];
    for (const { file, text } of texts) {
      for (const match of text.matchAll(/\bFACTS\.md\b|\bneverlose-docs\b/g))
        outside.push(`${file}: ${match[0]}`);
      for (const [path] of text.matchAll(/(?:\.\.\/)+shared\b[^\s'"`)\]>,;]*/g)) {
        const to = relative(repoRoot, resolve(repoRoot, dirname(file), path));
        if (to.startsWith('..')) outside.push(`${file}: ${path}`);
      }
    }
    expect(texts.length).toBeGreaterThan(100);
    expect(outside).toEqual([]);
  });

  it(`cite sections of ${PAGE} that exist`, () => {
    const broken: string[] = [];
    for (const { file, text } of texts)
      for (const [, anchor = ''] of text.matchAll(/provider-facts\.md#([\w-]+)/g))
        if (!pageAnchors.has(anchor)) broken.push(`${file}: #${anchor}`);
    expect(broken).toEqual([]);
  });
});
