import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../../test/support/postgres-test-db';
import { openShared } from '../projections/sqlite-busy';
import { nextDigestAt, NoticeToPlan, Postbox, RetryPolicy, SqlitePostbox } from './postbox';
import { PostgresPostbox, postboxSchemaSql } from './postgres-postbox';

const notice = (id: string, position: bigint, over: Partial<NoticeToPlan> = {}): NoticeToPlan => ({
  id,
  personId: 'p-1',
  kind: 'approval',
  subject: 'project',
  recordId: 'project-1',
  title: '机电一体化技术',
  outcome: 'approved',
  dueOn: null,
  at: '2027-10-31T02:00:00.000Z',
  position,
  email: 'p1@example.cn',
  name: '王老师',
  active: true,
  ...over,
});

const BOTH = { email: true, sms: true };
const POLICY: RetryPolicy = { retryMs: 1000, maxRetryMs: 4000, maxAttempts: 4 };

/** One store of a postbox for a test, and as many postboxes over it as a test opens (several processes' views). */
interface PostboxStore {
  open(): Postbox;
  remove(): Promise<void>;
}

const STORES: [string, () => PostboxStore][] = [
  [
    'SQLite (notifications.db)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'als-postbox-'));
      return { open: () => new SqlitePostbox(openShared(join(dir, 'notifications.db'), 'NORMAL'), POLICY), remove: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL (the store’s schema)',
    () => {
      const schema = freshSchema('postbox');
      return { open: () => new PostgresPostbox({ connectionString: TEST_DATABASE_URL, schema, policy: POLICY }), remove: () => dropSchema(schema) };
    },
  ],
];

describe.each(STORES)('the postbox on %s', (_name, storeOf) => {
  let store: PostboxStore;
  let opened: Postbox[];
  let postbox: Postbox;
  const another = () => {
    const one = store.open();
    opened.push(one);
    return one;
  };
  beforeEach(async () => {
    store = storeOf();
    opened = [];
    postbox = another();
    await postbox.startAt(10n);
  });
  afterEach(async () => {
    await Promise.all(opened.map((p) => p.close()));
    await store.remove();
  });

  it('sends the digest at the hour in Beijing strictly after now', () => {
    expect(nextDigestAt(new Date('2027-10-30T23:59:00Z'), 8).toISOString()).toBe('2027-10-31T00:00:00.000Z'); // 07:59 → 08:00 the same day
    expect(nextDigestAt(new Date('2027-10-31T00:00:00Z'), 8).toISOString()).toBe('2027-11-01T00:00:00.000Z'); // 08:00 → the next day's
    expect(nextDigestAt(new Date('2027-10-31T15:30:00Z'), 0).toISOString()).toBe('2027-10-31T16:00:00.000Z'); // 23:30 → midnight
  });

  it('sets the first start’s checkpoint once, whoever starts first', async () => {
    expect(await postbox.startAt(20n)).toBe(false);
    expect(await another().checkpoint()).toBe(10n);
    const fresh = storeOf();
    try {
      const starting = [fresh.open(), fresh.open(), fresh.open(), fresh.open()];
      opened.push(...starting);
      expect(await Promise.all(starting.map((p) => p.checkpoint()))).toEqual([undefined, undefined, undefined, undefined]);
      const set = await Promise.all(starting.map((p, n) => p.startAt(BigInt(100 + n))));
      expect(set.filter(Boolean)).toHaveLength(1);
      const [first] = set.flatMap((won, n) => (won ? [BigInt(100 + n)] : []));
      expect(await Promise.all(starting.map((p) => p.checkpoint()))).toEqual([first, first, first, first]);
    } finally {
      await Promise.all(opened.splice(1).map((p) => p.close()));
      await fresh.remove();
    }
  });

  it('plans each notice once: what the checkpoint passed is left alone, by this process or another', async () => {
    expect(await postbox.plan([notice('a', 9n), notice('b', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:00Z'), 8)).toBe(1);
    expect(await postbox.checkpoint()).toBe(11n);
    expect(await another().plan([notice('b', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:01Z'), 8)).toBe(0);
    expect((await postbox.deliveries()).map((d) => d.id)).toEqual(['b']);
  });

  it('plans each notice once when several processes plan the same rows at the same time', async () => {
    const notices = Array.from({ length: 40 }, (_, n) => notice(`n-${n}`, BigInt(11 + n), { personId: `p-${n % 7}` }));
    const planners = [postbox, another(), another(), another()];
    // Each reads up to a different position, as processes whose read models are at different places would.
    const planned = await Promise.all(planners.map((p, n) => p.plan(notices.slice(0, 10 * (n + 1)), BigInt(10 + 10 * (n + 1)), BOTH, new Date('2027-10-31T02:00:00Z'), 8)));
    expect(planned.reduce((a, b) => a + b, 0)).toBe(40);
    expect(await postbox.checkpoint()).toBe(50n);
    expect((await postbox.deliveries()).map((d) => d.id).sort()).toEqual(notices.map((n) => n.id).sort());
  });

  it('moves the checkpoint without planning when no channel is configured', async () => {
    expect(await postbox.plan([notice('a', 12n)], 12n, { email: false, sms: false }, new Date('2027-10-31T02:00:00Z'), 8)).toBe(0);
    expect(await postbox.checkpoint()).toBe(12n);
    expect(await postbox.deliveries()).toEqual([]);
  });

  it('plans nothing for a person who is not active or has no address', async () => {
    expect(await postbox.plan([notice('a', 11n, { active: false }), notice('b', 12n, { email: null })], 12n, BOTH, new Date('2027-10-31T02:00:00Z'), 8)).toBe(0);
    expect(await postbox.deliveries()).toEqual([]);
  });

  it('texts only reminders, to a person who gave a number and asked; the choices are shared by every process', async () => {
    await another().setPreferences('p-1', { mutedKinds: ['deadline-ahead', 'deadline-ahead'], emailMode: 'immediate', language: 'en', mobile: '13912345678', smsReminders: true }, new Date());
    expect(await postbox.preferences('p-1')).toEqual({ mutedKinds: ['deadline-ahead'], emailMode: 'immediate', language: 'en', mobile: '13912345678', smsReminders: true });
    expect(await postbox.preferences('p-2')).toEqual({ mutedKinds: [], emailMode: 'immediate', language: 'zh', mobile: null, smsReminders: false });
    await postbox.plan([notice('approval', 11n), notice('reminder', 12n, { kind: 'deadline-ahead', outcome: 'construction-plan', dueOn: '2027-11-30' })], 12n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    expect((await postbox.deliveries()).map((d) => [d.id, d.channel, d.address, d.language]).sort()).toEqual([
      ['approval', 'email', 'p1@example.cn', 'en'],
      ['reminder', 'sms', '13912345678', 'en'],
    ]);
    const [sms] = await postbox.deliveries({ personId: 'p-1' }).then((all) => all.filter((d) => d.channel === 'sms'));
    expect(sms).toMatchObject({ status: 'pending', attempts: 0, name: '王老师', notice: { id: 'reminder', kind: 'deadline-ahead', dueOn: '2027-11-30', title: '机电一体化技术' }, items: [] });
    expect(await postbox.deliveries({ personId: 'p-2' })).toEqual([]);
  });

  it('backs off doubling to the bound and dead-letters after the last attempt; a claim is one process’s', async () => {
    await postbox.plan([notice('a', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    const other = another();
    let now = new Date('2027-10-31T02:00:00Z');
    const waits: (string | null)[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const [claimed] = await postbox.claim('one', now, Date.now() + 60_000, 5, ['email']);
      expect(await other.claim('two', now, Date.now() + 60_000, 5, ['email'])).toEqual([]);
      await other.failed(claimed, 'two', 'not theirs', now);
      await postbox.failed(claimed, 'one', `451 attempt ${attempt}`, now);
      const [after] = await postbox.deliveries();
      waits.push(after.nextAttemptAt && String((Date.parse(after.nextAttemptAt) - now.getTime()) / 1000));
      if (after.nextAttemptAt) now = new Date(after.nextAttemptAt);
    }
    expect(waits).toEqual(['1', '2', '4', null]);
    expect((await postbox.deliveries())[0]).toMatchObject({ status: 'dead', attempts: 4, lastError: '451 attempt 4' });
    expect((await other.deliveries({ status: 'dead' })).map((d) => d.id)).toEqual(['a']);
    expect(await postbox.claim('one', new Date('2030-01-01T00:00:00Z'), Date.now() + 60_000, 5, ['email'])).toEqual([]);
    // The office retries it (through any process): due at once, all its attempts again.
    expect(await other.retry({ personId: 'p-1', id: 'nothing', channel: 'email' }, now)).toBe(false);
    expect(await other.retry({ personId: 'p-1', id: 'a', channel: 'email' }, now)).toBe(true);
    expect(await other.retry({ personId: 'p-1', id: 'a', channel: 'email' }, now)).toBe(false);
    const [again] = await postbox.claim('one', now, Date.now() + 60_000, 5, ['email']);
    expect(again).toMatchObject({ id: 'a', attempts: 0, status: 'pending' });
    await postbox.sent(again, now);
    expect((await other.deliveries())[0]).toMatchObject({ status: 'sent', attempts: 1, sentAt: now.toISOString(), nextAttemptAt: null });
  });

  it('gives a released claim to any process at once, and an expired one too', async () => {
    await postbox.plan([notice('a', 11n)], 11n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    const now = new Date('2027-10-31T02:00:00Z');
    const other = another();
    const [mine] = await postbox.claim('one', now, Date.now() + 60_000, 5, ['email']);
    await postbox.release(mine, 'two');
    expect(await other.claim('two', now, Date.now() + 60_000, 5, ['email'])).toEqual([]);
    await postbox.release(mine, 'one');
    const [theirs] = await other.claim('two', now, Date.now() - 1, 5, ['email']);
    expect(theirs.id).toBe('a');
    // Their claim ran out (a process that crashed): another takes it.
    expect((await postbox.claim('one', now, Date.now() + 60_000, 5, ['email'])).map((d) => d.id)).toEqual(['a']);
    // Only the channels asked for.
    await postbox.release(mine, 'one');
    expect(await postbox.claim('one', now, Date.now() + 60_000, 5, ['sms'])).toEqual([]);
  });

  it('hands each due delivery to one of several processes claiming at the same time, in the order they fell due', async () => {
    const notices = Array.from({ length: 30 }, (_, n) => notice(`n-${n}`, BigInt(11 + n), { personId: `p-${n}` }));
    await postbox.plan(notices, 40n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    const claimers = [postbox, another(), another()];
    const taken: string[][] = claimers.map(() => []);
    await Promise.all(
      claimers.map(async (p, n) => {
        for (;;) {
          const claimed = await p.claim(`owner-${n}`, new Date('2027-10-31T02:00:00Z'), Date.now() + 60_000, 1, ['email']);
          if (claimed.length === 0) return;
          taken[n].push(claimed[0].id);
          await p.sent(claimed[0], new Date('2027-10-31T02:00:01Z'));
        }
      }),
    );
    expect(taken.flat().sort()).toEqual(notices.map((n) => n.id).sort());
    expect(new Set(taken.flat()).size).toBe(30);
    expect((await postbox.deliveries({ status: 'sent' })).length).toBe(30);
    // Several at once: the earliest due first.
    await postbox.plan([notice('late', 41n, { at: '2027-10-31T03:00:00.000Z' })], 41n, BOTH, new Date('2027-10-31T03:00:00Z'), 8);
    await postbox.plan([notice('early', 42n)], 42n, BOTH, new Date('2027-10-31T02:30:00Z'), 8);
    expect((await postbox.claim('one', new Date('2027-10-31T04:00:00Z'), Date.now() + 60_000, 5, ['email'])).map((d) => d.id)).toEqual(['early', 'late']);
  });

  it('fixes a digest once it was claimed: a later notice goes to the next day’s', async () => {
    await postbox.setPreferences('p-1', { mutedKinds: [], emailMode: 'digest', language: 'zh', mobile: null, smsReminders: false }, new Date());
    await postbox.plan([notice('a', 11n, { at: '2027-10-31T02:00:01.000Z' }), notice('b', 12n)], 12n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
    expect(await postbox.claim('one', new Date('2027-10-31T23:59:59Z'), Date.now() + 60_000, 5, ['email'])).toEqual([]);
    const [digest] = await postbox.claim('one', new Date('2027-11-01T00:00:00Z'), Date.now() + 60_000, 5, ['email']);
    // Listed in the order they happened.
    expect([digest.id, digest.notice, digest.items.map((i) => i.id)]).toEqual(['digest:p-1:2027-11-01', null, ['b', 'a']]);
    expect(digest.items[0]).toEqual({ id: 'b', kind: 'approval', subject: 'project', recordId: 'project-1', title: '机电一体化技术', outcome: 'approved', dueOn: null, at: '2027-10-31T02:00:00.000Z' });
    // Planned (by another process's clock) before the hour, while this digest is being sent.
    await another().plan([notice('c', 13n)], 13n, BOTH, new Date('2027-10-31T23:59:59Z'), 8);
    await postbox.sent(digest, new Date('2027-11-01T00:00:01Z'));
    expect((await postbox.deliveries()).map((d) => [d.id, d.status, d.items.map((i) => i.id)])).toEqual([
      ['digest:p-1:2027-11-02', 'pending', ['c']],
      ['digest:p-1:2027-11-01', 'sent', ['b', 'a']],
    ]);
  });
});

describe('the postbox on PostgreSQL, in particular', () => {
  const schema = freshSchema('postbox');
  afterAll(() => dropSchema(schema));

  it('makes its tables in the store’s schema once, ten instances starting at once on an empty schema', async () => {
    const postboxes = Array.from({ length: 10 }, () => new PostgresPostbox({ connectionString: TEST_DATABASE_URL, schema, policy: POLICY, poolSize: 1 }));
    try {
      expect(await Promise.all(postboxes.map((p) => p.checkpoint()))).toEqual(Array(10).fill(undefined));
      const client = new Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
        expect(rows.map((r) => r.table_name)).toEqual(['postbox_checkpoint', 'postbox_deliveries', 'postbox_digest_items', 'postbox_preferences']);
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(postboxes.map((p) => p.close()));
    }
  });

  it('runs on tables made ahead with an account that may not change the schema', async () => {
    const role = `als_postbox_${randomUUID().slice(0, 8)}`;
    const ahead = freshSchema('postbox');
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    url.password = randomUUID();
    const limited = new PostgresPostbox({ connectionString: url.toString(), schema: ahead, policy: POLICY, poolSize: 1 });
    const schema = ahead;
    try {
      // A DBA's script: the schema and postboxSchemaSql(); the service's account may only read and write rows.
      await admin.query(`CREATE SCHEMA "${schema}"`);
      for (const statement of postboxSchemaSql(schema)) await admin.query(statement);
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${url.password}'`);
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`);
      await admin.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
      expect(await limited.startAt(0n)).toBe(true);
      await limited.setPreferences('p-1', { mutedKinds: [], emailMode: 'digest', language: 'en', mobile: null, smsReminders: false }, new Date());
      expect(await limited.plan([notice('a', 1n), notice('b', 2n, { personId: 'p-2' })], 2n, BOTH, new Date('2027-10-31T02:00:00Z'), 8)).toBe(2);
      const claimed = await limited.claim('one', new Date('2027-11-01T00:00:00Z'), Date.now() + 60_000, 5, ['email']);
      expect(claimed.map((d) => [d.id, d.items.map((i) => i.id)])).toEqual([
        ['b', []],
        ['digest:p-1:2027-11-01', ['a']],
      ]);
      await limited.failed(claimed[0], 'one', '451', new Date('2027-11-01T00:00:00Z'));
      await limited.sent(claimed[1], new Date('2027-11-01T00:00:01Z'));
      const refused = await admin.query(`SET ROLE ${role}; CREATE TABLE "${schema}".other (x int)`).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(refused?.message).toMatch(/permission denied/);
    } finally {
      await admin.query('RESET ROLE').catch(() => undefined);
      await limited.close();
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
      await dropSchema(ahead);
    }
  });

  it('does not take a claim that another transaction holds locked, and waits for nothing', async () => {
    const own = freshSchema('postbox');
    const one = new PostgresPostbox({ connectionString: TEST_DATABASE_URL, schema: own, policy: POLICY });
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    try {
      await one.startAt(0n);
      await one.plan([notice('locked', 1n), notice('free', 2n)], 2n, BOTH, new Date('2027-10-31T02:00:00Z'), 8);
      await client.connect();
      await client.query('BEGIN');
      await client.query(`SELECT 1 FROM "${own}".postbox_deliveries WHERE id = 'locked' FOR UPDATE`);
      const started = Date.now();
      expect((await one.claim('one', new Date('2027-10-31T03:00:00Z'), Date.now() + 60_000, 5, ['email'])).map((d) => d.id)).toEqual(['free']);
      expect(Date.now() - started).toBeLessThan(2000);
      await client.query('ROLLBACK');
      expect((await one.claim('one', new Date('2027-10-31T03:00:00Z'), Date.now() + 60_000, 5, ['email'])).map((d) => d.id)).toEqual(['locked']);
    } finally {
      await client.end().catch(() => undefined);
      await one.close();
      await dropSchema(own);
    }
  });
});
