import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../../config';
import { Actor, Role, ROLES } from '../../domain/messages';

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

const SECRET_FILE = 'jwt-secret';

/** The HS256 secret: configured, or generated once into the data folder (readable by its owner only). */
export function embeddedSecret(config: AppConfig): { secret: string; generated: boolean } {
  if (config.auth.kind === 'hs256' && config.auth.secret) return { secret: config.auth.secret, generated: false };
  const file = join(config.dataDir, SECRET_FILE);
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, generated: true };
}

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly org: string;
  readonly region?: string;
}

export async function mintToken(config: AppConfig, claims: TokenClaims, expiresIn = '8h'): Promise<string> {
  if (config.auth.kind !== 'hs256') throw new Error('tokens are minted by the OIDC provider when OIDC_JWKS_URL is set');
  const { secret } = embeddedSecret(config);
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
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

  constructor(config: AppConfig) {
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
      // Told apart by jose's stable error codes rather than classes, which a second copy of jose would not share.
      const { code, claim } = error as { code?: string; claim?: string };
      if (code === errors.JWTExpired.code) throw new AuthenticationError('the token has expired');
      if (code === errors.JWTClaimValidationFailed.code) throw new AuthenticationError(`the token's ${claim} claim is not accepted`);
      throw new AuthenticationError('the token is not valid');
    }
    const actor = actorOf(claims);
    const until = Math.min(now + VERIFIED_TOKEN_TTL_MS, typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity);
    this.verified.set(token, { actor, until });
    if (this.verified.size > VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
    return actor;
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
