/** Types of slow-tests.mjs, for the vitest configs and tests written in TypeScript. */
/** Folders of `test/` whose files all run in the slow project. */
export declare const slowFolders: readonly string[];
/** Files of other folders of `test/` that run in the slow project. */
export declare const slowFiles: readonly string[];
/** Test files of the packages that run in the slow project, by package folder. */
export declare const slowPackageTests: {
  readonly market: readonly string[];
  readonly oidc: readonly string[];
  readonly redis: readonly string[];
};
