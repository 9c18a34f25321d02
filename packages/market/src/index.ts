// Every portable entry, for code that does not mind the whole package. SQLite is not here: it is
// the one optional native peer, and `neverlose-market/sqlite` keeps it out of every other bundle.
export * from './client/index.js';
export * from './diagnostics/index.js';
export * from './errors/index.js';
export * from './journal/index.js';
export * from './prices/index.js';
export * from './reseller/index.js';
export * from './signing/index.js';
export * from './webhooks/index.js';
