import { Pool, PoolClient } from 'pg';
import type { Language } from '../../words';
import { inTransaction, tablesOnce } from '../postgres/transactions';
import { pauseBefore } from '../projections/sqlite-busy';
import {
  backoffMs,
  byTime,
  Channel,
  DAY_MS,
  DEFAULT_PREFERENCES,
  Delivery,
  DeliveryKey,
  digestId,
  digestOpen,
  EmailMode,
  nextDigestAt,
  Notice,
  noticeOf,
  NoticeToPlan,
  Postbox,
  Preferences,
  RetryPolicy,
  routeOf,
} from './postbox';

export interface PostgresPostboxOptions {
  readonly connectionString: string;
  /** The store's schema (DATABASE_SCHEMA): the postbox's tables live beside the events. */
  readonly schema: string;
  readonly policy: RetryPolicy;
  /** Connections at most (4). */
  readonly poolSize?: number;
  /** How long a statement that met a deadlock, a serialization failure or a dropped connection is tried again (10 s). */
  readonly retryBudgetMs?: number;
}

interface DeliveryRow {
  person_id: string;
  id: string;
  channel: Channel;
  address: string;
  name: string | null;
  language: Language;
  notice: Notice | null;
  status: Delivery['status'];
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  claimed_by: string | null;
  planned_at: Date;
  seq: string;
}

interface PreferencesRow {
  person_id: string;
  muted_kinds: string[];
  email_mode: EmailMode;
  language: Language;
  mobile: string | null;
  sms_reminders: boolean;
}

/** The postbox's tables in `schema` (idempotent): what the service runs when one is missing, and what a DBA may run ahead. */
export function postboxSchemaSql(schema: string): string[] {
  const q = `"${schema}"`;
  return [
    `CREATE TABLE IF NOT EXISTS ${q}.postbox_checkpoint (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${q}.postbox_deliveries (
      person_id text NOT NULL,
      id text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'sms')),
      address text NOT NULL,
      name text,
      language text NOT NULL,
      notice jsonb,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      sent_at timestamptz,
      claimed_by text,
      claimed_until bigint,
      planned_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (person_id, id, channel))`,
    `CREATE INDEX IF NOT EXISTS postbox_deliveries_due ON ${q}.postbox_deliveries (next_attempt_at, seq) WHERE status = 'pending'`,
    `CREATE INDEX IF NOT EXISTS postbox_deliveries_dead ON ${q}.postbox_deliveries (planned_at) WHERE status = 'dead'`,
    `CREATE TABLE IF NOT EXISTS ${q}.postbox_digest_items (
      person_id text NOT NULL, digest_id text NOT NULL, notification_id text NOT NULL, notice jsonb NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (person_id, digest_id, notification_id))`,
    `CREATE TABLE IF NOT EXISTS ${q}.postbox_preferences (
      person_id text PRIMARY KEY, muted_kinds text[] NOT NULL, email_mode text NOT NULL CHECK (email_mode IN ('immediate', 'digest')),
      language text NOT NULL, mobile text, sms_reminders boolean NOT NULL, updated_at timestamptz NOT NULL)`,
  ];
}

/** SQLSTATEs and socket errors after which the transaction certainly did not commit, or the connection dropped: tried again. */
const TRANSIENT_CODES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '08006', '08003', 'ECONNRESET', 'EPIPE']);
const isTransient = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return error instanceof Error && /Connection terminated/.test(error.message);
};

const iso = (at: Date | null): string | null => (at === null ? null : at.toISOString());
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The postbox in PostgreSQL (EVENT_STORE=postgres), in the store's schema: every instance on the store,
 * each with its own data folder and read models, plans into one checkpoint and claims from one set of
 * deliveries, so each message is sent once (docs/notifications.md).
 *
 * - Planning takes a transaction-scoped advisory lock, reads the checkpoint, skips what it has passed,
 *   inserts the deliveries (ON CONFLICT DO NOTHING) and moves the checkpoint, in one transaction: the
 *   instances plan one after another, each notice once.
 * - A claim is one statement, UPDATE … WHERE key IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING: two
 *   instances claiming at once take different deliveries, neither waiting for the other.
 * - A digest still open is locked (FOR UPDATE) while a notice is added to it, so a claim either comes
 *   before (and the notice goes to the next day's) or after (and sends it).
 * - The first start's checkpoint is INSERT … ON CONFLICT DO NOTHING: the first instance's start sets it.
 *
 * A deadlock, a serialization failure or a dropped connection is tried again for a while; every
 * operation may be repeated without harm (at worst a claim is held by this process until it expires).
 */
export class PostgresPostbox implements Postbox {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly tables: { readonly checkpoint: string; readonly deliveries: string; readonly items: string; readonly preferences: string };
  private readonly retryBudgetMs: number;
  private readonly makeTables: () => Promise<void>;
  private ready?: Promise<void>;
  private closed?: Promise<void>;

  constructor(private readonly options: PostgresPostboxOptions) {
    if (!/^[a-z_][a-z0-9_]{0,55}$/.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
    this.schema = options.schema;
    const q = `"${options.schema}"`;
    this.tables = { checkpoint: `${q}.postbox_checkpoint`, deliveries: `${q}.postbox_deliveries`, items: `${q}.postbox_digest_items`, preferences: `${q}.postbox_preferences` };
    this.retryBudgetMs = options.retryBudgetMs ?? 10_000;
    this.pool = new Pool({ connectionString: options.connectionString, max: options.poolSize ?? 4, application_name: 'accreditation-lifecycle-service notifications' });
    // An idle connection the server closed: the next query opens another.
    this.pool.on('error', () => undefined);
    this.makeTables = tablesOnce(this.pool, this.schema, `${this.schema}.postbox`, () => postboxSchemaSql(this.schema));
  }

  async checkpoint(): Promise<bigint | undefined> {
    const rows = await this.query<{ position: string }>(`SELECT position::text AS position FROM ${this.tables.checkpoint} WHERE id = 1`);
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async startAt(position: bigint): Promise<boolean> {
    return this.retrying(async () => {
      await this.created();
      const { rowCount } = await this.pool.query(`INSERT INTO ${this.tables.checkpoint} (id, position) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [position.toString()]);
      return rowCount === 1;
    });
  }

  async plan(notices: readonly NoticeToPlan[], through: bigint, channels: { readonly email: boolean; readonly sms: boolean }, now: Date, digestHour: number): Promise<number> {
    const nowIso = now.toISOString();
    return this.transaction(async (client) => {
      // One planner at a time across the instances (the checkpoint row may not exist yet, so it is not the lock).
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${this.schema}.postbox_plan`]);
      const { rows } = await client.query<{ position: string }>(`SELECT position::text AS position FROM ${this.tables.checkpoint} WHERE id = 1`);
      const checkpoint = rows[0] ? BigInt(rows[0].position) : -1n;
      const fresh = notices.filter((notice) => notice.position > checkpoint);
      const preferences = await this.preferencesOf(client, [...new Set(fresh.map((n) => n.personId))]);
      let planned = 0;
      for (const notice of fresh) {
        const theirs = preferences.get(notice.personId) ?? DEFAULT_PREFERENCES;
        const { email, sms } = routeOf(notice, theirs, channels);
        if (email) {
          planned +=
            email.mode === 'immediate'
              ? await this.insert(client, { personId: notice.personId, id: notice.id, channel: 'email' }, email.address, notice.name, theirs.language, noticeOf(notice), nowIso, nowIso)
              : await this.addToDigest(client, notice, email.address, theirs.language, now, digestHour);
        }
        if (sms) planned += await this.insert(client, { personId: notice.personId, id: notice.id, channel: 'sms' }, sms.address, notice.name, theirs.language, noticeOf(notice), nowIso, nowIso);
      }
      if (through > checkpoint) {
        await client.query(`INSERT INTO ${this.tables.checkpoint} (id, position) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET position = excluded.position`, [through.toString()]);
      }
      return planned;
    });
  }

  private async insert(client: PoolClient, key: DeliveryKey, address: string, name: string | null, language: Language, notice: Notice | null, due: string, nowIso: string): Promise<number> {
    const { rowCount } = await client.query(
      `INSERT INTO ${this.tables.deliveries} (person_id, id, channel, address, name, language, notice, status, attempts, next_attempt_at, planned_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9) ON CONFLICT (person_id, id, channel) DO NOTHING`,
      [key.personId, key.id, key.channel, address, name, language, notice && JSON.stringify(notice), due, nowIso],
    );
    return rowCount ?? 0;
  }

  /** As SqlitePostbox's: the open digest locked while the notice is added, so that no claim fixes it halfway. */
  private async addToDigest(client: PoolClient, notice: NoticeToPlan, address: string, language: Language, now: Date, digestHour: number): Promise<number> {
    let sendAt = nextDigestAt(now, digestHour);
    for (;;) {
      const id = digestId(notice.personId, sendAt);
      const { rows } = await client.query<Pick<DeliveryRow, 'status' | 'attempts' | 'claimed_by'>>(
        `SELECT status, attempts, claimed_by FROM ${this.tables.deliveries} WHERE person_id = $1 AND id = $2 AND channel = 'email' FOR UPDATE`,
        [notice.personId, id],
      );
      const existing = rows[0];
      if (digestOpen(existing)) {
        const created = existing ? 0 : await this.insert(client, { personId: notice.personId, id, channel: 'email' }, address, notice.name, language, null, sendAt.toISOString(), now.toISOString());
        await client.query(`INSERT INTO ${this.tables.items} (person_id, digest_id, notification_id, notice) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
          notice.personId,
          id,
          notice.id,
          JSON.stringify(noticeOf(notice)),
        ]);
        return created;
      }
      sendAt = new Date(sendAt.getTime() + DAY_MS);
    }
  }

  async claim(owner: string, now: Date, claimUntilMs: number, limit: number, channels: readonly Channel[]): Promise<Delivery[]> {
    const rows = await this.query<DeliveryRow>(
      `UPDATE ${this.tables.deliveries} SET claimed_by = $1, claimed_until = $2
       WHERE (person_id, id, channel) IN (
         SELECT person_id, id, channel FROM ${this.tables.deliveries}
         WHERE status = 'pending' AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $4) AND channel = ANY($5::text[])
         ORDER BY next_attempt_at, seq LIMIT $6
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [owner, claimUntilMs, now.toISOString(), Date.now(), [...channels], limit],
    );
    rows.sort((a, b) => a.next_attempt_at!.getTime() - b.next_attempt_at!.getTime() || Number(BigInt(a.seq) - BigInt(b.seq)));
    return this.deliveriesOf(rows);
  }

  async sent(key: DeliveryKey, at: Date): Promise<void> {
    await this.query(
      `UPDATE ${this.tables.deliveries} SET status = 'sent', sent_at = $1, attempts = attempts + 1, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL
       WHERE person_id = $2 AND id = $3 AND channel = $4 AND status = 'pending'`,
      [at.toISOString(), key.personId, key.id, key.channel],
    );
  }

  async failed(key: DeliveryKey, owner: string, error: string, now: Date): Promise<void> {
    await this.transaction(async (client) => {
      const { rows } = await client.query<Pick<DeliveryRow, 'attempts' | 'claimed_by'>>(
        `SELECT attempts, claimed_by FROM ${this.tables.deliveries} WHERE person_id = $1 AND id = $2 AND channel = $3 AND status = 'pending' FOR UPDATE`,
        [key.personId, key.id, key.channel],
      );
      const row = rows[0];
      // Another process holds it now (this claim expired): its attempt counts, not this one.
      if (!row || row.claimed_by !== owner) return;
      const attempts = row.attempts + 1;
      const dead = attempts >= this.options.policy.maxAttempts;
      await client.query(
        `UPDATE ${this.tables.deliveries} SET attempts = $1, status = $2, next_attempt_at = $3, last_error = $4, claimed_by = NULL, claimed_until = NULL
         WHERE person_id = $5 AND id = $6 AND channel = $7`,
        [attempts, dead ? 'dead' : 'pending', dead ? null : new Date(now.getTime() + backoffMs(this.options.policy, attempts)).toISOString(), error.slice(0, 2000), key.personId, key.id, key.channel],
      );
    });
  }

  async release(key: DeliveryKey, owner: string): Promise<void> {
    await this.query(`UPDATE ${this.tables.deliveries} SET claimed_by = NULL, claimed_until = NULL WHERE person_id = $1 AND id = $2 AND channel = $3 AND claimed_by = $4`, [
      key.personId,
      key.id,
      key.channel,
      owner,
    ]);
  }

  async deliveries(filter: { readonly personId?: string; readonly status?: Delivery['status'] } = {}): Promise<Delivery[]> {
    const rows = await this.query<DeliveryRow>(
      `SELECT * FROM ${this.tables.deliveries} WHERE ($1::text IS NULL OR person_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY planned_at DESC, person_id COLLATE "C", id COLLATE "C", channel COLLATE "C" LIMIT 1000`,
      [filter.personId ?? null, filter.status ?? null],
    );
    return this.deliveriesOf(rows);
  }

  async retry(key: DeliveryKey, now: Date): Promise<boolean> {
    const { rowCount } = await this.retrying(async () => {
      await this.created();
      return this.pool.query(
        `UPDATE ${this.tables.deliveries} SET status = 'pending', attempts = 0, next_attempt_at = $1, claimed_by = NULL, claimed_until = NULL
         WHERE person_id = $2 AND id = $3 AND channel = $4 AND status = 'dead'`,
        [now.toISOString(), key.personId, key.id, key.channel],
      );
    });
    return rowCount === 1;
  }

  async preferences(personId: string): Promise<Preferences> {
    await this.created();
    return (await this.retrying(() => this.preferencesOf(this.pool, [personId]))).get(personId) ?? DEFAULT_PREFERENCES;
  }

  async setPreferences(personId: string, preferences: Preferences, now: Date): Promise<void> {
    await this.query(
      `INSERT INTO ${this.tables.preferences} (person_id, muted_kinds, email_mode, language, mobile, sms_reminders, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (person_id) DO UPDATE SET muted_kinds = excluded.muted_kinds, email_mode = excluded.email_mode, language = excluded.language,
         mobile = excluded.mobile, sms_reminders = excluded.sms_reminders, updated_at = excluded.updated_at`,
      [personId, [...new Set(preferences.mutedKinds)].sort(), preferences.emailMode, preferences.language, preferences.mobile, preferences.smsReminders, now.toISOString()],
    );
  }

  close(): Promise<void> {
    this.closed ??= this.pool.end();
    return this.closed;
  }

  private async preferencesOf(client: Pick<PoolClient, 'query'>, personIds: readonly string[]): Promise<Map<string, Preferences>> {
    if (personIds.length === 0) return new Map();
    const { rows } = await client.query<PreferencesRow>(`SELECT * FROM ${this.tables.preferences} WHERE person_id = ANY($1::text[])`, [[...personIds]]);
    return new Map(
      rows.map((row) => [row.person_id, { mutedKinds: row.muted_kinds, emailMode: row.email_mode, language: row.language, mobile: row.mobile, smsReminders: row.sms_reminders }]),
    );
  }

  /** The deliveries with their digests' notices (a digest's list is fixed once claimed, so it is read after the claim). */
  private async deliveriesOf(rows: readonly DeliveryRow[]): Promise<Delivery[]> {
    const digests = rows.filter((row) => row.notice === null);
    const items = new Map<string, Notice[]>();
    if (digests.length > 0) {
      const found = await this.query<{ person_id: string; digest_id: string; notice: Notice }>(
        `SELECT person_id, digest_id, notice FROM ${this.tables.items} WHERE (person_id, digest_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY seq`,
        [digests.map((d) => d.person_id), digests.map((d) => d.id)],
      );
      for (const item of found) {
        const key = `${item.person_id}\n${item.digest_id}`;
        items.set(key, [...(items.get(key) ?? []), noticeOf(item.notice)]);
      }
    }
    return rows.map((row) => ({
      personId: row.person_id,
      id: row.id,
      channel: row.channel,
      address: row.address,
      name: row.name,
      language: row.language,
      notice: row.notice === null ? null : noticeOf(row.notice),
      items: byTime(items.get(`${row.person_id}\n${row.id}`) ?? []),
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: iso(row.next_attempt_at),
      lastError: row.last_error,
      sentAt: iso(row.sent_at),
      plannedAt: iso(row.planned_at)!,
    }));
  }

  private async query<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.created();
    return this.retrying(async () => (await this.pool.query<R>(sql, params)).rows);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.created();
    return this.retrying(() => inTransaction(this.pool, work));
  }

  /** Runs `work` again after a deadlock, a serialization failure or a dropped connection, until the budget is spent. */
  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let retry = 1; ; retry += 1) {
      try {
        return await work();
      } catch (error) {
        if (!isTransient(error) || Date.now() - started >= this.retryBudgetMs) throw error;
        await sleep(pauseBefore(retry));
      }
    }
  }

  /**
   * The tables, made once per process when one is missing (postboxSchemaSql, under an advisory lock so
   * that instances starting together take turns); no DDL at all when they are all there, so an account
   * that may only read and write rows runs on tables a DBA made ahead.
   */
  private created(): Promise<void> {
    this.ready ??= (async () => {
      const names = Object.values(this.tables);
      const { rows } = await this.pool.query<{ found: number }>('SELECT count(to_regclass(t))::int AS found FROM unnest($1::text[]) AS t', [names]);
      if (rows[0].found < names.length) await this.makeTables();
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
