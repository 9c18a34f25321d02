import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmes, syncReadme } from '../../scripts/readme-snippets.mjs';
import { repoRoot } from '../support/packed.js';

describe('README code snippets', () => {
  const files = readmes();

  it.each(files.map((file) => [relative(repoRoot, file), file]))(
    '%s: every snippet block equals its typechecked file',
    (_, file) => {
      expect(syncReadme(file).problems).toEqual([]);
    },
  );

  it.each(
    files
      .filter((file) => file.includes('/packages/'))
      .map((file) => [relative(repoRoot, file), file]),
  )('%s: every TypeScript block comes from a snippet file', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const blocks = text.match(/(<!-- snippet: [^\s]+ -->\n)?```ts\n/g) ?? [];
    const loose = blocks.filter((block) => !block.startsWith('<!-- snippet:'));
    expect(loose).toEqual([]);
  });
});
