import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../../config';
import { Actor, Role, ROLES } from '../../domain/messages';

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

const SECRET_FILE = 'jwt-secret';

/**
 * The HS256 secret: configured, or generated once into the data folder (readable by its owner only).
 * `source` says where it came from (JWT_SECRET, or the file), so a token tool can tell its user.
 */
export function embeddedSecret(config: AppConfig): { secret: string; generated: boolean; source: string } {
  if (config.auth.kind === 'hs256' && config.auth.secret) return { secret: config.auth.secret, generated: false, source: 'the JWT_SECRET variable' };
  const file = join(config.dataDir, SECRET_FILE);
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generated: false, source: file };
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    // Created exclusively: of two processes starting together on one folder, the second reads the first's.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readFileSync(file, 'utf8').trim(), generated: false, source: file };
  }
  chmodSync(file, 0o600);
  return { secret, generated: true, source: file };
}

/** 86400 → "24h", 5400 → "90m": the largest whole unit. */
export function formatDuration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s >= 86400 && s % 86400 === 0 && s / 86400 !== 1) return `${sign}${s / 86400}d`;
  if (s >= 3600 && s % 3600 === 0) return `${sign}${s / 3600}h`;
  if (s >= 60 && s % 60 === 0) return `${sign}${s / 60}m`;
  return `${sign}${s}s`;
}

/** A token asked to live longer than TOKEN_MAX_LIFETIME allows: the service would refuse it. */
export class TokenLifetimeError extends Error {
  constructor(
    readonly requestedSeconds: number,
    readonly maxSeconds: number,
  ) {
    super(`a token may live at most ${formatDuration(maxSeconds)} (TOKEN_MAX_LIFETIME); ${formatDuration(requestedSeconds)} was asked for`);
    this.name = 'TokenLifetimeError';
  }
}

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly org: string;
  readonly region?: string;
}

/** Signs a token the service accepts: it always expires, and never later than TOKEN_MAX_LIFETIME allows. */
export async function mintToken(config: AppConfig, claims: TokenClaims, expiresIn: string | number = '8h'): Promise<string> {
  if (config.auth.kind !== 'hs256') throw new Error('tokens are minted by the OIDC provider when OIDC_JWKS_URL is set');
  const { secret } = embeddedSecret(config);
  const { sub, ...rest } = claims;
  const token = await new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
  // jose reads the many spellings of a duration ("8h", "2 days", "1w"); its result is what is checked.
  const { exp, iat } = decodeJwt(token) as { exp: number; iat: number };
  if (exp - iat > config.tokenMaxLifetimeSeconds) throw new TokenLifetimeError(exp - iat, config.tokenMaxLifetimeSeconds);
  return token;
}

/** How long a verified token is trusted without checking its signature again (never past its expiry). */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Verifies bearer tokens and turns their claims into the acting user. A client sends the same token
 * with every request, so a token verified in the last minute is answered from memory: the same bytes
 * would verify the same way, and its expiry is still checked on each use.
 */
export class TokenVerifier {
  private readonly verify: (token: string) => Promise<JWTPayload>;
  private readonly verified = new Map<string, { actor: Actor; until: number }>();
  private readonly maxLifetimeSeconds: number;

  constructor(config: AppConfig) {
    this.maxLifetimeSeconds = config.tokenMaxLifetimeSeconds;
    const { issuer, audience } = config.auth;
    if (config.auth.kind === 'jwks') {
      const keys = createRemoteJWKSet(new URL(config.auth.jwksUrl));
      this.verify = async (token) => (await jwtVerify(token, keys, { issuer, audience })).payload;
    } else {
      const key = new TextEncoder().encode(embeddedSecret(config).secret);
      this.verify = async (token) => (await jwtVerify(token, key, { issuer, audience, algorithms: ['HS256'] })).payload;
    }
  }

  async actorFrom(authorization: string | undefined): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AuthenticationError('a bearer token is required (Authorization: Bearer <token>)');
    const token = match[1];
    // Token expiry is real time, as jose checks it, whatever clock the service decides with.
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now) return known.actor;
    this.verified.delete(token);
    let claims: JWTPayload;
    try {
      claims = await this.verify(token);
    } catch (error) {
      throw new AuthenticationError(reasonOf(error as { code?: string; claim?: string }));
    }
    checkLifetime(claims, now, this.maxLifetimeSeconds);
    const actor = actorOf(claims);
    const until = Math.min(now + VERIFIED_TOKEN_TTL_MS, typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity);
    this.verified.set(token, { actor, until });
    if (this.verified.size > VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    return actor;
  }
}

/** Told apart by jose's stable error codes rather than classes, which a second copy of jose would not share. */
function reasonOf({ code, claim }: { code?: string; claim?: string }): string {
  switch (code) {
    case errors.JWTExpired.code:
      return 'the token has expired';
    case errors.JWTClaimValidationFailed.code:
      return `the token's ${claim} claim is not accepted`;
    case errors.JWSSignatureVerificationFailed.code:
      return "the token's signature did not verify: it was signed with another secret or key (e.g. minted with another DATA_DIR's jwt-secret or another JWT_SECRET)";
    case errors.JOSEAlgNotAllowed.code:
      return "the token's signing algorithm is not accepted";
    case errors.JWKSNoMatchingKey.code:
      return "no key of the identity provider matches the token's key id";
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
      return 'the token is not a well-formed signed JWT';
    default:
      return 'the token is not valid';
  }
}

/**
 * A token must expire, and within TOKEN_MAX_LIFETIME: a leaked token without `exp` would be good forever.
 * The lifetime counts from `iat`, or from now when `iat` is absent or in the future.
 */
function checkLifetime(claims: JWTPayload, nowMs: number, maxSeconds: number): void {
  if (typeof claims.exp !== 'number') throw new AuthenticationError('the token has no expiry (exp claim); only tokens that expire are accepted');
  const nowSeconds = Math.floor(nowMs / 1000);
  const from = typeof claims.iat === 'number' ? Math.min(claims.iat, nowSeconds) : nowSeconds;
  if (claims.exp - from > maxSeconds) {
    throw new AuthenticationError(`the token lives ${formatDuration(claims.exp - from)}, longer than the maximum of ${formatDuration(maxSeconds)} (TOKEN_MAX_LIFETIME)`);
  }
}

function actorOf(claims: JWTPayload): Actor {
  const { sub, role, org, region } = claims as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || !sub) throw new AuthenticationError('the token names no subject');
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new AuthenticationError(`the token's role must be one of ${ROLES.join(', ')}`);
  }
  if (typeof org !== 'string' || !org) throw new AuthenticationError('the token names no organisation');
  return { id: sub, role: role as Role, org, ...(typeof region === 'string' && region ? { region } : {}) };
}
