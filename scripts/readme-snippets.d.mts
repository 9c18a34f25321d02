/** Types of readme-snippets.mjs, for the test that keeps README snippets true. */
export declare function readmes(): string[];
export declare function snippetText(file: string): string;
export declare function syncReadme(
  readme: string,
  write?: boolean,
): { count: number; problems: string[] };
