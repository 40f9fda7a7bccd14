import { HOTP, Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps know them: SHA-1, 6 digits, 30-second
 * steps, a 160-bit secret. Those are the defaults every app supports (Google and Microsoft
 * Authenticator, 腾讯身份验证器, FreeOTP); an app may silently ignore other algorithm or digit settings.
 */

export const DEFAULT_TOTP_ISSUER = '山西省职业教育项目管理';

const PERIOD_SECONDS = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
const SECRET_BYTES = 20;
/** RFC 4226 §4: a shared secret of at least 128 bits. */
const MIN_SECRET_BYTES = 16;
/** Steps either side of the current one that are accepted, for clock drift and typing time. */
const WINDOW = 1;

export interface NewTotpSecret {
  /** Base32, to store (encrypted at rest, ideally) and to show for manual entry. */
  readonly secret: string;
  /** otpauth://totp/… for the QR code the person scans. */
  readonly uri: string;
}

export type TotpVerification = { readonly ok: true; readonly step: number } | { readonly ok: false };

/** A fresh random secret for `account`, and the URI an authenticator app enrols it from. */
export function newTotpSecret(account: string, issuer = DEFAULT_TOTP_ISSUER): NewTotpSecret {
  const secret = new Secret({ size: SECRET_BYTES });
  const totp = new TOTP({ issuer, label: account, algorithm: ALGORITHM, digits: DIGITS, period: PERIOD_SECONDS, secret });
  return { secret: secret.base32, uri: totp.toString() };
}

/** The 30-second step `at` falls in: the number to keep as `lastUsedStep` after a successful verification. */
export function totpStep(at: Date): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('verifyTotp needs a valid date');
  return Math.floor(ms / 1000 / PERIOD_SECONDS);
}

/**
 * Whether `code` is the code of `secret` for the step of `at` or one step either side. A step at or
 * before `lastUsedStep` is refused, so a code seen over someone's shoulder (or a second submit of the
 * same one) cannot be used again: store the returned `step` as the account's new `lastUsedStep`.
 * Anything but exactly six ASCII digits is refused; strip spaces a person may type ("123 456") before.
 * A secret that is not base32, or shorter than 128 bits, is a stored-data error and throws.
 */
export function verifyTotp(secret: string, code: string, at: Date, lastUsedStep?: number): TotpVerification {
  const current = totpStep(at);
  const key = Secret.fromBase32(secret);
  if (key.bytes.length < MIN_SECRET_BYTES) throw new RangeError(`a TOTP secret needs at least ${MIN_SECRET_BYTES} bytes`);
  if (typeof code !== 'string' || !/^[0-9]{6}$/.test(code)) return { ok: false };
  // Each step of the window on its own, oldest first, so a step already used is skipped rather than
  // hiding a later step whose code happens to be the same.
  for (let step = current - WINDOW; step <= current + WINDOW; step += 1) {
    if (lastUsedStep !== undefined && step <= lastUsedStep) continue;
    if (HOTP.validate({ token: code, secret: key, algorithm: ALGORITHM, digits: DIGITS, counter: step, window: 0 }) === 0) {
      return { ok: true, step };
    }
  }
  return { ok: false };
}
