/**
 * Child process of the PostgreSQL crash test: appends batches of three events to many streams,
 * concurrently, and prints the id and position of each append the moment the store acknowledges
 * it. The parent kills it with SIGKILL at a random moment. Arguments: connection string, schema.
 */
import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres.event-store';

const schema = process.argv[3];
const store = new PostgresEventStore({ connectionString: process.argv[2], schema, poolSize: 4, applicationName: `crash-appender-${schema}` });
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

void store.ready().then(() => {
  process.stdout.write('ready\n');
  for (let worker = 0; worker < streams; worker += 1) void appender(worker);
});
