/** Stable error kinds; the HTTP layer maps each kind to one status. */
export type DomainErrorKind = 'validation' | 'not-found' | 'illegal-state' | 'forbidden';

/**
 * A broken business rule. `code` is stable and machine-readable (e.g. `quota-exceeded`), so clients
 * and tests can rely on it; `message` is for people.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validation = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('validation', code, message, details);
export const illegalState = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('illegal-state', code, message, details);
export const forbidden = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('forbidden', code, message, details);
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('not-found', code, message, details);
