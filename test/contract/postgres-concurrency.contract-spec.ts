import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ConcurrencyError, EventRejectedError, NewEvent, RecordedEvent, StoreBusyError, Subscription } from '../../src/application/event-store';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres.event-store';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';

/**
 * The PostgreSQL adapter under writers that are really concurrent: separate stores, each with its own
 * connection, as separate service instances would be. A subscriber running from the start must see
 * every acknowledged event exactly once, in one order it never has to revise.
 */

const event = (type: string, data: NewEvent['data'] = {}): NewEvent => ({ id: randomUUID(), type, data, metadata: {} });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A subscriber from the start that keeps everything it is given. */
function record(store: PostgresEventStore) {
  const seen: RecordedEvent[] = [];
  const subscription: Subscription = store.subscribeToAll({
    onEvents: async (events) => {
      seen.push(...events);
      // A handler that takes its time: the next batch waits for it.
      if (Math.random() < 0.2) await sleep(2);
    },
  });
  const until = async (done: (seen: RecordedEvent[]) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(seen)) {
      if (Date.now() > deadline) throw new Error(`the subscriber has ${seen.length} events and waits for more`);
      await sleep(10);
    }
  };
  return { seen, subscription, until };
}

describe('PostgreSQL store under concurrent writers', () => {
  let schema: string;
  let stores: PostgresEventStore[] = [];
  const open = (poolSize = 1) => {
    const store = new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, pollIntervalMs: 100, poolSize });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    schema = freshSchema('concurrency');
    stores = [];
    await open(2).ready();
  });
  afterEach(async () => {
    try {
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await dropSchema(schema);
    }
  });

  it('gives a subscriber from the start every event of 50 concurrent writers once, in one order, each stream in revision order', async () => {
    const reader = open(2);
    const { seen, subscription, until } = record(reader);
    const writers = Array.from({ length: 50 }, () => open(1));
    const hot = Array.from({ length: 5 }, (_, i) => `hot-${i}-${randomUUID()}`);
    const acknowledged = new Map<string, bigint>();
    let conflicts = 0;

    await Promise.all(
      writers.map(async (writer, w) => {
        const own = Array.from({ length: 3 }, (_, i) => `own-${w}-${i}-${randomUUID()}`);
        const revisions = new Map<string, number>();
        let ownAppends = 0;
        for (let i = 0; i < 12; i += 1) {
          if (i % 3 === 2) {
            // A stream every writer wants: decide on what was read, and lose to another writer now and then.
            const stream = hot[(w + i) % hot.length];
            for (;;) {
              const [last] = await writer.readStream(stream, { direction: 'backwards', maxCount: 1 });
              const events = [event('Hot', { w, i }), event('Hot', { w, i, second: true })];
              try {
                const result = await writer.append(stream, events, last ? last.revision : 'no_stream');
                events.forEach((e, k) => acknowledged.set(e.id, result.position - BigInt(events.length - 1 - k)));
                break;
              } catch (error) {
                if (!(error instanceof ConcurrencyError)) throw error;
                conflicts += 1;
              }
            }
          } else {
            const stream = own[ownAppends % own.length];
            ownAppends += 1;
            const events = Array.from({ length: 1 + (i % 3) }, () => event('Own', { w, i }));
            const result = await writer.append(stream, events, revisions.get(stream) ?? 'no_stream');
            revisions.set(stream, result.nextRevision);
            events.forEach((e, k) => acknowledged.set(e.id, result.position - BigInt(events.length - 1 - k)));
          }
        }
      }),
    );

    await until((events) => events.length >= acknowledged.size);
    // Nothing more arrives after the last acknowledged event.
    await sleep(150);
    await subscription.stop();

    // Per writer: 8 appends of 1 or 2 events to its own streams (12 events) and 4 of 2 to the hot ones.
    expect(acknowledged.size).toBe(50 * 20);
    expect(seen).toHaveLength(acknowledged.size);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    for (const e of seen) expect(acknowledged.get(e.id)).toBe(e.position);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i].position > seen[i - 1].position).toBe(true);
    const revisions = new Map<string, number>();
    for (const e of seen) {
      expect(e.revision).toBe((revisions.get(e.stream) ?? -1) + 1);
      revisions.set(e.stream, e.revision);
    }
    expect(revisions.size).toBe(50 * 3 + 5);
    // The log read afterwards is the order the subscriber was given.
    expect((await reader.readAll()).map((e) => e.id)).toEqual(seen.map((e) => e.id));
    expect(conflicts).toBeGreaterThan(0);
  });

  it('delivers nothing committed after a position that is taken but not yet committed, then both in order', async () => {
    const reader = open(2);
    const writer = open(1);
    const { seen, subscription, until } = record(reader);
    await reader.append(`before-${randomUUID()}`, [event('Before')], 'no_stream');
    await until((events) => events.length === 1);

    // An append whose transaction takes its position and keeps its commit open (a slow writer).
    const slow = new Client({ connectionString: TEST_DATABASE_URL });
    await slow.connect();
    try {
      const held = event('Held');
      await slow.query('BEGIN');
      const { rows } = await slow.query<{ r_outcome: string; r_position: string }>(
        `SELECT * FROM "${schema}".append_events_v1($1::jsonb, 10000)`,
        [JSON.stringify([{ stream: `slow-${randomUUID()}`, expected: 'no_stream', events: [held] }])],
      );
      expect(rows[0]).toMatchObject({ r_outcome: 'ok', r_position: '2' });

      // A later append from another instance: it must not become visible before the held one.
      let settled = false;
      const later = event('Later');
      const quick = writer.append(`quick-${randomUUID()}`, [later], 'no_stream').finally(() => {
        settled = true;
      });
      await sleep(400);
      expect(settled).toBe(false);
      expect(seen.map((e) => e.type)).toEqual(['Before']);
      expect((await reader.readAll()).map((e) => e.type)).toEqual(['Before']);

      await slow.query('COMMIT');
      const result = await quick;
      expect(result.position).toBe(3n);
      await until((events) => events.length === 3);
      expect(seen.map((e) => [e.type, e.position])).toEqual([
        ['Before', 1n],
        ['Held', 2n],
        ['Later', 3n],
      ]);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await slow.end();
    }
    await subscription.stop();
  });

  it('gives the position of an append that rolled back to the next one, which the subscriber receives', async () => {
    const reader = open(2);
    const writer = open(1);
    const { seen, subscription, until } = record(reader);
    const slow = new Client({ connectionString: TEST_DATABASE_URL });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT * FROM "${schema}".append_events_v1($1::jsonb, 10000)`, [
        JSON.stringify([{ stream: `slow-${randomUUID()}`, expected: 'no_stream', events: [event('RolledBack')] }]),
      ]);
      const quick = writer.append(`quick-${randomUUID()}`, [event('Kept')], 'no_stream');
      await sleep(200);
      await slow.query('ROLLBACK');
      expect((await quick).position).toBe(1n);
      await until((events) => events.length === 1);
      await sleep(100);
      expect(seen.map((e) => [e.type, e.position])).toEqual([['Kept', 1n]]);
    } finally {
      await slow.end();
    }
    await subscription.stop();
  });

  it('wakes a subscriber at once by NOTIFY for another instance\'s commit, and goes on when its connections are cut', async () => {
    // Polling every 10 s: a delivery within a second comes from the notification.
    const reader = new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, pollIntervalMs: 10_000, applicationName: `reader-${schema}` });
    stores.push(reader);
    const writer = open(1);
    const { seen, subscription, until } = record(reader);
    await sleep(200); // caught up on the empty log and listening
    let started = Date.now();
    await writer.append(`notified-${randomUUID()}`, [event('First')], 'no_stream');
    await until((events) => events.length === 1, 1_000);
    const firstDelay = Date.now() - started;
    expect(firstDelay).toBeLessThan(1_000);

    // The server ends every connection of the reader (a restart, a DBA): it connects again and reads on.
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>(
        'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1',
        [`reader-${schema}`],
      );
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    await sleep(100);
    started = Date.now();
    await writer.append(`notified-${randomUUID()}`, [event('Second')], 'no_stream');
    await until((events) => events.length === 2, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen.map((e) => e.type)).toEqual(['First', 'Second']);
    await subscription.stop();
  });

  it('answers the same result to the same append sent twice at once, in one group commit and from two instances', async () => {
    const store = open(2);
    const other = open(1);
    const s = `twice-${randomUUID()}`;
    const events = [event('A'), event('B')];
    const results = await Promise.all([
      store.append(s, events, 'no_stream'),
      store.append(s, events, 'no_stream'),
      other.append(s, events, 'no_stream'),
    ]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0].nextRevision).toBe(1);
    expect((await store.readStream(s)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    // The ids of other events: refused, nothing written.
    const error = await store.append(`other-${randomUUID()}`, [events[0]], 'no_stream').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventRejectedError);
    expect(await store.readAll()).toHaveLength(2);
  });

  it('refuses an append that waited its busy budget for the write lock with StoreBusyError, nothing written', async () => {
    const impatient = new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, busyBudgetMs: 200, poolSize: 1 });
    stores.push(impatient);
    const slow = new Client({ connectionString: TEST_DATABASE_URL });
    await slow.connect();
    const s = `busy-${randomUUID()}`;
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT * FROM "${schema}".append_events_v1($1::jsonb, 10000)`, [
        JSON.stringify([{ stream: `slow-${randomUUID()}`, expected: 'no_stream', events: [event('Slow')] }]),
      ]);
      const started = Date.now();
      const error = await impatient.append(s, [event('Waited')], 'no_stream').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreBusyError);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      await slow.end();
    }
    expect(await impatient.readStream(s)).toEqual([]);
    expect((await impatient.append(s, [event('Again')], 'no_stream')).nextRevision).toBe(0);
  });

  it('creates its schema once when ten instances start on an empty database at once', async () => {
    const empty = freshSchema('startup');
    const starting = Array.from({ length: 10 }, () => new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema: empty, poolSize: 1 }));
    try {
      await Promise.all(starting.map((store) => store.ready()));
      await Promise.all(starting.map((store, i) => store.append(`start-${i}`, [event('Started')], 'no_stream')));
      expect(await starting[0].readAll()).toHaveLength(10);
    } finally {
      await Promise.all(starting.map((store) => store.close()));
      await dropSchema(empty);
    }
  });

  it('runs on a schema made ahead (schemaSql) with an account that may not change it', async () => {
    const role = `als_app_${randomUUID().slice(0, 8)}`;
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    const password = randomUUID();
    url.password = password;
    const limited = new PostgresEventStore({ connectionString: url.toString(), schema, poolSize: 1 });
    try {
      // The schema of this test exists already (beforeEach); a DBA's script would run schemaSql() here.
      await admin.query(PostgresEventStore.schemaSql(schema));
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`);
      await admin.query(`GRANT SELECT, INSERT ON "${schema}".events TO ${role}`);
      const result = await limited.append(`limited-${randomUUID()}`, [event('ByTheService')], 'no_stream');
      expect(result.nextRevision).toBe(0);
      expect((await limited.status()).ok).toBe(true);
      // It could not have made the table itself.
      const refused = await admin
        .query(`SET ROLE ${role}; CREATE TABLE "${schema}".other (x int)`)
        .then(() => undefined, (error: Error) => error);
      expect(refused?.message).toMatch(/permission denied/);
    } finally {
      await admin.query('RESET ROLE').catch(() => undefined);
      await limited.close();
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    }
  });

  it('(control) loses an event on this server when positions come from a plain sequence read as position > last', async () => {
    // Why the adapter orders commits: the hazard is real, here, with the very same server.
    const a = new Client({ connectionString: TEST_DATABASE_URL });
    const b = new Client({ connectionString: TEST_DATABASE_URL });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query(`CREATE TABLE "${schema}".naive (position bigserial PRIMARY KEY, name text NOT NULL)`);
      await a.query('BEGIN');
      await a.query(`INSERT INTO "${schema}".naive (name) VALUES ('first, committed late')`);
      await b.query(`INSERT INTO "${schema}".naive (name) VALUES ('second, committed at once')`);
      const read = (after: number) =>
        b.query<{ position: string }>(`SELECT position FROM "${schema}".naive WHERE position > $1 ORDER BY position`, [after]);
      const first = await read(0);
      expect(first.rows.map((r) => Number(r.position))).toEqual([2]);
      await a.query('COMMIT');
      const next = await read(2);
      expect(next.rows).toEqual([]); // position 1 is committed now, and a reader past 2 never sees it
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await Promise.all([a.end(), b.end()]);
    }
  });
});
