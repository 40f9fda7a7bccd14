/**
 * Child process of the crash test: appends batches of three events to many streams, concurrently,
 * and prints the id of each append the moment the store acknowledges it. The parent kills it with
 * SIGKILL at a random moment.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite.event-store';

const store = new SqliteEventStore({ file: process.argv[2] });
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
    process.stdout.write(`${appendId}\n`);
  }
}

for (let worker = 0; worker < streams; worker += 1) void appender(worker);
process.stdout.write('ready\n');
