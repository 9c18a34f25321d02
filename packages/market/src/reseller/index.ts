export {
  type AcceptedResellerOrder,
  type AcceptResellerOrderOptions,
  acceptResellerOrder,
} from './accept-order.js';
export { ResellerTokenError, type ResellerTokenErrorCode } from './errors.js';
export { MemorySingleUseStore, type SingleUseTokenStore } from './single-use-store.js';
export {
  type MarketTopUpOrder,
  type ProductOrder,
  RESELLER_TOKEN_ISSUER,
  type ResellerOrder,
  type VerifyResellerTokenOptions,
  verifyResellerToken,
} from './verify-token.js';
