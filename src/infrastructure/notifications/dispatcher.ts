import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, CLOCK } from '../../application/clock';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { repeat, Repeating } from '../projections/log-consumer';
import { ProjectionRunner } from '../projections/projection-runner';
import { retryWhileBusy } from '../projections/sqlite-busy';
import { ReadModels } from '../read-models/read-models';
import { Channel, EmailChannel, failureOf, SmsChannel } from './channels';
import { Channel as ChannelName, Delivery, NoticeToPlan, Postbox, SqlitePostbox } from './postbox';
import { PostgresPostbox } from './postgres-postbox';

/** How long a process holds a claimed delivery: far longer than an SMTP or webhook attempt may take (their timeouts). */
const CLAIM_MS = 10 * 60 * 1000;
/** Positions of the notifications table planned per transaction; deliveries are claimed one at a time, so processes share the work. */
const POSITIONS_PER_BATCH = 500;
const CLAIMS_PER_BATCH = 1;

export interface RoundReport {
  readonly planned: number;
  readonly sent: number;
  readonly failed: number;
}

interface NotificationRow {
  id: string;
  person_id: string;
  kind: string;
  subject: string;
  record_id: string;
  title: string | null;
  outcome: string | null;
  due_on?: string | null;
  at: string;
  position: bigint;
  person_email: string | null;
  person_name: string | null;
  person_status: string | null;
}

/**
 * Sends the notifications by e-mail and SMS (docs/notifications.md), for the life of the service. Each
 * round plans the deliveries of the notifications rows written since its checkpoint (the postbox:
 * notifications.db, or with EVENT_STORE=postgres the store's schema), then sends the deliveries that are due and that it could claim, each by its
 * channel: a failure is retried with backoff and dead-lettered after the last attempt.
 *
 * On the very first start the checkpoint is set to the end of what is there (the log and the
 * notifications table): installing or enabling e-mail never mails the past. With no channel
 * configured the rounds still move the checkpoint (planning nothing), so enabling one later does not
 * mail what happened while none was.
 *
 * Several processes each run a dispatcher over the same postbox (on one data folder, notifications.db;
 * on one PostgreSQL store, its tables there, whatever their data folders): planning is one transaction
 * that skips what the checkpoint has passed, and a delivery is sent by the one process that claimed it.
 * The notifications rows and the people are read from this process's own read models, which every
 * process builds alike from the one log.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  readonly postbox: Postbox;
  /** The channels configured: e-mail with SMTP_URL, SMS with SMS_WEBHOOK_URL. */
  readonly channels: Partial<Record<ChannelName, Channel>>;
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger('Notifications');
  private repeating?: Repeating;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ReadModels) private readonly readModels: Pick<ReadModels, 'db' | 'store' | 'runner'>,
  ) {
    const { smtp, sms } = config.notifications;
    // On PostgreSQL the instances share the store whatever their data folders: the postbox is shared there too, or each would send every message.
    this.postbox = config.postgres
      ? new PostgresPostbox({ connectionString: config.postgres.url, schema: config.postgres.schema, policy: config.notifications })
      : new SqlitePostbox(ProjectionRunner.openDatabase(join(config.dataDir, 'notifications.db')), config.notifications);
    this.channels = {
      ...(smtp ? { email: new EmailChannel(smtp, config.publicUrl) } : {}),
      ...(sms ? { sms: new SmsChannel(sms) } : {}),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    // A mail server that cannot be used stops the service now, not at the first notice.
    await (this.channels.email as EmailChannel | undefined)?.verify();
    if ((await this.postbox.checkpoint()) === undefined) {
      const start = await this.endOfHistory();
      // Another process's first start may come first: its checkpoint stands.
      if (await retryWhileBusy(() => this.postbox.startAt(start), { operation: 'start the postbox' })) this.logger.log({ msg: 'notifications by e-mail and SMS start after what is there now: earlier notifications are not sent', position: start.toString() });
    }
    const { intervalMs } = this.config.notifications;
    if (intervalMs > 0) this.repeating = repeat(intervalMs, () => this.round(), { delayFirst: true, onError: (error) => this.logger.warn({ msg: 'a round of notifications failed', error: (error as Error).message }) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.repeating?.stop();
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    (this.channels.email as EmailChannel | undefined)?.close();
    await this.postbox.close();
  }

  /** One round: plan what is new, then send what is due. Rounds of one dispatcher never overlap; tests call this instead of waiting. */
  round(): Promise<RoundReport> {
    const run = this.running.then(() => this.roundNow());
    this.running = run.catch(() => undefined);
    return run;
  }

  private async roundNow(): Promise<RoundReport> {
    const planned = await this.plan();
    const { sent, failed } = await this.sendDue();
    return { planned, sent, failed };
  }

  /** The last position of the log and of the notifications table, whichever is later: what counts as history on the first start. */
  private async endOfHistory(): Promise<bigint> {
    const { lastPosition } = await this.readModels.store.status();
    const row = this.readModels.db.prepare('SELECT max(position) AS position FROM notifications').safeIntegers(true).get() as { position: bigint | null };
    const positions = [lastPosition, row.position].filter((p): p is bigint => p !== undefined && p !== null);
    return positions.reduce((a, b) => (a > b ? a : b), -1n);
  }

  private async plan(): Promise<number> {
    const { notifications } = this.config;
    const channels = { email: this.channels.email !== undefined, sms: this.channels.sms !== undefined };
    let planned = 0;
    for (;;) {
      const after = await this.postbox.checkpoint();
      if (after === undefined || this.stopping) return planned;
      // This process's projections have not passed the checkpoint: no row after it can be there yet (and the table is not scanned).
      const reached = this.readModels.runner.position;
      if (reached !== null && reached <= after) return planned;
      const { rows, through } = this.unplanned(after);
      if (through === undefined) return planned;
      planned += await retryWhileBusy(() => this.postbox.plan(rows, through, channels, this.clock.now(), notifications.digestHour), { operation: 'plan notifications', budgetMs: 60_000 });
    }
  }

  /**
   * The notifications rows after `after`, every row of each of the next positions, with their readers'
   * addresses, read in one snapshot: a rebuild of the read models (which writes in position order)
   * shows either what it has reached, all of each position, or nothing after the checkpoint yet.
   */
  private unplanned(after: bigint): { rows: NoticeToPlan[]; through?: bigint } {
    const db = this.readModels.db;
    return db.transaction(() => {
      const { through } = db
        .prepare('SELECT max(position) AS through FROM (SELECT DISTINCT position FROM notifications WHERE position > ? ORDER BY position LIMIT ?)')
        .safeIntegers(true)
        .get(after, POSITIONS_PER_BATCH) as { through: bigint | null };
      if (through === null) return { rows: [] };
      const rows = db
        .prepare(
          `SELECT n.*, p.email AS person_email, p.name AS person_name, p.status AS person_status
           FROM notifications n LEFT JOIN people p ON p.id = n.person_id
           WHERE n.position > ? AND n.position <= ? ORDER BY n.position, n.person_id, n.kind`,
        )
        .safeIntegers(true)
        .all(after, through) as NotificationRow[];
      return {
        through,
        rows: rows.map((r) => ({
          id: r.id,
          personId: r.person_id,
          kind: r.kind,
          subject: r.subject,
          recordId: r.record_id,
          title: r.title,
          outcome: r.outcome,
          dueOn: r.due_on ?? null,
          at: r.at,
          position: r.position,
          email: r.person_email,
          name: r.person_name,
          active: r.person_status === 'Active',
        })),
      };
    })();
  }

  private async sendDue(): Promise<{ sent: number; failed: number }> {
    const names = Object.keys(this.channels) as ChannelName[];
    let sent = 0;
    let failed = 0;
    while (!this.stopping && names.length > 0) {
      const claimed = await retryWhileBusy(() => this.postbox.claim(this.owner, this.clock.now(), Date.now() + CLAIM_MS, CLAIMS_PER_BATCH, names), { operation: 'claim deliveries' });
      if (claimed.length === 0) break;
      for (const delivery of claimed) {
        if (this.stopping) {
          await retryWhileBusy(() => this.postbox.release(delivery, this.owner), { operation: 'release a delivery' });
          continue;
        }
        if (await this.attempt(delivery)) sent += 1;
        else failed += 1;
      }
    }
    return { sent, failed };
  }

  private async attempt(delivery: Delivery): Promise<boolean> {
    let failure: string | undefined;
    try {
      await this.channels[delivery.channel]!.send(delivery);
    } catch (error) {
      failure = failureOf(error);
    }
    // Between the server's reply and this mark lies the one window of a second sending (same Message-ID): the mark waits out a lock for long.
    if (failure === undefined) {
      await retryWhileBusy(() => this.postbox.sent(delivery, this.clock.now()), { operation: 'mark a delivery sent', budgetMs: 60_000 });
      return true;
    }
    await retryWhileBusy(() => this.postbox.failed(delivery, this.owner, failure, this.clock.now()), { operation: 'record a failed delivery', budgetMs: 60_000 });
    const dead = delivery.attempts + 1 >= this.config.notifications.maxAttempts;
    const log = { msg: dead ? 'a notification could not be delivered and is dead-lettered' : 'a notification could not be delivered; it is retried', channel: delivery.channel, personId: delivery.personId, id: delivery.id, attempts: delivery.attempts + 1, error: failure };
    if (dead) this.logger.error(log);
    else this.logger.warn(log);
    return false;
  }
}
