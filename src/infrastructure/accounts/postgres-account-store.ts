import { tablesOnce } from '../postgres/transactions';
import { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AccountStore, Login, NewSession, NewToken, OidcPending, PendingRow, SessionListing, SessionRow, SetupLinkRow, TokenListing, TokenRow } from './account-store';

/** The account tables in the store's schema, by what they keep. */
export const ACCOUNT_TABLES = {
  logins: 'account_logins',
  identities: 'account_identities',
  sessions: 'account_sessions',
  tokens: 'account_access_tokens',
  oidcPending: 'account_oidc_pending',
  setupLinks: 'account_setup_links',
  notificationReads: 'account_notification_reads',
} as const;

/** SQLite's NOCASE, in SQL: the ASCII letters folded, every other character compared as it is. */
const nocase = (expression: string) => `translate(${expression}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());
const isoOf = (value: Date): string => value.toISOString();

type LoginRow = { login: string; person_id: string; password_hash: string | null; totp_secret: string | null; totp_last_step: number | null };
const asLogin = (row: LoginRow | undefined): Login | undefined =>
  row && { login: row.login, personId: row.person_id, passwordHash: row.password_hash, totpSecret: row.totp_secret, totpLastStep: row.totp_last_step };

/**
 * The accounts in PostgreSQL beside the events (EVENT_STORE=postgres), in the store's schema, so
 * every instance on the store signs in the same people with the same sessions and tokens whatever its
 * data folder. Times are timestamptz; a login's uniqueness is a unique index on its NOCASE fold.
 * Every once-only step is one statement (an UPDATE or DELETE whose WHERE clause PostgreSQL evaluates
 * again on the row it locked), so two instances racing get one winner.
 */
export class PostgresAccountStore extends AccountStore implements OnApplicationShutdown {
  private readonly pool: Pool;
  private readonly t: { readonly [K in keyof typeof ACCOUNT_TABLES]: string };
  /** The tables, made once per process (transactions.ts). */
  private readonly created: () => Promise<void>;

  constructor(options: { readonly connectionString: string; readonly schema: string }) {
    super();
    if (!/^[a-z_][a-z0-9_]{0,55}$/.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
    this.pool = new Pool({ connectionString: options.connectionString, max: 5, application_name: 'accreditation-lifecycle-service accounts' });
    this.created = tablesOnce(this.pool, options.schema, `${options.schema}.accounts`, () => accountSchemaSql(options.schema));
    this.t = Object.fromEntries(Object.entries(ACCOUNT_TABLES).map(([key, table]) => [key, `"${options.schema}".${table}`])) as PostgresAccountStore['t'];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  private async query<Row extends object>(sql: string, values: unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    await this.created();
    const result = await this.pool.query<Row>(sql, values);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  }

  async hasAnyLogin(): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM ${this.t.logins} LIMIT 1`)).rows.length > 0;
  }

  protected async loginNamed(login: string): Promise<Login | undefined> {
    const { rows } = await this.query<LoginRow>(
      `SELECT login, person_id, password_hash, totp_secret, totp_last_step FROM ${this.t.logins} WHERE ${nocase('login')} = ${nocase('$1')}`,
      [login],
    );
    return asLogin(rows[0]);
  }

  async loginOf(personId: string): Promise<Login | undefined> {
    const { rows } = await this.query<LoginRow>(`SELECT login, person_id, password_hash, totp_secret, totp_last_step FROM ${this.t.logins} WHERE person_id = $1`, [personId]);
    return asLogin(rows[0]);
  }

  protected async insertLogin(login: string, personId: string, at: string): Promise<boolean> {
    // Either unique index (the person's, the name's fold) turns the insert into nothing.
    const { rowCount } = await this.query(`INSERT INTO ${this.t.logins} (login, person_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [login, personId, at]);
    return rowCount === 1;
  }

  async setPassword(personId: string, passwordHash: string): Promise<void> {
    await this.query(`UPDATE ${this.t.logins} SET password_hash = $1 WHERE person_id = $2`, [passwordHash, personId]);
  }

  async setPendingTotp(personId: string, secret: string): Promise<void> {
    await this.query(`UPDATE ${this.t.logins} SET totp_pending = $1 WHERE person_id = $2`, [secret, personId]);
  }

  async pendingTotp(personId: string): Promise<string | null> {
    const { rows } = await this.query<{ totp_pending: string | null }>(`SELECT totp_pending FROM ${this.t.logins} WHERE person_id = $1`, [personId]);
    return rows[0]?.totp_pending ?? null;
  }

  async confirmTotp(personId: string, step: number): Promise<void> {
    await this.query(`UPDATE ${this.t.logins} SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1 WHERE person_id = $2`, [step, personId]);
  }

  async useTotpStep(personId: string, step: number): Promise<boolean> {
    const { rowCount } = await this.query(`UPDATE ${this.t.logins} SET totp_last_step = $1 WHERE person_id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)`, [step, personId]);
    return rowCount === 1;
  }

  async personOfIdentity(issuer: string, subject: string): Promise<string | undefined> {
    const { rows } = await this.query<{ person_id: string }>(`SELECT person_id FROM ${this.t.identities} WHERE issuer = $1 AND subject = $2`, [issuer, subject]);
    return rows[0]?.person_id;
  }

  async linkIdentity(issuer: string, subject: string, personId: string, at: Date): Promise<void> {
    await this.query(`INSERT INTO ${this.t.identities} (issuer, subject, person_id, linked_at) VALUES ($1, $2, $3, $4)`, [issuer, subject, personId, at.toISOString()]);
  }

  protected async insertSession(s: NewSession): Promise<void> {
    await this.query(
      `INSERT INTO ${this.t.sessions} (id_hash, person_id, grant_id, csrf, created_at, last_seen_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
      [s.idHash, s.personId, s.grantId, s.csrf, s.at, s.userAgent, s.address],
    );
  }

  protected async sessionByHash(idHash: string): Promise<SessionRow | undefined> {
    const { rows } = await this.query<{ person_id: string; grant_id: string | null; csrf: string; created_at: Date; last_seen_at: Date; ended_at: Date | null }>(
      `SELECT person_id, grant_id, csrf, created_at, last_seen_at, ended_at FROM ${this.t.sessions} WHERE id_hash = $1`,
      [idHash],
    );
    const row = rows[0];
    return row && { personId: row.person_id, grantId: row.grant_id, csrf: row.csrf, createdAt: isoOf(row.created_at), lastSeenAt: isoOf(row.last_seen_at), endedAt: iso(row.ended_at) };
  }

  protected async touchSessionHash(idHash: string, at: string): Promise<void> {
    await this.query(`UPDATE ${this.t.sessions} SET last_seen_at = $1 WHERE id_hash = $2 AND ended_at IS NULL`, [at, idHash]);
  }

  protected async actAsHash(idHash: string, grantId: string): Promise<void> {
    await this.query(`UPDATE ${this.t.sessions} SET grant_id = $1 WHERE id_hash = $2 AND ended_at IS NULL`, [grantId, idHash]);
  }

  protected async endSessionHash(idHash: string, at: string): Promise<void> {
    await this.query(`UPDATE ${this.t.sessions} SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL`, [at, idHash]);
  }

  async endSessionOf(personId: string, sessionId: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.query(`UPDATE ${this.t.sessions} SET ended_at = $1 WHERE person_id = $2 AND left(id_hash, 8) = $3 AND ended_at IS NULL`, [
      at.toISOString(),
      personId,
      sessionId,
    ]);
    return rowCount > 0;
  }

  async sessionsOf(personId: string): Promise<SessionListing[]> {
    const { rows } = await this.query<{ session_id: string; created_at: Date; last_seen_at: Date; user_agent: string | null; address: string | null }>(
      `SELECT left(id_hash, 8) AS session_id, created_at, last_seen_at, user_agent, address FROM ${this.t.sessions} WHERE person_id = $1 AND ended_at IS NULL ORDER BY created_at, seq`,
      [personId],
    );
    return rows.map((r) => ({ sessionId: r.session_id, createdAt: isoOf(r.created_at), lastSeenAt: isoOf(r.last_seen_at), userAgent: r.user_agent, address: r.address }));
  }

  protected async insertToken(t: NewToken): Promise<void> {
    await this.query(`INSERT INTO ${this.t.tokens} (id, secret_hash, person_id, grant_id, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      t.tokenId,
      t.secretHash,
      t.personId,
      t.grantId,
      t.name,
      t.at,
      t.expiresAt,
    ]);
  }

  protected async tokenRow(tokenId: string): Promise<TokenRow | undefined> {
    const { rows } = await this.query<{ secret_hash: string; person_id: string; grant_id: string; expires_at: Date; revoked_at: Date | null; last_used_at: Date | null }>(
      `SELECT secret_hash, person_id, grant_id, expires_at, revoked_at, last_used_at FROM ${this.t.tokens} WHERE id = $1`,
      [tokenId],
    );
    const row = rows[0];
    return (
      row && {
        secretHash: row.secret_hash,
        personId: row.person_id,
        grantId: row.grant_id,
        expiresAt: isoOf(row.expires_at),
        revokedAt: iso(row.revoked_at),
        lastUsedAt: iso(row.last_used_at),
      }
    );
  }

  protected async touchToken(tokenId: string, at: string): Promise<void> {
    await this.query(`UPDATE ${this.t.tokens} SET last_used_at = $1 WHERE id = $2`, [at, tokenId]);
  }

  async tokensOf(personId: string): Promise<TokenListing[]> {
    const { rows } = await this.query<{ id: string; name: string; grant_id: string; created_at: Date; expires_at: Date; last_used_at: Date | null }>(
      `SELECT id, name, grant_id, created_at, expires_at, last_used_at FROM ${this.t.tokens} WHERE person_id = $1 AND revoked_at IS NULL ORDER BY created_at, seq`,
      [personId],
    );
    return rows.map((r) => ({ tokenId: r.id, name: r.name, grantId: r.grant_id, createdAt: isoOf(r.created_at), expiresAt: isoOf(r.expires_at), lastUsedAt: iso(r.last_used_at) }));
  }

  async revokeToken(personId: string, tokenId: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.query(`UPDATE ${this.t.tokens} SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL`, [at.toISOString(), tokenId, personId]);
    return rowCount > 0;
  }

  protected async insertOidcPending(secretHash: string, pending: OidcPending, linkPersonId: string | null, at: string): Promise<void> {
    await this.query(`INSERT INTO ${this.t.oidcPending} (secret_hash, state, nonce, code_verifier, link_person_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      secretHash,
      pending.state,
      pending.nonce,
      pending.codeVerifier,
      linkPersonId,
      at,
    ]);
  }

  protected async takeOidcPending(secretHash: string, staleBefore: string): Promise<PendingRow | undefined> {
    // One DELETE … RETURNING: of two callbacks racing with the same cookie, one gets the row.
    const { rows } = await this.query<{ secret_hash: string; state: string; nonce: string; code_verifier: string; link_person_id: string | null; created_at: Date }>(
      `DELETE FROM ${this.t.oidcPending} WHERE secret_hash = $1 OR created_at < $2 RETURNING secret_hash, state, nonce, code_verifier, link_person_id, created_at`,
      [secretHash, staleBefore],
    );
    const row = rows.find((r) => r.secret_hash === secretHash);
    return row && { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, linkPersonId: row.link_person_id, createdAt: isoOf(row.created_at) };
  }

  protected async insertSetupLink(secretHash: string, personId: string, expiresAt: string): Promise<void> {
    await this.query(`INSERT INTO ${this.t.setupLinks} (secret_hash, person_id, expires_at) VALUES ($1, $2, $3)`, [secretHash, personId, expiresAt]);
  }

  protected async setupLinkRow(secretHash: string): Promise<SetupLinkRow | undefined> {
    const { rows } = await this.query<{ person_id: string; expires_at: Date; used_at: Date | null }>(`SELECT person_id, expires_at, used_at FROM ${this.t.setupLinks} WHERE secret_hash = $1`, [
      secretHash,
    ]);
    const row = rows[0];
    return row && { personId: row.person_id, expiresAt: isoOf(row.expires_at), usedAt: iso(row.used_at) };
  }

  protected async takeSetupLink(secretHash: string, at: string): Promise<string | undefined> {
    const { rows } = await this.query<{ person_id: string }>(
      `UPDATE ${this.t.setupLinks} SET used_at = $1 WHERE secret_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING person_id`,
      [at, secretHash],
    );
    return rows[0]?.person_id;
  }

  async notificationsRead(personId: string): Promise<string[]> {
    const { rows } = await this.query<{ notification_id: string }>(`SELECT notification_id FROM ${this.t.notificationReads} WHERE person_id = $1`, [personId]);
    return rows.map((r) => r.notification_id);
  }

  async markNotificationsRead(personId: string, ids: readonly string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.query(
      `INSERT INTO ${this.t.notificationReads} (person_id, notification_id, read_at) SELECT $1, id, $3 FROM unnest($2::text[]) AS id ON CONFLICT (person_id, notification_id) DO NOTHING`,
      [personId, [...ids], at.toISOString()],
    );
  }
}

/** The account tables' DDL, idempotent (a DBA may run it ahead). */
export function accountSchemaSql(schema: string): string[] {
  const t = (name: keyof typeof ACCOUNT_TABLES) => `"${schema}".${ACCOUNT_TABLES[name]}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${t('logins')} (
      login text PRIMARY KEY, person_id text NOT NULL UNIQUE, password_hash text,
      totp_secret text, totp_pending text, totp_last_step integer, created_at timestamptz NOT NULL)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS account_logins_nocase ON ${t('logins')} (${nocase('login')})`,
    `CREATE TABLE IF NOT EXISTS ${t('identities')} (
      issuer text NOT NULL, subject text NOT NULL, person_id text NOT NULL, linked_at timestamptz NOT NULL, PRIMARY KEY (issuer, subject))`,
    `CREATE TABLE IF NOT EXISTS ${t('sessions')} (
      id_hash text PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'), seq bigserial NOT NULL, person_id text NOT NULL, grant_id text, csrf text NOT NULL,
      created_at timestamptz NOT NULL, last_seen_at timestamptz NOT NULL, ended_at timestamptz, user_agent text, address text)`,
    `CREATE INDEX IF NOT EXISTS account_sessions_person ON ${t('sessions')} (person_id)`,
    `CREATE TABLE IF NOT EXISTS ${t('tokens')} (
      id text PRIMARY KEY, seq bigserial NOT NULL, secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'), person_id text NOT NULL, grant_id text NOT NULL,
      name text NOT NULL, created_at timestamptz NOT NULL, expires_at timestamptz NOT NULL, revoked_at timestamptz, last_used_at timestamptz)`,
    `CREATE INDEX IF NOT EXISTS account_access_tokens_person ON ${t('tokens')} (person_id)`,
    `CREATE TABLE IF NOT EXISTS ${t('oidcPending')} (
      secret_hash text PRIMARY KEY CHECK (secret_hash ~ '^[0-9a-f]{64}$'), state text NOT NULL, nonce text NOT NULL, code_verifier text NOT NULL,
      link_person_id text, created_at timestamptz NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS account_oidc_pending_by_time ON ${t('oidcPending')} (created_at)`,
    `CREATE TABLE IF NOT EXISTS ${t('setupLinks')} (
      secret_hash text PRIMARY KEY CHECK (secret_hash ~ '^[0-9a-f]{64}$'), person_id text NOT NULL, expires_at timestamptz NOT NULL, used_at timestamptz)`,
    `CREATE TABLE IF NOT EXISTS ${t('notificationReads')} (
      person_id text NOT NULL, notification_id text NOT NULL, read_at timestamptz NOT NULL, PRIMARY KEY (person_id, notification_id))`,
  ];
}
