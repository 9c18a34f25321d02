export { type SigningErrorCode, SigningError } from './errors.js';
export type { SignablePayload } from './fields.js';
export { pythonFloatRepr } from './python-float.js';
export { type SignedRequest, signRequest } from './request-body.js';
export { signPayload, signingString } from './sign.js';
export { type VerifySignatureOptions, verifySignature } from './verify.js';
