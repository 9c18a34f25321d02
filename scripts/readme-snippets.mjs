// README code blocks that come from typechecked files, so they cannot rot.
//
// In a README, a marker names the file; the fenced block right after it must equal the file's
// text (or its `// #region readme` ... `// #endregion` part):
//
//   <!-- snippet: snippets/sign.ts -->
//   ```ts
//   ...
//   ```
//
//   node scripts/readme-snippets.mjs           check every README; exit 1 and list stale blocks
//   node scripts/readme-snippets.mjs --write   rewrite the blocks from their files
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const MARKER = /<!-- snippet: ([^\s]+) -->\n```(\w*)\n([\s\S]*?)```/g;

/** Every README the project publishes or shows. */
export function readmes() {
  const files = [join(root, 'README.md')];
  for (const dir of ['packages', 'examples']) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const file = join(root, dir, entry.name, 'README.md');
      if (entry.isDirectory() && existsSync(file)) files.push(file);
    }
  }
  return files;
}

/** The part of a snippet file shown in a README. */
export function snippetText(file) {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('// #region readme\n');
  const end = text.indexOf('// #endregion');
  const body =
    start === -1 || end === -1 ? text : text.slice(start + '// #region readme\n'.length, end);
  return `${body.replace(/\s+$/, '')}\n`;
}

/** Checks (or, with write, rewrites) one README; returns its stale or broken blocks. */
export function syncReadme(readme, write = false) {
  const text = readFileSync(readme, 'utf8');
  const problems = [];
  let count = 0;
  const next = text.replace(MARKER, (block, path, lang, body) => {
    count++;
    const file = join(dirname(readme), path);
    if (!existsSync(file)) {
      problems.push(`${relative(root, readme)}: snippet file ${path} does not exist`);
      return block;
    }
    const wanted = snippetText(file);
    if (wanted !== body)
      problems.push(`${relative(root, readme)}: the block from ${path} differs from the file`);
    return `<!-- snippet: ${path} -->\n\`\`\`${lang}\n${wanted}\`\`\``;
  });
  if (write && next !== text) writeFileSync(readme, next);
  return { count, problems: write ? problems.filter((p) => !p.includes('differs')) : problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const write = process.argv.includes('--write');
  let total = 0;
  const problems = [];
  for (const readme of readmes()) {
    const result = syncReadme(readme, write);
    total += result.count;
    problems.push(...result.problems);
  }
  for (const problem of problems) console.error(problem);
  console.log(
    `${total} README snippets ${write ? 'written' : 'checked'}, ${problems.length} problems`,
  );
  process.exit(problems.length ? 1 : 0);
}
