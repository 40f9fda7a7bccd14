import { join } from 'node:path';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { deadlineRules } from '../../application/deadlines';
import { EVENT_STORE, EventStore, Position } from '../../application/event-store';
import { AppConfig } from '../../config';
import { ProgramCatalog } from '../../domain/catalog/program-catalog';
import { APP_CONFIG } from '../event-store/event-store.module';
import { Projection } from '../projections/projection';
import { ProjectionRunner, ProjectionTimeoutError } from '../projections/projection-runner';
import { ProblemError } from '../http/problem.filter';
import { cycleDashboardProjection } from './cycles/cycle-dashboard.projection';
import { deadlinesProjection } from './deadlines/deadlines.projection';
import { documentCitationsProjection } from './documents/document-citations.projection';
import { enterpriseRegistryProjection } from './enterprises/enterprise-registry.projection';
import { organisationsProjection, peopleProjection } from './people/people.projection';
import { projectStatusProjection } from './projects/project-status.projection';
import { fundingProjection } from './funding/funding.projection';
import { notificationsProjection } from './notifications/notifications.projection';

/** Every read model, under the configured catalog (the deadlines are derived with its rules). */
export const projectionsFor = (catalog: ProgramCatalog): readonly Projection[] => [
  projectStatusProjection,
  cycleDashboardProjection,
  fundingProjection,
  enterpriseRegistryProjection,
  deadlinesProjection(deadlineRules(catalog)),
  documentCitationsProjection,
  organisationsProjection,
  peopleProjection,
  notificationsProjection,
];

/** How long a query waits for the read models to reach the position a client names. */
const READ_YOUR_WRITES_BOUND_MS = 2000;

/** The read-model database beside the event store, kept current by the projection runner from start to shutdown. */
@Injectable()
export class ReadModels implements OnModuleInit, OnApplicationShutdown {
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;

  constructor(@Inject(EVENT_STORE) readonly store: EventStore, @Inject(APP_CONFIG) config: AppConfig) {
    this.db = ProjectionRunner.openDatabase(join(config.dataDir, 'read-models.db'));
    this.runner = new ProjectionRunner(store, this.db, projectionsFor(config.catalog));
  }

  /** Started before anything that reads the tables (the deadline scheduler starts at bootstrap). */
  onModuleInit(): void {
    this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.db.close();
  }

  /** Waits (bounded) until the read models include everything stored now. */
  async reachStored(): Promise<void> {
    await this.reach((await this.store.status()).lastPosition);
  }

  /** Waits (bounded) until the read models include the event at `position`, so a client reads its own writes. */
  async reach(position: Position | undefined): Promise<void> {
    if (position === undefined) return;
    try {
      await this.runner.waitFor(position, READ_YOUR_WRITES_BOUND_MS);
    } catch (error) {
      if (!(error instanceof ProjectionTimeoutError)) throw error;
      throw new ProblemError({
        status: 503,
        code: 'read-model-behind',
        title: 'Service Unavailable',
        detail: error.message,
        position: position.toString(),
        readModelPosition: error.checkpoint?.toString() ?? null,
      });
    }
  }
}
