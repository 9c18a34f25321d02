// The README's "Testing your own store" snippet, run as written: it registers the contract suites
// with vitest when imported.
await import('../snippets/store-contract.js');
