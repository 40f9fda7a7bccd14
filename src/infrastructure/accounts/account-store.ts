import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { preparedOnce } from '../projections/projection';
import { openShared, retryWhileBusy, retryWhileBusySync } from '../projections/sqlite-busy';

/**
 * What signing in needs that must never be an event, because the log is kept forever and read by
 * auditors: password hashes, TOTP secrets, links to an identity provider's subject, sessions and
 * personal access tokens, set-up links, OIDC sign-ins under way and notification read marks. Who a
 * person is and what they may do stays in their event stream.
 *
 * Two stores keep them, with the same meaning: `accounts.db` in the data folder (SqliteAccountStore,
 * the default, shared by the processes on that folder) and, with EVENT_STORE=postgres, tables in the
 * event store's schema (PostgresAccountStore), shared by every instance on the store whatever its
 * data folder: a session or a token made through one instance works on all of them.
 *
 * Every secret handed to a client (a session cookie, a token, a set-up link, an OIDC sign-in's
 * cookie) is 32 random bytes; only its SHA-256 is stored, so a copy of the store lets no one sign in.
 * This class makes and digests the secrets; a store only ever sees the digests.
 *
 * What must happen once happens in one atomic write in both stores: a set-up link is used once, an
 * OIDC sign-in is taken once, a TOTP step is accepted once (a replayed code is refused), a login is
 * given once per person and per name, names comparing case-insensitively as SQLite's NOCASE does
 * (ASCII letters folded, others compared as they are).
 */

export const newSecret = (): string => randomBytes(32).toString('base64url');
export const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex');

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

/** A personal access token as its holder sees it listed (never its secret). */
export interface TokenListing {
  readonly tokenId: string;
  readonly name: string;
  readonly grantId: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
}

export interface OidcPending {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** A new session's row, by the digest of its cookie's secret. */
export interface NewSession {
  readonly idHash: string;
  readonly personId: string;
  readonly grantId: string | null;
  readonly csrf: string;
  readonly at: string;
  readonly userAgent: string | null;
  readonly address: string | null;
}

export interface NewToken {
  readonly tokenId: string;
  readonly secretHash: string;
  readonly personId: string;
  readonly grantId: string;
  readonly name: string;
  readonly at: string;
  readonly expiresAt: string;
}

export interface TokenRow {
  readonly secretHash: string;
  readonly personId: string;
  readonly grantId: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface PendingRow extends OidcPending {
  readonly linkPersonId: string | null;
  readonly createdAt: string;
}

export interface SetupLinkRow {
  readonly personId: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
}

/** How often a personal access token's last use is recorded, at most. */
const TOKEN_TOUCH_EVERY_MS = 60_000;

/**
 * The credential store the service signs people in with (the Nest injection token). Its public methods
 * are the contract; a store implements the protected ones, which see digests only.
 */
export abstract class AccountStore {
  /** Opens `accounts.db` in the data folder, shared with the other processes on it. */
  static open(file: string): AccountStore {
    mkdirSync(dirname(file), { recursive: true });
    return new SqliteAccountStore(openShared(file, 'FULL'));
  }

  /** Nest calls this at shutdown: the file or the pool is closed. */
  abstract onApplicationShutdown(): void | Promise<void>;

  /** Whether anyone has a login yet (the first start prints a set-up link until someone has). */
  abstract hasAnyLogin(): Promise<boolean>;

  /** The login of that name (surrounding spaces ignored, ASCII letters in any case). */
  login(login: string): Promise<Login | undefined> {
    return this.loginNamed(login.trim());
  }

  abstract loginOf(personId: string): Promise<Login | undefined>;

  /** Gives a person a sign-in name; false when the name (any case) or the person already has one. */
  createLogin(login: string, personId: string, at: Date): Promise<boolean> {
    return this.insertLogin(login.trim(), personId, at.toISOString());
  }

  abstract setPassword(personId: string, passwordHash: string): Promise<void>;

  /** Keeps an authenticator app's secret until a code from it confirms it (`confirmTotp`). */
  abstract setPendingTotp(personId: string, secret: string): Promise<void>;

  abstract pendingTotp(personId: string): Promise<string | null>;

  /** The pending secret becomes the account's second factor, `step` its last used step. */
  abstract confirmTotp(personId: string, step: number): Promise<void>;

  /** Records a TOTP step as used; false when it (or a later one) was used already: a replayed code. Atomic. */
  abstract useTotpStep(personId: string, step: number): Promise<boolean>;

  /** The person an identity platform's subject is linked to. */
  abstract personOfIdentity(issuer: string, subject: string): Promise<string | undefined>;

  /** Links a subject to a person; fails when the subject is linked already. */
  abstract linkIdentity(issuer: string, subject: string, personId: string, at: Date): Promise<void>;

  /** A new session: the cookie's secret (never stored) and its CSRF token. */
  async createSession(personId: string, grantId: string | null, at: Date, client: { userAgent?: string; address?: string }): Promise<{ secret: string; csrf: string }> {
    const secret = newSecret();
    const csrf = newSecret();
    await this.insertSession({ idHash: digest(secret), personId, grantId, csrf, at: at.toISOString(), userAgent: client.userAgent?.slice(0, 300) ?? null, address: client.address ?? null });
    return { secret, csrf };
  }

  /** The session a cookie's secret names, ended or not. */
  session(secret: string): Promise<SessionRow | undefined> {
    return this.sessionByHash(digest(secret));
  }

  /** Records a request of an open session. */
  touchSession(secret: string, at: Date): Promise<void> {
    return this.touchSessionHash(digest(secret), at.toISOString());
  }

  /** The open session acts with another grant. */
  actAs(secret: string, grantId: string): Promise<void> {
    return this.actAsHash(digest(secret), grantId);
  }

  /** Ends a session (an ended one stays ended, at its first end). */
  endSession(secret: string, at: Date): Promise<void> {
    return this.endSessionHash(digest(secret), at.toISOString());
  }

  /** Ends one of a person's sessions by its listed id; false when there is no such open session. */
  abstract endSessionOf(personId: string, sessionId: string, at: Date): Promise<boolean>;

  /** A person's open sessions, oldest first. */
  abstract sessionsOf(personId: string): Promise<SessionListing[]>;

  /** A personal access token acting with one grant: `als_<id>_<secret>`, shown once. */
  async createToken(personId: string, grantId: string, name: string, at: Date, expiresAt: Date): Promise<{ tokenId: string; token: string }> {
    const tokenId = randomBytes(9).toString('base64url');
    const secret = newSecret();
    await this.insertToken({ tokenId, secretHash: digest(secret), personId, grantId, name, at: at.toISOString(), expiresAt: expiresAt.toISOString() });
    return { tokenId, token: `als_${tokenId}_${secret}` };
  }

  /** The person and grant a token acts for, when it is one of ours, unexpired and not revoked. */
  async tokenHolder(token: string, at: Date): Promise<{ personId: string; grantId: string } | undefined> {
    const match = /^als_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const row = await this.tokenRow(match[1]);
    if (!row || row.revokedAt !== null || Date.parse(row.expiresAt) <= at.getTime() || !sameSecret(row.secretHash, digest(match[2]))) return undefined;
    // A machine client sends its token with every request: its last use is written at most once a minute, not a durable write per request.
    if (row.lastUsedAt === null || at.getTime() - Date.parse(row.lastUsedAt) > TOKEN_TOUCH_EVERY_MS) await this.touchToken(match[1], at.toISOString());
    return { personId: row.personId, grantId: row.grantId };
  }

  /** A person's unrevoked tokens (expired ones too), oldest first. */
  abstract tokensOf(personId: string): Promise<TokenListing[]>;

  /** Revokes one of the person's tokens; false when they have no such unrevoked token. */
  abstract revokeToken(personId: string, tokenId: string, at: Date): Promise<boolean>;

  /**
   * Keeps an OIDC sign-in started by a browser until its callback (the state, nonce and PKCE verifier
   * never leave the server): the browser holds only the returned secret, in a short-lived cookie.
   * `linkPersonId` is set when a person signed in is linking their platform identity.
   */
  async keepOidcSignIn(pending: OidcPending, linkPersonId: string | null, at: Date): Promise<string> {
    const secret = newSecret();
    await this.insertOidcPending(digest(secret), pending, linkPersonId, at.toISOString());
    return secret;
  }

  /** Takes (once, atomically) the OIDC sign-in the browser's secret names, if it was started within `maxAgeMs`. */
  async takeOidcSignIn(secret: string, at: Date, maxAgeMs: number): Promise<{ pending: OidcPending; linkPersonId: string | null } | undefined> {
    // The one used, and any left over from long ago, go.
    const row = await this.takeOidcPending(digest(secret), new Date(at.getTime() - maxAgeMs).toISOString());
    if (!row || at.getTime() - Date.parse(row.createdAt) > maxAgeMs) return undefined;
    return { pending: { state: row.state, nonce: row.nonce, codeVerifier: row.codeVerifier }, linkPersonId: row.linkPersonId };
  }

  /** A one-time link to set a password: the secret is returned once, its digest kept. */
  async createSetupLink(personId: string, expiresAt: Date): Promise<string> {
    const secret = newSecret();
    await this.insertSetupLink(digest(secret), personId, expiresAt.toISOString());
    return secret;
  }

  /** The person a set-up link is for, while it is unused and unexpired (using it is `useSetupLink`). */
  async setupLinkHolder(secret: string, at: Date): Promise<string | undefined> {
    const row = await this.setupLinkRow(digest(secret));
    return row && row.usedAt === null && Date.parse(row.expiresAt) > at.getTime() ? row.personId : undefined;
  }

  /** Uses a set-up link once (atomically): the person it is for, or undefined when it is unknown, used or expired. */
  useSetupLink(secret: string, at: Date): Promise<string | undefined> {
    return this.takeSetupLink(digest(secret), at.toISOString());
  }

  /**
   * The notifications a person has read. Kept here, not beside the notifications: those are a read model
   * a rebuild drops and refills, and a notice read must stay read.
   */
  abstract notificationsRead(personId: string): Promise<string[]>;

  /** Marks the person's notifications read (again, for one already read: nothing changes). */
  abstract markNotificationsRead(personId: string, ids: readonly string[], at: Date): Promise<void>;

  // What a store implements: rows by digest, times as ISO strings.
  protected abstract loginNamed(login: string): Promise<Login | undefined>;
  protected abstract insertLogin(login: string, personId: string, at: string): Promise<boolean>;
  protected abstract insertSession(session: NewSession): Promise<void>;
  protected abstract sessionByHash(idHash: string): Promise<SessionRow | undefined>;
  /** Only while the session is open. */
  protected abstract touchSessionHash(idHash: string, at: string): Promise<void>;
  protected abstract actAsHash(idHash: string, grantId: string): Promise<void>;
  protected abstract endSessionHash(idHash: string, at: string): Promise<void>;
  protected abstract insertToken(token: NewToken): Promise<void>;
  protected abstract tokenRow(tokenId: string): Promise<TokenRow | undefined>;
  protected abstract touchToken(tokenId: string, at: string): Promise<void>;
  protected abstract insertOidcPending(secretHash: string, pending: OidcPending, linkPersonId: string | null, at: string): Promise<void>;
  /** Removes and answers the pending sign-in (whatever its age), and removes those started before `staleBefore`. */
  protected abstract takeOidcPending(secretHash: string, staleBefore: string): Promise<PendingRow | undefined>;
  protected abstract insertSetupLink(secretHash: string, personId: string, expiresAt: string): Promise<void>;
  protected abstract setupLinkRow(secretHash: string): Promise<SetupLinkRow | undefined>;
  /** Marks the link used at `at` when it is unused and unexpired then, in one write: its person, or undefined. */
  protected abstract takeSetupLink(secretHash: string, at: string): Promise<string | undefined>;
}

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
  endSessionOf: db.prepare('UPDATE sessions SET ended_at = ? WHERE person_id = ? AND substr(id_hash, 1, 8) = ? AND ended_at IS NULL'),
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

/** The store over `accounts.db` in the data folder; every write waits out another process's lock. */
export class SqliteAccountStore extends AccountStore {
  constructor(private readonly db: Database.Database) {
    super();
    retryWhileBusySync(() => db.exec(SCHEMA), 'create the account tables');
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }

  private write<T>(operation: string, work: () => T): Promise<T> {
    return retryWhileBusy(work, { operation });
  }

  private get sql() {
    return statements(this.db);
  }

  async hasAnyLogin(): Promise<boolean> {
    return this.sql.anyLogin.get() !== undefined;
  }

  protected async loginNamed(login: string): Promise<Login | undefined> {
    return asLogin(this.sql.login.get(login) as LoginRow | undefined);
  }

  async loginOf(personId: string): Promise<Login | undefined> {
    return asLogin(this.sql.loginOf.get(personId) as LoginRow | undefined);
  }

  protected insertLogin(login: string, personId: string, at: string): Promise<boolean> {
    return this.write('create a login', () => {
      try {
        this.sql.createLogin.run(login, personId, at);
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
        throw error;
      }
    });
  }

  setPassword(personId: string, passwordHash: string): Promise<void> {
    return this.write('set a password', () => void this.sql.setPassword.run(passwordHash, personId));
  }

  setPendingTotp(personId: string, secret: string): Promise<void> {
    return this.write('begin TOTP enrolment', () => void this.sql.setTotpPending.run(secret, personId));
  }

  async pendingTotp(personId: string): Promise<string | null> {
    return (this.sql.totpPending.get(personId) as { totp_pending: string | null } | undefined)?.totp_pending ?? null;
  }

  confirmTotp(personId: string, step: number): Promise<void> {
    return this.write('confirm TOTP', () => void this.sql.confirmTotp.run(step, personId));
  }

  useTotpStep(personId: string, step: number): Promise<boolean> {
    return this.write('use a TOTP step', () => this.sql.useTotpStep.run(step, personId, step).changes === 1);
  }

  async personOfIdentity(issuer: string, subject: string): Promise<string | undefined> {
    return (this.sql.identity.get(issuer, subject) as { person_id: string } | undefined)?.person_id;
  }

  linkIdentity(issuer: string, subject: string, personId: string, at: Date): Promise<void> {
    return this.write('link an identity', () => void this.sql.link.run(issuer, subject, personId, at.toISOString()));
  }

  protected insertSession(s: NewSession): Promise<void> {
    return this.write('create a session', () => void this.sql.createSession.run(s.idHash, s.personId, s.grantId, s.csrf, s.at, s.at, s.userAgent, s.address));
  }

  protected async sessionByHash(idHash: string): Promise<SessionRow | undefined> {
    const row = this.sql.session.get(idHash) as
      | { person_id: string; grant_id: string | null; csrf: string; created_at: string; last_seen_at: string; ended_at: string | null }
      | undefined;
    return row && { personId: row.person_id, grantId: row.grant_id, csrf: row.csrf, createdAt: row.created_at, lastSeenAt: row.last_seen_at, endedAt: row.ended_at };
  }

  protected touchSessionHash(idHash: string, at: string): Promise<void> {
    return this.write('touch a session', () => void this.sql.touchSession.run(at, idHash));
  }

  protected actAsHash(idHash: string, grantId: string): Promise<void> {
    return this.write('choose a grant', () => void this.sql.actAs.run(grantId, idHash));
  }

  protected endSessionHash(idHash: string, at: string): Promise<void> {
    return this.write('end a session', () => void this.sql.endSession.run(at, idHash));
  }

  endSessionOf(personId: string, sessionId: string, at: Date): Promise<boolean> {
    return this.write('end a session', () => this.sql.endSessionOf.run(at.toISOString(), personId, sessionId).changes > 0);
  }

  async sessionsOf(personId: string): Promise<SessionListing[]> {
    return this.sql.sessionsOf.all(personId) as SessionListing[];
  }

  protected insertToken(t: NewToken): Promise<void> {
    return this.write('create a token', () => void this.sql.createToken.run(t.tokenId, t.secretHash, t.personId, t.grantId, t.name, t.at, t.expiresAt));
  }

  protected async tokenRow(tokenId: string): Promise<TokenRow | undefined> {
    const row = this.sql.token.get(tokenId) as
      | { secret_hash: string; person_id: string; grant_id: string; expires_at: string; revoked_at: string | null; last_used_at: string | null }
      | undefined;
    return row && { secretHash: row.secret_hash, personId: row.person_id, grantId: row.grant_id, expiresAt: row.expires_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
  }

  protected touchToken(tokenId: string, at: string): Promise<void> {
    return this.write('use a token', () => void this.sql.useToken.run(at, tokenId));
  }

  async tokensOf(personId: string): Promise<TokenListing[]> {
    return this.sql.tokensOf.all(personId) as TokenListing[];
  }

  revokeToken(personId: string, tokenId: string, at: Date): Promise<boolean> {
    return this.write('revoke a token', () => this.sql.revokeToken.run(at.toISOString(), tokenId, personId).changes > 0);
  }

  protected insertOidcPending(secretHash: string, pending: OidcPending, linkPersonId: string | null, at: string): Promise<void> {
    return this.write('keep an OIDC sign-in', () => void this.sql.createPending.run(secretHash, pending.state, pending.nonce, pending.codeVerifier, linkPersonId, at));
  }

  protected takeOidcPending(secretHash: string, staleBefore: string): Promise<PendingRow | undefined> {
    // One synchronous write: no other statement of this connection comes between the read and the delete, and the write lock keeps other processes out.
    return this.write('take an OIDC sign-in', () =>
      this.db.transaction(() => {
        const row = this.sql.pending.get(secretHash) as { state: string; nonce: string; code_verifier: string; link_person_id: string | null; created_at: string } | undefined;
        this.sql.dropPending.run(secretHash, staleBefore);
        return row && { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, linkPersonId: row.link_person_id, createdAt: row.created_at };
      }).immediate(),
    );
  }

  protected insertSetupLink(secretHash: string, personId: string, expiresAt: string): Promise<void> {
    return this.write('create a set-up link', () => void this.sql.createSetupLink.run(secretHash, personId, expiresAt));
  }

  protected async setupLinkRow(secretHash: string): Promise<SetupLinkRow | undefined> {
    const row = this.sql.setupLink.get(secretHash) as { person_id: string; expires_at: string; used_at: string | null } | undefined;
    return row && { personId: row.person_id, expiresAt: row.expires_at, usedAt: row.used_at };
  }

  protected takeSetupLink(secretHash: string, at: string): Promise<string | undefined> {
    return this.write('use a set-up link', () => {
      const row = this.sql.setupLink.get(secretHash) as { person_id: string; expires_at: string; used_at: string | null } | undefined;
      if (!row || row.used_at !== null || Date.parse(row.expires_at) <= Date.parse(at)) return undefined;
      return this.sql.useSetupLink.run(at, secretHash).changes === 1 ? row.person_id : undefined;
    });
  }

  async notificationsRead(personId: string): Promise<string[]> {
    return (this.sql.readNotifications.all(personId) as { notification_id: string }[]).map((r) => r.notification_id);
  }

  markNotificationsRead(personId: string, ids: readonly string[], at: Date): Promise<void> {
    return this.write('mark notifications read', () =>
      this.db.transaction(() => {
        for (const id of ids) this.sql.markRead.run(personId, id, at.toISOString());
      })(),
    );
  }
}
