/** The request says nobody the service knows: no session, or a token that is unknown, expired or revoked (401). */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}
