import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Clock, CLOCK } from '../../application/clock';
import { commandDoors } from '../../application/command-doors';
import { deadlineRules } from '../../application/deadlines';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';
import { DeadlineScheduler } from './deadline-scheduler';

/**
 * Runs the deadline scheduler over the read models for the life of the service. Its commands go
 * through the CommandBus to the aggregates' handlers, the one door the controllers use too: the
 * enterprise's rules come from the configured catalog there, as for every enterprise command.
 */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly scheduler: DeadlineScheduler;
  private readonly logger = new Logger('Deadlines');

  constructor(
    @Inject(CLOCK) clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    readModels: ReadModels,
    commands: CommandBus,
  ) {
    this.scheduler = new DeadlineScheduler({
      db: readModels.db,
      rules: deadlineRules(config.catalog),
      doors: commandDoors(commands),
      clock,
      onError: (error, deadline) =>
        this.logger.warn({ msg: 'deadline failed', deadline: deadline && `${deadline.stream}/${deadline.kind}/${deadline.key}`, error: (error as Error).message }),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.schedulerIntervalMs > 0) this.scheduler.start(this.config.schedulerIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
