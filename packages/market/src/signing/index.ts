export { SigningError, type SigningErrorCode } from './errors.js';
export type { SignablePayload } from './fields.js';
export { type SignedRequest, signRequest } from './request-body.js';
export { signPayload } from './sign.js';
export { type VerifySignatureOptions, verifySignature } from './verify.js';
