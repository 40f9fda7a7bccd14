/**
 * Child process of the crash tests: appends batches of three events to many streams, concurrently,
 * and prints the id and position of each append the moment the store acknowledges it. The parent
 * kills it with SIGKILL at a random moment. Arguments: `sqlite <file>` or `postgres <connection string> <schema>`.
 */
import { randomUUID } from 'node:crypto';
import { EventStore } from '../../src/application/event-store';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres.event-store';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite.event-store';

const [kind, where, schema] = process.argv.slice(2);
const store: EventStore =
  kind === 'postgres'
    ? new PostgresEventStore({ connectionString: where, schema, poolSize: 4, applicationName: `crash-appender-${schema}` })
    : new SqliteEventStore({ file: where });
const streams = 20;

async function appender(worker: number) {
  let revision: number | 'no_stream' = 'no_stream';
  const stream = `crash-${worker}`;
  for (;;) {
    const appendId = randomUUID();
    const events = [0, 1, 2].map((part) => ({
      id: randomUUID(),
      type: 'Part',
      data: { appendId, part, payload: 'x'.repeat(200 + part * 100) },
      metadata: { worker },
    }));
    const result = await store.append(stream, events, revision);
    revision = result.nextRevision;
    process.stdout.write(`${appendId} ${result.position}\n`);
  }
}

// A store that prepares its tables first (PostgreSQL) is ready before the first append is counted.
void Promise.resolve((store as Partial<{ ready(): Promise<void> }>).ready?.()).then(() => {
  process.stdout.write('ready\n');
  for (let worker = 0; worker < streams; worker += 1) void appender(worker);
});
