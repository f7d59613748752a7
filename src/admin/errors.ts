/**
 * The one error type of the shared service functions (src/admin/*): what
 * went wrong in words a CLI user or API client can act on, and a kind the
 * HTTP layer maps to a status (invalid 400, forbidden 403, not-found 404,
 * conflict 409). The CLI prints the message.
 */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'forbidden' | 'not-found' | 'conflict',
  ) {
    super(message);
  }
}
