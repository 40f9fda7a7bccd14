import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { Metrics } from '../metrics/metrics';
import { SqliteEventStore } from './sqlite.event-store';

export const APP_CONFIG = Symbol('AppConfig');

/** The store the configuration selects; `onCommit` hears of the embedded store's group commits. */
export function openEventStore(config: AppConfig, onCommit?: (appends: number) => void): EventStore {
  if (config.eventStore === 'postgres') {
    // Loaded only when chosen, like the gRPC client below.
    const { PostgresEventStore } = require('./postgres.event-store') as typeof import('./postgres.event-store');
    const { url, schema } = config.postgres!;
    return new PostgresEventStore({ connectionString: url, schema, maxEventBytes: config.maxEventBytes, onCommit, applicationName: 'accreditation-lifecycle-service' });
  }
  if (config.eventStore === 'esdb') {
    // Loaded only when chosen, so the embedded default never starts a gRPC client.
    const { EsdbEventStore } = require('./esdb.event-store') as {
      EsdbEventStore: new (options: { connectionString: string; maxEventBytes: number }) => EventStore;
    };
    return new EsdbEventStore({ connectionString: config.esdbConnectionString!, maxEventBytes: config.maxEventBytes });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.db'), maxEventBytes: config.maxEventBytes, onCommit });
}

@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the configuration, the service's metrics and the event store the configuration selects, closed on shutdown. */
@Global()
@Module({})
export class EventStoreModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Metrics, useValue: new Metrics() },
        {
          provide: EVENT_STORE,
          useFactory: async (metrics: Metrics) => {
            const store = openEventStore(config, (appends) => metrics.groupCommit(appends));
            // A PostgreSQL server that cannot be reached (or a schema that cannot be made) stops the start here.
            await (store as Partial<{ ready(): Promise<void> }>).ready?.();
            return store;
          },
          inject: [Metrics],
        },
        EventStoreCloser,
      ],
      exports: [APP_CONFIG, EVENT_STORE, Metrics],
    };
  }
}
