import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { SqliteEventStore } from './sqlite.event-store';

export const APP_CONFIG = Symbol('AppConfig');

export function openEventStore(config: AppConfig): EventStore {
  if (config.eventStore === 'esdb') {
    // Loaded only when chosen, so the embedded default never starts a gRPC client.
    const { EsdbEventStore } = require('./esdb.event-store') as {
      EsdbEventStore: new (options: { connectionString: string; maxEventBytes: number }) => EventStore;
    };
    return new EsdbEventStore({ connectionString: config.esdbConnectionString!, maxEventBytes: config.maxEventBytes });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ file: join(config.dataDir, 'events.db'), maxEventBytes: config.maxEventBytes });
}

@Injectable()
class EventStoreCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the configuration and the event store the configuration selects, closed on shutdown. */
@Global()
@Module({})
export class EventStoreModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        EventStoreCloser,
      ],
      exports: [APP_CONFIG, EVENT_STORE],
    };
  }
}
