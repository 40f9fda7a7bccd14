import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Actor } from '../../domain/messages';
import { AccountStore, sameSecret } from '../accounts/account-store';
import { ActingGrant, PeopleQueries } from '../read-models/people/people.query';
import { AuthenticationError } from './auth';
import { problem, ProblemError } from './problem.filter';

/** The browser's session cookie: HttpOnly, SameSite=Lax, Secure behind TLS (sessions.ts sets it). */
export const SESSION_COOKIE = 'als_session';
/** The header a browser sends the session's CSRF token in with every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';

/** A session ends after this long without a request, and after `ABSOLUTE_MS` whatever happens. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** A session's last use is written at most this often: a request does not cost a write. */
const TOUCH_EVERY_MS = 60 * 1000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who made the request: the person and the grant they act with. */
export interface Authenticated {
  readonly actor: Actor;
  readonly personId: string;
  /** The session's cookie secret, when the request came with one. */
  readonly session?: { readonly secret: string; readonly csrf: string };
  readonly grants: readonly ActingGrant[];
}

const refused = (status: 401 | 403, code: string, detail: string) => new ProblemError(problem(status, code, detail));

/**
 * Establishes every request's actor: from a bearer token (a personal access token `als_…`), else from
 * the session cookie. The actor comes from the grant the person acts with, read from the people read
 * model: its role, its organisation, and that organisation's city from the registry; a revoked grant
 * is refused as soon as the read models include the revocation. Nothing a client sends says a role.
 * A request with the cookie that changes anything must carry the session's CSRF token.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly accounts: AccountStore,
    private readonly people: PeopleQueries,
  ) {}

  async authenticate(request: Pick<FastifyRequest, 'headers' | 'method'>): Promise<Authenticated> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer?.startsWith('als_')) return this.fromAccessToken(bearer);
    if (bearer) throw new AuthenticationError('the bearer token is not a personal access token (als_…): create one in a session (POST /auth/tokens)');
    const secret = sessionSecretOf(request.headers.cookie);
    if (secret) return this.fromSession(secret, request);
    throw new AuthenticationError('sign in, or send a token (Authorization: Bearer <token>)');
  }

  private async fromAccessToken(token: string): Promise<Authenticated> {
    const holder = await this.accounts.tokenHolder(token, new Date());
    if (!holder) throw new AuthenticationError('the access token is unknown, expired or revoked');
    const grants = await this.grantsOf(holder.personId, holder.grantId);
    const grant = grants.find((g) => g.grantId === holder.grantId);
    if (!grant) throw refused(403, 'grant-revoked', 'the grant this token acts with was revoked');
    return { actor: grant.actor, personId: holder.personId, grants };
  }

  private async fromSession(secret: string, request: Pick<FastifyRequest, 'headers' | 'method'>): Promise<Authenticated> {
    const session = await this.accounts.session(secret);
    // Real time, whatever clock the service decides with (a simulated clock moves months ahead).
    const now = Date.now();
    if (!session || session.endedAt !== null) throw new AuthenticationError('the session has ended; sign in again');
    if (now - Date.parse(session.lastSeenAt) > SESSION_IDLE_MS || now - Date.parse(session.createdAt) > SESSION_ABSOLUTE_MS) {
      await this.accounts.endSession(secret, new Date(now));
      throw new AuthenticationError('the session has expired; sign in again');
    }
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrf)) {
        throw refused(403, 'csrf-token-invalid', `a request that changes anything sends the session's CSRF token in ${CSRF_HEADER}`);
      }
    }
    if (now - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) await this.accounts.touchSession(secret, new Date(now));
    const grants = await this.grantsOf(session.personId, session.grantId);
    const grant = session.grantId === null ? grants[0] : grants.find((g) => g.grantId === session.grantId);
    if (!grant) {
      throw grants.length === 0 || session.grantId === null
        ? refused(403, 'no-grant', 'your account holds no grant: ask your organisation’s admin')
        : refused(403, 'grant-revoked', 'the grant you acted with was revoked; choose another (POST /auth/session/act-as)');
    }
    return { actor: grant.actor, personId: session.personId, session: { secret, csrf: session.csrf }, grants };
  }

  /**
   * The person's grants as the read models hold them; when the one wanted is not there, once more after
   * they have caught up with the store, so a grant given a moment ago is found (a revoked one is not).
   */
  private async grantsOf(personId: string, wanted: string | null): Promise<ActingGrant[]> {
    const grants = this.people.actingGrants(personId);
    if (wanted === null ? grants.length > 0 : grants.some((g) => g.grantId === wanted)) return grants;
    await this.people.upToDate();
    return this.people.actingGrants(personId);
  }
}

/** A secret the service put in a cookie of the request, if it has one: 32 random bytes, base64url. */
export function secretCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === name && value && /^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  }
  return undefined;
}

export const sessionSecretOf = (cookieHeader: string | undefined) => secretCookie(cookieHeader, SESSION_COOKIE);

/** The Set-Cookie value of a secret the browser keeps but scripts never read (an empty secret ends it). */
export function secretCookieHeader(name: string, secret: string, options: { readonly path: string; readonly maxAgeMs: number; readonly secure: boolean }): string {
  const maxAge = secret === '' ? 0 : Math.floor(options.maxAgeMs / 1000);
  return `${name}=${secret}; Path=${options.path}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${options.secure ? '; Secure' : ''}`;
}

/** The Set-Cookie value of a session (or, with an empty secret, of its end). */
export const sessionCookie = (secret: string, secure: boolean): string => secretCookieHeader(SESSION_COOKIE, secret, { path: '/', maxAgeMs: SESSION_ABSOLUTE_MS, secure });
