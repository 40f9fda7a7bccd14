import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DECIDERS } from '../../application/aggregates';
import { Clock, CLOCK } from '../../application/clock';
import { DEADLINE_RULES, SchedulingDecider } from '../../application/deadlines';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';
import { DeadlineScheduler } from './deadline-scheduler';

/** Runs the deadline scheduler over the read models for the life of the service. */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly scheduler: DeadlineScheduler;
  private readonly logger = new Logger('Deadlines');

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    readModels: ReadModels,
  ) {
    this.scheduler = new DeadlineScheduler({
      store,
      db: readModels.db,
      rules: DEADLINE_RULES,
      deciders: DECIDERS as Readonly<Record<string, SchedulingDecider>>,
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
