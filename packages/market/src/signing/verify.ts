import { timingSafeEqualText } from '../lib/crypto.js';
import { SigningError } from './errors.js';
import { type SignablePayload, type SignedField, signingFields } from './fields.js';
import { pythonFloatRepr } from './python-float.js';
import { assertSecret, hashSigningString } from './sign.js';

/** Options of {@link verifySignature}. */
export interface VerifySignatureOptions {
  /**
   * Accept only the exact form {@link signPayload} computes (every field but `signature`, values
   * as sent). Use it to check requests, which the provider's reference signs exactly.
   *
   * @defaultValue `false`: the webhook forms described on {@link verifySignature} are accepted too.
   */
  readonly strict?: boolean;
}

/**
 * Checks a payload's `signature` field against the provider's signature of its other fields.
 * Comparison is constant-time.
 *
 * Pass the raw request body (a string) for webhooks: a parsed object has already lost `1.0`
 * versus `1`, which the signature depends on.
 *
 * Accepted forms (each is the exact Python reference over the fields listed):
 * 1. Every field but `signature`, values as they appear ({@link signPayload}'s form).
 * 2. Unless `strict`, and only when the payload has a `kind` field: every field but `signature`
 *    and `kind`. Webhooks gained `kind` in April 2022; the docs' examples are signed without it and
 *    whether live signatures cover it is not documented. `kind` is then not authenticated, so
 *    check that the event's fields are exactly those of its kind (`verifyWebhook` does).
 * 3. Unless `strict`, and only when the payload has an integer `amount` (text `1`, not `1.0`):
 *    forms 1 and 2 with `amount` rendered as a Python float (`1.0`). The provider computes
 *    webhook amounts as floats but its JSON may print an integral one without `.0`: the docs'
 *    transfer example shows `"amount": 1` and is signed over `amount1.0`. Both renderings denote the
 *    same number, so no value can be altered through this form.
 *
 * Nothing else verifies: no other field may be dropped, re-typed or re-ordered, and the signature
 * must be 64 lowercase hex characters, as Python's `hexdigest()` writes it.
 *
 * @param payload Raw JSON text (preferred) or a plain object, carrying `signature`.
 * @param secret Your market API key.
 * @throws {SigningError} `ERR_SIGNATURE_MISSING` when there is no string `signature` field, and
 *   the codes of {@link signPayload} when the payload is not signable JSON.
 *
 * @example
 * ```ts
 * if (!verifySignature(rawBody, process.env.NEVERLOSE_API_KEY!)) return new Response(null, { status: 401 });
 * ```
 */
export function verifySignature(
  payload: SignablePayload,
  secret: string,
  options: VerifySignatureOptions = {},
): boolean {
  assertSecret(secret);
  const { fields, signature } = signingFields(payload);
  if (typeof signature !== 'string') {
    throw new SigningError(
      'ERR_SIGNATURE_MISSING',
      'The payload has no string "signature" field to verify.',
    );
  }
  return matchesSignature(new FieldList(fields), signature, secret, options.strict === true);
}

/**
 * @internal What the accepted forms are computed from: the sorted fields of a payload
 * ({@link FieldList}), or the slots a one-pass reader filled.
 */
export interface SignedFields {
  /** The payload has a `kind` field: the forms without it apply. */
  readonly hasKind: boolean;
  /** The payload's `amount` is a Python int: the forms with it rendered as a float apply. */
  readonly intAmount: boolean;
  /** The joined string of one form (before the secret is appended). */
  join(form: SignedForm): string;
}

/** @internal A signed form: which of the tolerated differences from the exact form it applies. */
export interface SignedForm {
  readonly withoutKind: boolean;
  readonly amountAsFloat: boolean;
}

const FORMS: readonly SignedForm[] = [
  { withoutKind: false, amountAsFloat: false },
  { withoutKind: true, amountAsFloat: false },
  { withoutKind: false, amountAsFloat: true },
  { withoutKind: true, amountAsFloat: true },
];

/** Every field as sent: the only form of `strict`. */
const EXACT = FORMS[0]!;

/**
 * The form that matched last. The provider signs every webhook the same way, so trying it first
 * makes a run of webhooks cost one hash each. It changes only the order, never what is accepted.
 */
let lastMatched: SignedForm = EXACT;

/** @internal {@link SignedFields} of a payload's sorted {@link SignedField}s. */
export class FieldList implements SignedFields {
  readonly hasKind: boolean;
  readonly intAmount: boolean;

  constructor(private readonly fields: readonly SignedField[]) {
    let hasKind = false;
    let intAmount = false;
    for (const field of fields) {
      if (field.key === 'kind') hasKind = true;
      else if (field.key === 'amount' && field.isInt) intAmount = true;
    }
    this.hasKind = hasKind;
    this.intAmount = intAmount;
  }

  join(form: SignedForm): string {
    let out = '';
    for (const field of this.fields) {
      if (form.withoutKind && field.key === 'kind') continue;
      out += field.key;
      out +=
        form.amountAsFloat && field.key === 'amount'
          ? pythonFloatRepr(Number(field.text))
          : field.text;
    }
    return out;
  }
}

/** @internal Whether `signature` matches one of the accepted forms of `fields`. */
export function matchesSignature(
  fields: SignedFields,
  signature: string,
  secret: string,
  strict: boolean,
): boolean {
  // A hex digest is 64 characters; the constant-time compare with our lowercase hex digest checks
  // the rest (an uppercase or non-hex signature cannot equal it).
  if (signature.length !== 64) return false;
  if (strict) return matchesForm(fields, EXACT, signature, secret);
  const { hasKind, intAmount } = fields;
  const first = lastMatched;
  if (applies(first, hasKind, intAmount) && matchesForm(fields, first, signature, secret))
    return true;
  for (const form of FORMS) {
    if (form === first || !applies(form, hasKind, intAmount)) continue;
    if (matchesForm(fields, form, signature, secret)) {
      lastMatched = form;
      return true;
    }
  }
  return false;
}

/**
 * @internal {@link matchesSignature} (not strict) for one secret or any of several: the webhook
 * check. A loop, not `some()` with a closure: this runs on every webhook.
 */
export function matchesAnySecret(
  fields: SignedFields,
  signature: string,
  secret: string | readonly string[],
): boolean {
  if (typeof secret === 'string') return matchesSignature(fields, signature, secret, false);
  for (const one of secret) if (matchesSignature(fields, signature, one, false)) return true;
  return false;
}

function applies(form: SignedForm, hasKind: boolean, intAmount: boolean): boolean {
  return (!form.withoutKind || hasKind) && (!form.amountAsFloat || intAmount);
}

function matchesForm(
  fields: SignedFields,
  form: SignedForm,
  signature: string,
  secret: string,
): boolean {
  return timingSafeEqualText(hashSigningString(fields.join(form), secret), signature);
}
