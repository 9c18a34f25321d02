export {
  type AcceptedResellerOrder,
  type AcceptResellerOrderOptions,
  acceptResellerOrder,
} from './accept-order.js';
export { ResellerTokenError, type ResellerTokenErrorCode } from './errors.js';
export { MemorySingleUseTokenStore, type SingleUseTokenStore } from './single-use-token-store.js';
export {
  type MarketTopUpOrder,
  type ProductOrder,
  RESELLER_TOKEN_ISSUER,
  type ResellerOrder,
  type VerifyResellerTokenOptions,
  verifyResellerToken,
} from './verify-token.js';
