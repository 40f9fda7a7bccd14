import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { preparedOnce } from '../projections/projection';
import { openShared, retryWhileBusy, retryWhileBusySync } from '../projections/sqlite-busy';

/**
 * What signing in needs that must never be an event, because the log is kept forever and read by
 * auditors: password hashes, TOTP secrets, links to an identity provider's subject, sessions and
 * personal access tokens. They live in `accounts.db` in the data folder (shared by the processes on
 * it, like the other files); who a person is and what they may do stays in their event stream.
 *
 * Every secret handed to a client (a session cookie, a token, a set-up link) is 32 random bytes; only
 * its SHA-256 is stored, so a copy of the file lets no one sign in.
 */

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS logins (
    login TEXT PRIMARY KEY COLLATE NOCASE, person_id TEXT NOT NULL UNIQUE, password_hash TEXT,
    totp_secret TEXT, totp_pending TEXT, totp_last_step INTEGER, created_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS identities (
    issuer TEXT NOT NULL, subject TEXT NOT NULL, person_id TEXT NOT NULL, linked_at TEXT NOT NULL, PRIMARY KEY (issuer, subject));
  CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, grant_id TEXT, csrf TEXT NOT NULL, created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL, ended_at TEXT, user_agent TEXT, address TEXT);
  CREATE INDEX IF NOT EXISTS sessions_person ON sessions (person_id);
  CREATE TABLE IF NOT EXISTS access_tokens (
    id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, person_id TEXT NOT NULL, grant_id TEXT NOT NULL, name TEXT NOT NULL,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT);
  CREATE INDEX IF NOT EXISTS access_tokens_person ON access_tokens (person_id);
  CREATE TABLE IF NOT EXISTS oidc_pending (
    secret_hash TEXT PRIMARY KEY, state TEXT NOT NULL, nonce TEXT NOT NULL, code_verifier TEXT NOT NULL,
    link_person_id TEXT, created_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS setup_links (
    secret_hash TEXT PRIMARY KEY, person_id TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
  CREATE TABLE IF NOT EXISTS notification_reads (
    person_id TEXT NOT NULL, notification_id TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (person_id, notification_id)) WITHOUT ROWID;`;

export const newSecret = (): string => randomBytes(32).toString('base64url');
const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Login {
  readonly login: string;
  readonly personId: string;
  readonly passwordHash: string | null;
  readonly totpSecret: string | null;
  readonly totpLastStep: number | null;
}

export interface SessionRow {
  readonly personId: string;
  readonly grantId: string | null;
  readonly csrf: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly endedAt: string | null;
}

export interface SessionListing {
  /** The first 8 hex characters of the cookie's digest: names a session to end, reveals nothing. */
  readonly sessionId: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly userAgent: string | null;
  readonly address: string | null;
}

const statements = preparedOnce((db) => ({
  login: db.prepare<[string]>('SELECT login, person_id, password_hash, totp_secret, totp_last_step FROM logins WHERE login = ?'),
  loginOf: db.prepare<[string]>('SELECT login, person_id, password_hash, totp_secret, totp_last_step FROM logins WHERE person_id = ?'),
  createLogin: db.prepare('INSERT INTO logins (login, person_id, created_at) VALUES (?, ?, ?)'),
  setPassword: db.prepare('UPDATE logins SET password_hash = ? WHERE person_id = ?'),
  setTotpPending: db.prepare('UPDATE logins SET totp_pending = ? WHERE person_id = ?'),
  totpPending: db.prepare<[string]>('SELECT totp_pending FROM logins WHERE person_id = ?'),
  confirmTotp: db.prepare('UPDATE logins SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ? WHERE person_id = ?'),
  useTotpStep: db.prepare('UPDATE logins SET totp_last_step = ? WHERE person_id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)'),
  identity: db.prepare<[string, string]>('SELECT person_id FROM identities WHERE issuer = ? AND subject = ?'),
  link: db.prepare('INSERT INTO identities (issuer, subject, person_id, linked_at) VALUES (?, ?, ?, ?)'),
  createSession: db.prepare('INSERT INTO sessions (id_hash, person_id, grant_id, csrf, created_at, last_seen_at, user_agent, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
  session: db.prepare<[string]>('SELECT person_id, grant_id, csrf, created_at, last_seen_at, ended_at FROM sessions WHERE id_hash = ?'),
  touchSession: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND ended_at IS NULL'),
  actAs: db.prepare('UPDATE sessions SET grant_id = ? WHERE id_hash = ? AND ended_at IS NULL'),
  endSession: db.prepare('UPDATE sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL'),
  endSessionOf: db.prepare("UPDATE sessions SET ended_at = ? WHERE person_id = ? AND substr(id_hash, 1, 8) = ? AND ended_at IS NULL"),
  sessionsOf: db.prepare<[string]>(
    'SELECT substr(id_hash, 1, 8) AS sessionId, created_at AS createdAt, last_seen_at AS lastSeenAt, user_agent AS userAgent, address FROM sessions WHERE person_id = ? AND ended_at IS NULL ORDER BY created_at',
  ),
  createToken: db.prepare('INSERT INTO access_tokens (id, secret_hash, person_id, grant_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
  token: db.prepare<[string]>('SELECT secret_hash, person_id, grant_id, expires_at, revoked_at, last_used_at FROM access_tokens WHERE id = ?'),
  useToken: db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE id = ?'),
  tokensOf: db.prepare<[string]>(
    'SELECT id AS tokenId, name, grant_id AS grantId, created_at AS createdAt, expires_at AS expiresAt, last_used_at AS lastUsedAt FROM access_tokens WHERE person_id = ? AND revoked_at IS NULL ORDER BY created_at',
  ),
  revokeToken: db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND person_id = ? AND revoked_at IS NULL'),
  createSetupLink: db.prepare('INSERT INTO setup_links (secret_hash, person_id, expires_at) VALUES (?, ?, ?)'),
  setupLink: db.prepare<[string]>('SELECT person_id, expires_at, used_at FROM setup_links WHERE secret_hash = ?'),
  useSetupLink: db.prepare('UPDATE setup_links SET used_at = ? WHERE secret_hash = ? AND used_at IS NULL'),
  anyLogin: db.prepare('SELECT 1 FROM logins LIMIT 1'),
  createPending: db.prepare('INSERT INTO oidc_pending (secret_hash, state, nonce, code_verifier, link_person_id, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
  pending: db.prepare<[string]>('SELECT state, nonce, code_verifier, link_person_id, created_at FROM oidc_pending WHERE secret_hash = ?'),
  dropPending: db.prepare('DELETE FROM oidc_pending WHERE secret_hash = ? OR created_at < ?'),
  readNotifications: db.prepare<[string]>('SELECT notification_id FROM notification_reads WHERE person_id = ?'),
  markRead: db.prepare('INSERT OR IGNORE INTO notification_reads (person_id, notification_id, read_at) VALUES (?, ?, ?)'),
}));

type LoginRow = { login: string; person_id: string; password_hash: string | null; totp_secret: string | null; totp_last_step: number | null };
const asLogin = (row: LoginRow | undefined): Login | undefined =>
  row && { login: row.login, personId: row.person_id, passwordHash: row.password_hash, totpSecret: row.totp_secret, totpLastStep: row.totp_last_step };

/** How often a personal access token's last use is recorded, at most. */
const TOKEN_TOUCH_EVERY_MS = 60_000;

/** The credential store over `accounts.db`; every write waits out another process's lock. */
export class AccountStore {
  constructor(private readonly db: Database.Database) {
    retryWhileBusySync(() => db.exec(SCHEMA), 'create the account tables');
  }

  /** Opens `accounts.db` in the data folder, shared with the other processes on it. */
  static open(file: string): AccountStore {
    mkdirSync(dirname(file), { recursive: true });
    return new AccountStore(openShared(file, 'FULL'));
  }

  /** Nest calls this at shutdown. */
  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }

  private write<T>(operation: string, work: () => T): Promise<T> {
    return retryWhileBusy(work, { operation });
  }

  hasAnyLogin(): boolean {
    return statements(this.db).anyLogin.get() !== undefined;
  }

  login(login: string): Login | undefined {
    return asLogin(statements(this.db).login.get(login.trim()) as LoginRow | undefined);
  }

  loginOf(personId: string): Login | undefined {
    return asLogin(statements(this.db).loginOf.get(personId) as LoginRow | undefined);
  }

  /** Gives a person a sign-in name; false when the name (any case) or the person already has one. */
  createLogin(login: string, personId: string, at: Date): Promise<boolean> {
    return this.write('create a login', () => {
      try {
        statements(this.db).createLogin.run(login.trim(), personId, at.toISOString());
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
        throw error;
      }
    });
  }

  setPassword(personId: string, passwordHash: string): Promise<void> {
    return this.write('set a password', () => void statements(this.db).setPassword.run(passwordHash, personId));
  }

  setPendingTotp(personId: string, secret: string): Promise<void> {
    return this.write('begin TOTP enrolment', () => void statements(this.db).setTotpPending.run(secret, personId));
  }

  pendingTotp(personId: string): string | null {
    return (statements(this.db).totpPending.get(personId) as { totp_pending: string | null } | undefined)?.totp_pending ?? null;
  }

  confirmTotp(personId: string, step: number): Promise<void> {
    return this.write('confirm TOTP', () => void statements(this.db).confirmTotp.run(step, personId));
  }

  /** Records a TOTP step as used; false when it (or a later one) was used already: a replayed code. */
  useTotpStep(personId: string, step: number): Promise<boolean> {
    return this.write('use a TOTP step', () => statements(this.db).useTotpStep.run(step, personId, step).changes === 1);
  }

  personOfIdentity(issuer: string, subject: string): string | undefined {
    return (statements(this.db).identity.get(issuer, subject) as { person_id: string } | undefined)?.person_id;
  }

  linkIdentity(issuer: string, subject: string, personId: string, at: Date): Promise<void> {
    return this.write('link an identity', () => void statements(this.db).link.run(issuer, subject, personId, at.toISOString()));
  }

  /** A new session: the cookie's secret (never stored) and its CSRF token. */
  async createSession(personId: string, grantId: string | null, at: Date, client: { userAgent?: string; address?: string }): Promise<{ secret: string; csrf: string }> {
    const secret = newSecret();
    const csrf = newSecret();
    const now = at.toISOString();
    await this.write('create a session', () =>
      statements(this.db).createSession.run(digest(secret), personId, grantId, csrf, now, now, client.userAgent?.slice(0, 300) ?? null, client.address ?? null),
    );
    return { secret, csrf };
  }

  session(secret: string): SessionRow | undefined {
    const row = statements(this.db).session.get(digest(secret)) as
      | { person_id: string; grant_id: string | null; csrf: string; created_at: string; last_seen_at: string; ended_at: string | null }
      | undefined;
    return row && { personId: row.person_id, grantId: row.grant_id, csrf: row.csrf, createdAt: row.created_at, lastSeenAt: row.last_seen_at, endedAt: row.ended_at };
  }

  touchSession(secret: string, at: Date): Promise<void> {
    return this.write('touch a session', () => void statements(this.db).touchSession.run(at.toISOString(), digest(secret)));
  }

  actAs(secret: string, grantId: string): Promise<void> {
    return this.write('choose a grant', () => void statements(this.db).actAs.run(grantId, digest(secret)));
  }

  endSession(secret: string, at: Date): Promise<void> {
    return this.write('end a session', () => void statements(this.db).endSession.run(at.toISOString(), digest(secret)));
  }

  /** Ends one of a person's sessions by its listed id; false when there is no such open session. */
  endSessionOf(personId: string, sessionId: string, at: Date): Promise<boolean> {
    return this.write('end a session', () => statements(this.db).endSessionOf.run(at.toISOString(), personId, sessionId).changes > 0);
  }

  sessionsOf(personId: string): SessionListing[] {
    return statements(this.db).sessionsOf.all(personId) as SessionListing[];
  }

  /** A personal access token acting with one grant: `als_<id>_<secret>`, shown once. */
  async createToken(personId: string, grantId: string, name: string, at: Date, expiresAt: Date): Promise<{ tokenId: string; token: string }> {
    const tokenId = randomBytes(9).toString('base64url');
    const secret = newSecret();
    await this.write('create a token', () => statements(this.db).createToken.run(tokenId, digest(secret), personId, grantId, name, at.toISOString(), expiresAt.toISOString()));
    return { tokenId, token: `als_${tokenId}_${secret}` };
  }

  /** The person and grant a token acts for, when it is one of ours, unexpired and not revoked. */
  async tokenHolder(token: string, at: Date): Promise<{ personId: string; grantId: string } | undefined> {
    const match = /^als_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const row = statements(this.db).token.get(match[1]) as
      | { secret_hash: string; person_id: string; grant_id: string; expires_at: string; revoked_at: string | null; last_used_at: string | null }
      | undefined;
    if (!row || row.revoked_at !== null || Date.parse(row.expires_at) <= at.getTime() || !sameSecret(row.secret_hash, digest(match[2]))) return undefined;
    // A machine client sends its token with every request: its last use is written at most once a minute, not a durable write per request.
    if (row.last_used_at === null || at.getTime() - Date.parse(row.last_used_at) > TOKEN_TOUCH_EVERY_MS) {
      await this.write('use a token', () => statements(this.db).useToken.run(at.toISOString(), match[1]));
    }
    return { personId: row.person_id, grantId: row.grant_id };
  }

  tokensOf(personId: string): Record<string, unknown>[] {
    return statements(this.db).tokensOf.all(personId) as Record<string, unknown>[];
  }

  revokeToken(personId: string, tokenId: string, at: Date): Promise<boolean> {
    return this.write('revoke a token', () => statements(this.db).revokeToken.run(at.toISOString(), tokenId, personId).changes > 0);
  }

  /**
   * Keeps an OIDC sign-in started by a browser until its callback (the state, nonce and PKCE verifier
   * never leave the server): the browser holds only the returned secret, in a short-lived cookie.
   * `linkPersonId` is set when a person signed in is linking their platform identity.
   */
  async keepOidcSignIn(pending: { state: string; nonce: string; codeVerifier: string }, linkPersonId: string | null, at: Date): Promise<string> {
    const secret = newSecret();
    await this.write('keep an OIDC sign-in', () =>
      statements(this.db).createPending.run(digest(secret), pending.state, pending.nonce, pending.codeVerifier, linkPersonId, at.toISOString()),
    );
    return secret;
  }

  /** Takes (once) the OIDC sign-in the browser's secret names, if it was started within `maxAgeMs`. */
  takeOidcSignIn(secret: string, at: Date, maxAgeMs: number): Promise<{ pending: { state: string; nonce: string; codeVerifier: string }; linkPersonId: string | null } | undefined> {
    return this.write('take an OIDC sign-in', () => {
      const hash = digest(secret);
      const row = statements(this.db).pending.get(hash) as { state: string; nonce: string; code_verifier: string; link_person_id: string | null; created_at: string } | undefined;
      // The one used, and any left over from long ago, go.
      statements(this.db).dropPending.run(hash, new Date(at.getTime() - maxAgeMs).toISOString());
      if (!row || at.getTime() - Date.parse(row.created_at) > maxAgeMs) return undefined;
      return { pending: { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier }, linkPersonId: row.link_person_id };
    });
  }

  /** A one-time link to set a password: the secret is returned once, its digest kept. */
  async createSetupLink(personId: string, expiresAt: Date): Promise<string> {
    const secret = newSecret();
    await this.write('create a set-up link', () => statements(this.db).createSetupLink.run(digest(secret), personId, expiresAt.toISOString()));
    return secret;
  }

  /** The person a set-up link is for, while it is unused and unexpired (using it is `useSetupLink`). */
  setupLinkHolder(secret: string, at: Date): string | undefined {
    const row = statements(this.db).setupLink.get(digest(secret)) as { person_id: string; expires_at: string; used_at: string | null } | undefined;
    return row && row.used_at === null && Date.parse(row.expires_at) > at.getTime() ? row.person_id : undefined;
  }

  /** Uses a set-up link once: the person it is for, or undefined when it is unknown, used or expired. */
  useSetupLink(secret: string, at: Date): Promise<string | undefined> {
    return this.write('use a set-up link', () => {
      const hash = digest(secret);
      const row = statements(this.db).setupLink.get(hash) as { person_id: string; expires_at: string; used_at: string | null } | undefined;
      if (!row || row.used_at !== null || Date.parse(row.expires_at) <= at.getTime()) return undefined;
      return statements(this.db).useSetupLink.run(at.toISOString(), hash).changes === 1 ? row.person_id : undefined;
    });
  }

  /**
   * The notifications a person has read. Kept here, not beside the notifications: those are a read model
   * a rebuild drops and refills, and a notice read must stay read.
   */
  notificationsRead(personId: string): string[] {
    return (statements(this.db).readNotifications.all(personId) as { notification_id: string }[]).map((r) => r.notification_id);
  }

  /** Marks the person's notifications read (again, for one already read: nothing changes). */
  markNotificationsRead(personId: string, ids: readonly string[], at: Date): Promise<void> {
    return this.write('mark notifications read', () =>
      this.db.transaction(() => {
        for (const id of ids) statements(this.db).markRead.run(personId, id, at.toISOString());
      })(),
    );
  }
}
