import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import { Clock, CLOCK } from '../../application/clock';
import { commandDoors, CommandSender } from '../../application/command-doors';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandOutcome, readState } from '../../application/handle-command';
import { projectStream } from '../../application/streams';
import { CrossStreamEffects } from '../../application/cross-stream-effects';
import { projectDecider } from '../../domain/project/project.decider';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { ProjectionRunner } from '../projections/projection-runner';
import { isBusy, retryWhileBusySync } from '../projections/sqlite-busy';
import { Metrics } from '../metrics/metrics';
import { Reactor } from './reactor';

/**
 * Runs the reactor for the life of the service, and carries a client's command's cross-stream
 * effects at once, before the command answers: the reactor then finds them done. What fails inline
 * is left to the reactor's retries.
 *
 * The reactions go through the CommandBus to the aggregates' handlers, the one door the controllers
 * and the scheduler use too. The bus, not the handlers themselves, because this service is the
 * handlers' CrossStreamEffects: injecting them here would make a cycle of providers.
 */
@Injectable()
export class ReactorService implements CrossStreamEffects, OnApplicationBootstrap, OnApplicationShutdown {
  readonly reactor: Reactor;
  private readonly logger = new Logger('Reactor');
  /**
   * The reactor's checkpoint and failed reactions, in a file of their own: unlike the read models they
   * are not rebuilt from the log, so deleting or rebuilding read-models.db leaves them alone.
   */
  private readonly db: Database.Database;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    streams: FoldedStreams,
    @Inject(CommandBus) commands: CommandSender,
    metrics: Metrics,
  ) {
    this.db = ProjectionRunner.openDatabase(join(config.dataDir, 'reactor.db'));
    this.reactor = new Reactor({
      store,
      db: this.db,
      clock,
      doors: commandDoors(commands),
      cycleOf: async (projectId) => {
        const { state } = await readState(streams, projectDecider, projectStream(projectId));
        return state.status === 'None' ? undefined : state.cycleId;
      },
      onError: (error, reaction) => {
        if (reaction) metrics.reactionFailed();
        this.logger.warn({ msg: reaction ? 'reaction failed' : 'retrying failed reactions failed', stream: reaction?.stream, command: reaction?.command.type, error: (error as Error).message });
      },
    });
    this.adoptEarlierTables(join(config.dataDir, 'read-models.db'));
  }

  /**
   * Earlier versions kept the reactor's tables in read-models.db: on the first start with a file of
   * its own, the checkpoint and the failed reactions move over, so nothing is reacted to again and no
   * dead letter is lost.
   */
  private adoptEarlierTables(readModelsFile: string): void {
    if (this.reactor.checkpoint !== undefined || !existsSync(readModelsFile)) return;
    this.db.prepare('ATTACH DATABASE ? AS earlier').run(readModelsFile);
    try {
      // Looked at again under the write lock: a second process starting on the same folder may have moved them first.
      const moved = retryWhileBusySync(
        () =>
          this.db
            .transaction(() => {
              const tables = this.db.prepare("SELECT count(*) AS n FROM earlier.sqlite_master WHERE type = 'table' AND name IN ('reactor_checkpoint', 'reactor_failures')").get() as { n: number };
              if (tables.n < 2 || this.reactor.checkpoint !== undefined) return false;
              this.db.exec(`
                INSERT INTO main.reactor_checkpoint SELECT * FROM earlier.reactor_checkpoint;
                INSERT OR IGNORE INTO main.reactor_failures SELECT * FROM earlier.reactor_failures;
                DROP TABLE earlier.reactor_checkpoint;
                DROP TABLE earlier.reactor_failures;`);
              return true;
            })
            .immediate(),
        'move the reactor tables',
      );
      if (moved) this.logger.log('reactor checkpoint and failed reactions moved from read-models.db to reactor.db');
    } finally {
      this.db.exec('DETACH DATABASE earlier');
    }
  }

  onApplicationBootstrap(): void {
    this.reactor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.reactor.stop();
    this.db.close();
  }

  async after(outcome: CommandOutcome): Promise<void> {
    try {
      for (const event of outcome.written) await this.reactor.react({ ...event, stream: outcome.stream });
    } catch (error) {
      // The command is written; another process holding a lock only delays its effects to the reactor.
      if (!isBusy(error)) throw error;
      this.logger.warn({ msg: 'cross-stream effects left to the reactor: the store is busy', stream: outcome.stream, error: (error as Error).message });
    }
  }
}
