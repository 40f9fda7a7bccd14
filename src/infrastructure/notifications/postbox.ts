import type Database from 'better-sqlite3';
import { chinaDateOf } from '../../domain/beijing-time';
import type { Language } from '../../words';
import { retryWhileBusySync } from '../projections/sqlite-busy';

/**
 * The postbox: what is to be sent to whom by e-mail and SMS, and what became of it. Never rebuilt (a
 * rebuild of read-models.db must neither forget what was sent nor send it again). Two implementations
 * with one contract (postbox.spec.ts runs against both):
 *
 * - SqlitePostbox, the default: notifications.db beside the read models (like reactor.db), shared by the
 *   service processes on one data folder.
 * - PostgresPostbox (postgres-postbox.ts), with EVENT_STORE=postgres: tables in the store's schema,
 *   shared by every instance on the store whatever its data folder, so that each message is sent once.
 *
 * Each write is one transaction, and a delivery is sent only by the process that claimed it.
 *
 * - `postbox_checkpoint`: the last `notifications.position` planned.
 * - `deliveries`: one row per person, notification (or daily digest) and channel, with its status
 *   (pending, sent, dead), attempts, next attempt, last error and the claim of the process sending it.
 *   What it says (the notice, the address, the name, the language) is fixed when it is planned, so a
 *   retry sends the very same message.
 * - `digest_items`: the notices a daily digest lists.
 * - `notification_preferences`: each person's choices.
 */

export type Channel = 'email' | 'sms';
export type EmailMode = 'immediate' | 'digest';
export const EMAIL_MODES: readonly EmailMode[] = ['immediate', 'digest'];
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/** The notifications that also go by SMS (to a person who gave a mobile number and asked for them): the reminders. */
export const SMS_KINDS: readonly string[] = ['deadline-ahead', 'overdue'];

/** A person's choices; a person who never chose has DEFAULT_PREFERENCES. */
export interface Preferences {
  /** The kinds the person does not want by e-mail; every other kind, a new one too, is sent. */
  readonly mutedKinds: readonly string[];
  readonly emailMode: EmailMode;
  readonly language: Language;
  /** A mainland mobile number (11 digits, starting with 1), or null. */
  readonly mobile: string | null;
  /** Reminders (deadline ahead, overdue) by SMS too, to `mobile`. */
  readonly smsReminders: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = { mutedKinds: [], emailMode: 'immediate', language: 'zh', mobile: null, smsReminders: false };

/** One notification as a message tells it: what notificationSentence needs, the record it links to and when it happened. */
export interface Notice {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly recordId: string;
  readonly title: string | null;
  readonly outcome: string | null;
  readonly dueOn: string | null;
  readonly at: string;
}

/** A notifications row to plan, with its reader as the people read model has them. */
export interface NoticeToPlan extends Notice {
  readonly personId: string;
  readonly position: bigint;
  readonly email: string | null;
  readonly name: string | null;
  /** The person is registered and active. */
  readonly active: boolean;
}

export interface DeliveryKey {
  readonly personId: string;
  /** The notification's id, or a digest's (`digest:<person>:<day>`). */
  readonly id: string;
  readonly channel: Channel;
}

export interface Delivery extends DeliveryKey {
  readonly address: string;
  readonly name: string | null;
  readonly language: Language;
  /** The notice an immediate e-mail or an SMS tells; null for a digest, whose notices are `items`. */
  readonly notice: Notice | null;
  readonly items: readonly Notice[];
  readonly status: 'pending' | 'sent' | 'dead';
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly sentAt: string | null;
  readonly plannedAt: string;
}

export interface RetryPolicy {
  /** The wait before the second attempt, doubled each time up to `maxRetryMs`. */
  readonly retryMs: number;
  readonly maxRetryMs: number;
  /** Attempts after which a delivery is dead. */
  readonly maxAttempts: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The first digest time (`hour` o'clock in Beijing) strictly after `now`. */
export function nextDigestAt(now: Date, hour: number): Date {
  const beijing = now.getTime() + BEIJING_OFFSET_MS;
  let at = Math.floor(beijing / DAY_MS) * DAY_MS + hour * 60 * 60 * 1000;
  if (at <= beijing) at += DAY_MS;
  return new Date(at - BEIJING_OFFSET_MS);
}

/** A digest's id: one per person and day. */
export const digestId = (personId: string, sendAt: Date): string => `digest:${personId}:${chinaDateOf(sendAt.toISOString())}`;

/** The wait after a delivery's `attempts`-th failed attempt: `retryMs`, doubled each time, up to `maxRetryMs`. */
export const backoffMs = (policy: RetryPolicy, attempts: number): number => Math.min(policy.maxRetryMs, policy.retryMs * 2 ** (attempts - 1));

/** What a notice becomes for its reader: an immediate e-mail or a line of the digest (or neither), and an SMS or not. */
export function routeOf(
  notice: NoticeToPlan,
  preferences: Preferences,
  channels: { readonly email: boolean; readonly sms: boolean },
): { readonly email?: { readonly mode: EmailMode; readonly address: string }; readonly sms?: { readonly address: string } } {
  if (!notice.active) return {};
  const wanted = !preferences.mutedKinds.includes(notice.kind);
  return {
    ...(channels.email && notice.email && wanted ? { email: { mode: preferences.emailMode, address: notice.email } } : {}),
    ...(channels.sms && SMS_KINDS.includes(notice.kind) && preferences.smsReminders && preferences.mobile ? { sms: { address: preferences.mobile } } : {}),
  };
}

export const noticeOf = ({ id, kind, subject, recordId, title, outcome, dueOn, at }: Notice): Notice => ({ id, kind, subject, recordId, title, outcome, dueOn, at });

/** A digest's notices in the order they happened (stable: those at one instant in the order they were added). */
export const byTime = (items: readonly Notice[]): Notice[] => [...items].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

/** Whether a digest still takes notices: neither claimed nor tried yet. */
export const digestOpen = (existing: { readonly status: Delivery['status']; readonly attempts: number; readonly claimed_by: string | null } | undefined): boolean =>
  !existing || (existing.status === 'pending' && existing.attempts === 0 && existing.claimed_by === null);

/**
 * The postbox's contract, whichever store holds it. Asynchronous, since PostgreSQL is reached over the
 * network; the SQLite one answers at once and fails with SQLITE_BUSY (retried by the caller with
 * retryWhileBusy) when another process holds the lock.
 */
export interface Postbox {
  /** The last notifications.position planned; undefined before the first start. */
  checkpoint(): Promise<bigint | undefined>;
  /**
   * The first start: what the notifications hold by now is history, never sent. Set once: true when
   * this call set it, false when another start (of this process or another) came first.
   */
  startAt(position: bigint): Promise<boolean>;
  /**
   * Plans the deliveries of notices up to `through` (every row of each position up to it), then moves
   * the checkpoint there, in one transaction: rows at or before the checkpoint (planned already, by
   * this process or another) are left alone, so each notice is planned once. With a channel off,
   * nothing is planned for it and the checkpoint still moves. Answers how many deliveries it added.
   */
  plan(notices: readonly NoticeToPlan[], through: bigint, channels: { readonly email: boolean; readonly sms: boolean }, now: Date, digestHour: number): Promise<number>;
  /**
   * Claims up to `limit` deliveries of `channels` due by `now` (the service's clock) that no other process holds,
   * for `owner` until `claimUntilMs` (the system's clock: a claim outlives a process that crashed
   * only so long), atomically: another process finds them claimed and leaves them.
   */
  claim(owner: string, now: Date, claimUntilMs: number, limit: number, channels: readonly Channel[]): Promise<Delivery[]>;
  /** Sent: never again. Marked whoever holds the claim now (a claim that expired meanwhile was sent twice, with one Message-ID). */
  sent(key: DeliveryKey, at: Date): Promise<void>;
  /** A failed attempt of the claim's owner: retried after the backoff, or dead after the last attempt. */
  failed(key: DeliveryKey, owner: string, error: string, now: Date): Promise<void>;
  /** Gives a claim back untried (the service is stopping): due again at once, for any process. */
  release(key: DeliveryKey, owner: string): Promise<void>;
  /** The deliveries of a person (or all), newest first, at most 1000: what the office and the tests look at. */
  deliveries(filter?: { readonly personId?: string; readonly status?: Delivery['status'] }): Promise<Delivery[]>;
  /** A dead delivery tried again from the start (all its attempts): false when there is no such dead delivery. */
  retry(key: DeliveryKey, now: Date): Promise<boolean>;
  preferences(personId: string): Promise<Preferences>;
  /** The person's choices, for what is planned from now on (what is planned already goes as planned). */
  setPreferences(personId: string, preferences: Preferences, now: Date): Promise<void>;
  /** Closes the postbox's database connection(s); once. */
  close(): Promise<void>;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS postbox_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS deliveries (
    person_id TEXT NOT NULL,
    id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    address TEXT NOT NULL,
    name TEXT,
    language TEXT NOT NULL,
    notice TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error TEXT,
    sent_at TEXT,
    claimed_by TEXT,
    claimed_until INTEGER,
    planned_at TEXT NOT NULL,
    PRIMARY KEY (person_id, id, channel));
  CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
  CREATE TABLE IF NOT EXISTS digest_items (
    person_id TEXT NOT NULL, digest_id TEXT NOT NULL, notification_id TEXT NOT NULL, notice TEXT NOT NULL,
    PRIMARY KEY (person_id, digest_id, notification_id));
  CREATE TABLE IF NOT EXISTS notification_preferences (
    person_id TEXT PRIMARY KEY, muted_kinds TEXT NOT NULL, email_mode TEXT NOT NULL, language TEXT NOT NULL,
    mobile TEXT, sms_reminders INTEGER NOT NULL, updated_at TEXT NOT NULL);`;

interface DeliveryRow {
  person_id: string;
  id: string;
  channel: Channel;
  address: string;
  name: string | null;
  language: Language;
  notice: string | null;
  status: Delivery['status'];
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  sent_at: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  planned_at: string;
}

/** The postbox in notifications.db (the default): one SQLite file shared by the processes on one data folder, each write one transaction under SQLite's write lock. */
export class SqlitePostbox implements Postbox {
  constructor(
    private readonly db: Database.Database,
    private readonly policy: RetryPolicy,
  ) {
    retryWhileBusySync(() => db.exec(SCHEMA), 'create the postbox tables');
  }

  async checkpoint(): Promise<bigint | undefined> {
    return this.checkpointNow();
  }

  async startAt(position: bigint): Promise<boolean> {
    return this.db.prepare('INSERT OR IGNORE INTO postbox_checkpoint (id, position) VALUES (1, ?)').run(position).changes === 1;
  }

  async plan(notices: readonly NoticeToPlan[], through: bigint, channels: { readonly email: boolean; readonly sms: boolean }, now: Date, digestHour: number): Promise<number> {
    const nowIso = now.toISOString();
    return this.db
      .transaction(() => {
        const checkpoint = this.checkpointNow() ?? -1n;
        let planned = 0;
        for (const notice of notices) {
          if (notice.position <= checkpoint) continue;
          const preferences = this.preferencesNow(notice.personId);
          const { email, sms } = routeOf(notice, preferences, channels);
          if (email) {
            planned +=
              email.mode === 'immediate'
                ? this.insert({ personId: notice.personId, id: notice.id, channel: 'email' }, email.address, notice.name, preferences.language, noticeOf(notice), nowIso, nowIso)
                : this.addToDigest(notice, email.address, preferences.language, now, digestHour);
          }
          if (sms) planned += this.insert({ personId: notice.personId, id: notice.id, channel: 'sms' }, sms.address, notice.name, preferences.language, noticeOf(notice), nowIso, nowIso);
        }
        if (through > checkpoint) this.db.prepare('INSERT INTO postbox_checkpoint (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position').run(through);
        return planned;
      })
      .immediate();
  }

  private checkpointNow(): bigint | undefined {
    const row = this.db.prepare('SELECT position FROM postbox_checkpoint WHERE id = 1').safeIntegers(true).get() as { position: bigint } | undefined;
    return row?.position;
  }

  private insert(key: DeliveryKey, address: string, name: string | null, language: Language, notice: Notice | null, due: string, nowIso: string): number {
    return this.db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (person_id, id, channel, address, name, language, notice, status, attempts, next_attempt_at, planned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      )
      .run(key.personId, key.id, key.channel, address, name, language, notice && JSON.stringify(notice), due, nowIso).changes;
  }

  /**
   * Adds a notice to the person's next digest. A digest is fixed once its first attempt was claimed
   * (a resend must say what the first one said): a notice arriving later goes to the next day's.
   */
  private addToDigest(notice: NoticeToPlan, address: string, language: Language, now: Date, digestHour: number): number {
    let sendAt = nextDigestAt(now, digestHour);
    for (;;) {
      const id = digestId(notice.personId, sendAt);
      const existing = this.db.prepare("SELECT status, attempts, claimed_by FROM deliveries WHERE person_id = ? AND id = ? AND channel = 'email'").get(notice.personId, id) as
        | Pick<DeliveryRow, 'status' | 'attempts' | 'claimed_by'>
        | undefined;
      if (digestOpen(existing)) {
        const created = existing ? 0 : this.insert({ personId: notice.personId, id, channel: 'email' }, address, notice.name, language, null, sendAt.toISOString(), now.toISOString());
        this.db.prepare('INSERT OR IGNORE INTO digest_items (person_id, digest_id, notification_id, notice) VALUES (?, ?, ?, ?)').run(notice.personId, id, notice.id, JSON.stringify(noticeOf(notice)));
        return created;
      }
      sendAt = new Date(sendAt.getTime() + DAY_MS);
    }
  }

  async claim(owner: string, now: Date, claimUntilMs: number, limit: number, channels: readonly Channel[]): Promise<Delivery[]> {
    const rows = this.db
      .transaction(
        () =>
          this.db
            .prepare(
              `UPDATE deliveries SET claimed_by = ?, claimed_until = ?
               WHERE rowid IN (SELECT rowid FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                                 AND channel IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, rowid LIMIT ?)
               RETURNING *`,
            )
            .all(owner, claimUntilMs, now.toISOString(), Date.now(), JSON.stringify(channels), limit) as DeliveryRow[],
      )
      .immediate();
    // RETURNING answers in the table's order: the earliest due first (the rowid, in which they were planned, breaking ties as it stays).
    rows.sort((x, y) => (x.next_attempt_at! < y.next_attempt_at! ? -1 : x.next_attempt_at! > y.next_attempt_at! ? 1 : 0));
    return rows.map((row) => this.deliveryOf(row));
  }

  async sent(key: DeliveryKey, at: Date): Promise<void> {
    this.db
      .prepare(
        `UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL
         WHERE person_id = ? AND id = ? AND channel = ? AND status = 'pending'`,
      )
      .run(at.toISOString(), key.personId, key.id, key.channel);
  }

  async failed(key: DeliveryKey, owner: string, error: string, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT attempts, claimed_by FROM deliveries WHERE person_id = ? AND id = ? AND channel = ? AND status = ?').get(key.personId, key.id, key.channel, 'pending') as
          | Pick<DeliveryRow, 'attempts' | 'claimed_by'>
          | undefined;
        // Another process holds it now (this claim expired): its attempt counts, not this one.
        if (!row || row.claimed_by !== owner) return;
        const attempts = row.attempts + 1;
        const dead = attempts >= this.policy.maxAttempts;
        this.db
          .prepare(
            `UPDATE deliveries SET attempts = ?, status = ?, next_attempt_at = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL
             WHERE person_id = ? AND id = ? AND channel = ?`,
          )
          .run(attempts, dead ? 'dead' : 'pending', dead ? null : new Date(now.getTime() + backoffMs(this.policy, attempts)).toISOString(), error.slice(0, 2000), key.personId, key.id, key.channel);
      })
      .immediate();
  }

  async release(key: DeliveryKey, owner: string): Promise<void> {
    this.db
      .prepare('UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL WHERE person_id = ? AND id = ? AND channel = ? AND claimed_by = ?')
      .run(key.personId, key.id, key.channel, owner);
  }

  async deliveries(filter: { readonly personId?: string; readonly status?: Delivery['status'] } = {}): Promise<Delivery[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM deliveries WHERE (@personId IS NULL OR person_id = @personId) AND (@status IS NULL OR status = @status) ORDER BY planned_at DESC, person_id, id, channel LIMIT 1000`,
      )
      .all({ personId: filter.personId ?? null, status: filter.status ?? null }) as DeliveryRow[];
    return rows.map((row) => this.deliveryOf(row));
  }

  async retry(key: DeliveryKey, now: Date): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL
           WHERE person_id = ? AND id = ? AND channel = ? AND status = 'dead'`,
        )
        .run(now.toISOString(), key.personId, key.id, key.channel).changes === 1
    );
  }

  async preferences(personId: string): Promise<Preferences> {
    return this.preferencesNow(personId);
  }

  private preferencesNow(personId: string): Preferences {
    const row = this.db.prepare('SELECT * FROM notification_preferences WHERE person_id = ?').get(personId) as
      | { muted_kinds: string; email_mode: EmailMode; language: Language; mobile: string | null; sms_reminders: number }
      | undefined;
    if (!row) return DEFAULT_PREFERENCES;
    return { mutedKinds: JSON.parse(row.muted_kinds) as string[], emailMode: row.email_mode, language: row.language, mobile: row.mobile, smsReminders: row.sms_reminders === 1 };
  }

  async setPreferences(personId: string, preferences: Preferences, now: Date): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO notification_preferences (person_id, muted_kinds, email_mode, language, mobile, sms_reminders, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET muted_kinds = excluded.muted_kinds, email_mode = excluded.email_mode, language = excluded.language,
           mobile = excluded.mobile, sms_reminders = excluded.sms_reminders, updated_at = excluded.updated_at`,
      )
      .run(personId, JSON.stringify([...new Set(preferences.mutedKinds)].sort()), preferences.emailMode, preferences.language, preferences.mobile, preferences.smsReminders ? 1 : 0, now.toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private deliveryOf(row: DeliveryRow): Delivery {
    const items =
      row.notice === null
        ? (this.db.prepare('SELECT notice FROM digest_items WHERE person_id = ? AND digest_id = ? ORDER BY rowid').all(row.person_id, row.id) as { notice: string }[]).map((i) => JSON.parse(i.notice) as Notice)
        : [];
    return {
      personId: row.person_id,
      id: row.id,
      channel: row.channel,
      address: row.address,
      name: row.name,
      language: row.language,
      notice: row.notice === null ? null : (JSON.parse(row.notice) as Notice),
      items: byTime(items),
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      sentAt: row.sent_at,
      plannedAt: row.planned_at,
    };
  }
}
