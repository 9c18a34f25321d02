export { SigningError, type SigningErrorCode } from './errors.js';
export type { SignablePayload } from './fields.js';
export { pythonFloatRepr } from './python-float.js';
export { type SignedRequest, signRequest } from './request-body.js';
export { signingString, signPayload } from './sign.js';
export { type VerifySignatureOptions, verifySignature } from './verify.js';
