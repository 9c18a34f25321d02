/** The error reference every package's `docUrl` points into: one entry per code. */
const ERRORS_DOC =
  'https://github.com/neverlose-toolkit/neverlose-toolkit/blob/main/docs/errors.md';

/** The address of a code's entry in `docs/errors.md`. */
export function errorDocUrl(code: string): string {
  return `${ERRORS_DOC}#${code.toLowerCase()}`;
}

/**
 * The shape of every package's errors: a stable, machine-readable `code` to switch on (the
 * message may change), the entry of that code in the error reference (`docUrl`), and the class's
 * own name. Each package extends it with its error class and its code union, and brands that class
 * with {@link brandErrors}.
 */
export class CodedError<Code extends string = string> extends Error {
  /** A stable, machine-readable code, such as `ERR_INVALID_OPTION`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** The entry of `code` in the error reference: what it means and what to do. */
  get docUrl(): string {
    return errorDocUrl(this.code);
  }
}

/**
 * Brands the errors of one package under `Symbol.for(key)` and returns the test for the brand. A
 * dual ESM/CommonJS package can be loaded twice in one process, and then `instanceof` fails for
 * the other copy's classes; the registered symbol is the same in both.
 *
 * @param errorClass The package's error class: its instances and its subclasses' carry the brand.
 * @param key The package's brand, such as `neverlose-postgres.error`.
 */
export function brandErrors<T extends Error>(
  errorClass: abstract new (...args: never[]) => T,
  key: string,
): (error: unknown) => error is T {
  const brand = Symbol.for(key);
  Object.defineProperty(errorClass.prototype, brand, { value: true });
  return (error): error is T =>
    typeof error === 'object' && error !== null && (error as { [brand]?: unknown })[brand] === true;
}

/** The mark `neverlose-market`'s `isStoreFailure` reads, registered so every package shares it. */
const STORE_FAILURE = Symbol.for('neverlose.store-failure');

/**
 * Marks the errors of `errorClass` whose code is one of `codes` as store failures for every
 * Neverlose package (`neverlose-market`'s `isStoreFailure`): the store could not do its part now,
 * so a webhook is answered 503 with `Retry-After` and a money call sent nothing.
 */
export function markStoreFailures<Code extends string>(
  errorClass: abstract new (...args: never[]) => CodedError<Code>,
  codes: readonly Code[],
): void {
  const failures: ReadonlySet<string> = new Set(codes);
  Object.defineProperty(errorClass.prototype, STORE_FAILURE, {
    get(this: CodedError<Code>) {
      return failures.has(this.code);
    },
  });
}
