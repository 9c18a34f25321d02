/**
 * A `node:` module where the runtime hands it out without an import (`process.getBuiltinModule`:
 * Node 20.16+, Bun, Deno, Workers with `nodejs_compat`), else `undefined`. Never throws: a runtime
 * without `node:` modules (Workers without `nodejs_compat`, browsers) or one that refuses the
 * lookup (a permission model) gets `undefined`, so every module that probes this way loads there
 * all the same. `usable` says whether what came back has the calls the caller needs.
 */
export function builtinModule<T>(
  id: `node:${string}`,
  usable: (module: Partial<T>) => boolean,
): T | undefined {
  try {
    const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    const module = host?.getBuiltinModule?.(id) as Partial<T> | undefined;
    return module !== undefined && module !== null && usable(module) ? (module as T) : undefined;
  } catch {
    return undefined;
  }
}
