import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock, CLOCK } from '../../application/clock';
import {
  chainStateOf,
  Checkpoint,
  CheckpointFiles,
  Finding,
  SigningKey,
  signCheckpoint,
  TrustedCheckpoints,
  trustCheckpoints,
} from '../../application/checkpoints';
import { EVENT_STORE, EventStore, Position, RecordedEvent } from '../../application/event-store';
import { GlobalChain } from '../../application/integrity';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { LogConsumer, PositionWaiters, repeat, Repeating } from '../projections/log-consumer';
import { appendCheckpoint, checkpointFileIn, readCheckpointFile } from './checkpoint-file';
import { readSigningKey } from './signing-key';

/** Why no checkpoint could be signed on request. */
export class CheckpointRefusedError extends Error {
  constructor(
    readonly code: 'no-signing-key' | 'checkpointer-halted' | 'checkpoint-timeout',
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointRefusedError';
  }
}

/** How long a requested checkpoint waits for the checkpointer to reach the end of the log. */
const CATCH_UP_MS = 30_000;

/**
 * Signs checkpoints of the global chain every `checkpointEveryEvents` events, and every
 * `checkpointEveryMs` when events came since the last one, and once more at shutdown. It follows the
 * store's subscription from its latest checkpoint, whose signed state it resumes the chain from, so
 * its only durable state is the checkpoint file itself: a crash loses nothing but the events since the
 * last checkpoint, which the next start chains again. Each checkpoint is appended and synced beside the
 * log first, then to the auditor's copy.
 *
 * It never signs over a log that contradicts its last checkpoint: at start, the checkpointed event
 * must still be at its position with its hash; otherwise it stops, and GET /audit/verify says why.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpointer');
  readonly key?: SigningKey;
  readonly localFile: string;
  readonly copyFile?: string;
  private chain?: GlobalChain;
  private pending = 0;
  private consumer?: LogConsumer;
  private timer?: Repeating;
  private haltedBecause?: string;
  private latestSigned?: Checkpoint;
  private reached: Position | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.localFile = checkpointFileIn(config.dataDir);
    this.copyFile = config.audit.checkpointCopyDir ? checkpointFileIn(config.audit.checkpointCopyDir) : undefined;
    // loadConfig has checked the file; reading it here keeps the private key out of the configuration object.
    if (config.audit.signingKeyFile) this.key = readSigningKey(config.audit.signingKeyFile);
  }

  /** The checkpoint files as they are now. */
  files(): CheckpointFiles {
    const local = { file: this.localFile, lines: readCheckpointFile(this.localFile) };
    if (!this.copyFile) return { local };
    try {
      return { local, copy: { file: this.copyFile, lines: readCheckpointFile(this.copyFile) } };
    } catch (error) {
      return { local, copy: { file: this.copyFile, lines: [], unavailable: (error as Error).message } };
    }
  }

  /** The checkpoints the key verifies, or undefined when no key is configured. */
  trusted(): TrustedCheckpoints | undefined {
    return this.key ? trustCheckpoints(this.files(), this.key) : undefined;
  }

  /** What the checkpointer itself has to report. */
  findings(): Finding[] {
    if (!this.haltedBecause) return [];
    return [{ code: 'checkpointer-halted', severity: 'error', kind: 'checkpoints', message: `no checkpoint is signed any more: ${this.haltedBecause}` }];
  }

  get halted(): string | undefined {
    return this.haltedBecause;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.key) return;
    const { trusted } = trustCheckpoints(this.files(), this.key);
    const latest = trusted[trusted.length - 1];
    this.syncCopy(trusted);
    if (latest) {
      const problem = await this.contradiction(latest);
      if (problem) {
        this.haltedBecause = `the log contradicts the checkpoint of ${latest.time} at position ${latest.position}: ${problem}`;
        this.logger.error(this.haltedBecause);
        return;
      }
    }
    this.chain = new GlobalChain(latest ? chainStateOf(latest) : undefined);
    this.latestSigned = latest;
    this.reached = latest ? BigInt(latest.position) : undefined;
    this.consumer = new LogConsumer(this.store, { after: this.reached, handle: (events) => this.take(events) });
    this.consumer.done.catch((error: unknown) => {
      this.haltedBecause = `the checkpointer's subscription failed: ${(error as Error).message}`;
      this.logger.error(this.haltedBecause);
    });
    if (this.config.audit.checkpointEveryMs > 0) {
      this.timer = repeat(this.config.audit.checkpointEveryMs, async () => this.signPending(), { delayFirst: true });
    }
  }

  /** The events since the last checkpoint are signed before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.timer?.stop(), this.consumer?.stop()]);
    this.timer = this.consumer = undefined;
    this.signPending();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.timer?.stop();
  }

  /**
   * Signs a checkpoint of everything stored when asked (before a backup, at the start of an audit) and
   * answers it; when nothing came since the latest checkpoint, answers that one.
   */
  async checkpointNow(): Promise<Checkpoint | undefined> {
    if (!this.key) throw new CheckpointRefusedError('no-signing-key', 'no checkpoint signing key is configured (AUDIT_SIGNING_KEY_FILE)');
    if (this.haltedBecause) throw new CheckpointRefusedError('checkpointer-halted', this.haltedBecause);
    const { lastPosition } = await this.store.status();
    if (lastPosition !== undefined) await this.reach(lastPosition);
    this.signPending();
    return this.latestSigned;
  }

  private take(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      this.chain!.add(event);
      this.pending += 1;
      // At exact multiples, so checkpoints fall at the same positions however the events were batched.
      if (this.chain!.count % this.config.audit.checkpointEveryEvents === 0) this.signPending();
    }
    this.reached = events[events.length - 1].position;
    this.waiters.reached(this.reached);
  }

  private signPending(): void {
    if (!this.key || !this.chain || this.pending === 0 || this.haltedBecause) return;
    const checkpoint = signCheckpoint(this.chain.state(), this.clock.now().toISOString(), this.key);
    try {
      const { cutBytes } = appendCheckpoint(this.localFile, checkpoint);
      if (cutBytes > 0) this.logger.warn(`cut ${cutBytes} bytes of a checkpoint line left unfinished by a crash from ${this.localFile}`);
    } catch (error) {
      // Kept pending: the next checkpoint covers these events too.
      this.logger.error(`checkpoint at position ${checkpoint.position} not written to ${this.localFile}: ${(error as Error).message}`);
      return;
    }
    this.pending = 0;
    this.latestSigned = checkpoint;
    if (this.copyFile) {
      try {
        appendCheckpoint(this.copyFile, checkpoint);
      } catch (error) {
        // The next start copies it; until then verification reports it as missing from the copy.
        this.logger.warn(`checkpoint at position ${checkpoint.position} not copied to ${this.copyFile}: ${(error as Error).message}`);
      }
    }
  }

  /** Adds to the auditor's copy the checkpoints only the data folder holds (written before a crash, or while the copy was away). */
  private syncCopy(trusted: TrustedCheckpoints['trusted']): void {
    if (!this.copyFile) return;
    for (const c of trusted) {
      if (c.source !== 'local') continue;
      const { source: _source, ...checkpoint } = c;
      try {
        appendCheckpoint(this.copyFile, checkpoint);
      } catch (error) {
        this.logger.warn(`checkpoints not copied to ${this.copyFile}: ${(error as Error).message}`);
        return;
      }
    }
  }

  /** Why the log does not hold the checkpoint's last event where and as it was signed, if it does not. */
  private async contradiction(c: Checkpoint): Promise<string | undefined> {
    const [event] = await this.store.readStream(c.last.stream, { fromRevision: c.last.revision, maxCount: 1 });
    if (!event || event.revision !== c.last.revision) return `${c.last.stream} revision ${c.last.revision} is gone`;
    if (event.metadata.hash !== c.last.hash) return `${c.last.stream} revision ${c.last.revision} has another hash`;
    if (event.position.toString() !== c.position) return `${c.last.stream} revision ${c.last.revision} moved from position ${c.position} to ${event.position}`;
    return undefined;
  }

  private reach(position: Position): Promise<void> {
    if (this.reached !== undefined && this.reached >= position) return Promise.resolve();
    return this.waiters.wait(
      position,
      CATCH_UP_MS,
      () => new CheckpointRefusedError('checkpoint-timeout', `the checkpointer has not reached position ${position} after ${CATCH_UP_MS} ms`),
    );
  }
}
