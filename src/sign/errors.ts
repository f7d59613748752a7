/**
 * The one error type of src/sign. `code` says what went wrong so callers can
 * decide (e.g. retry without the tenant key, alert the operator) without
 * parsing messages. Messages never contain key material.
 */

export type SignErrorCode =
  | 'bad-key' // a private key that cannot be parsed or does not match its algorithm
  | 'bad-option' // domain, selector, Feedback-ID or CFBL address malformed
  | 'bad-message' // no header/body separation could be found
  | 'sealed-key'; // a sealed key that does not open (wrong master key, tampering, bad format)

export class SignError extends Error {
  override readonly name = 'SignError';
  constructor(
    readonly code: SignErrorCode,
    message: string,
  ) {
    super(message);
  }
}
