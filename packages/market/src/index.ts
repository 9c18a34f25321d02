export { isNeverloseMarketError, NeverloseMarketError } from './errors.js';
export * from './signing/index.js';
