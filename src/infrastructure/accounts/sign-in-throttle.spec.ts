import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SimulatedClock } from '../../application/clock';
import { StoreBusyError } from '../../application/event-store';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../../../test/support/postgres-test-db';
import { openShared } from '../projections/sqlite-busy';
import { PostgresSignInFailures, signInFailuresLock } from './postgres-sign-in-failures';
import { SignInFailures, SignInThrottle, SignInThrottleOptions, accountKey, addressKey } from './sign-in-throttle';

const MINUTE = 60_000;
const START = Date.parse('2025-10-09T01:00:00.000Z');

/** Where a test's failures are kept: a new connection to the same table on every call of `backing`, as another process has. */
interface Backend {
  setUp(): Promise<void>;
  backing(): Database.Database | SignInFailures;
  /** The accounts of the table's rows, in the order they were written. */
  rows(): Promise<{ account: string }[]>;
  /** Another process holding the table's write lock until the answer is called. */
  holdWriteLock(): Promise<() => Promise<void>>;
  tearDown(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir: string;
  let file: string;
  let opened: Database.Database[] = [];
  const open = () => {
    const db = openShared(file, 'FULL');
    opened.push(db);
    return db;
  };
  return {
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), 'als-throttle-'));
      file = join(dir, 'sign-in.db');
      opened = [];
    },
    backing: open,
    async rows() {
      return open().prepare('SELECT account FROM sign_in_failures ORDER BY id').all() as { account: string }[];
    },
    async holdWriteLock() {
      const holder = open();
      holder.exec('BEGIN IMMEDIATE');
      return async () => void holder.exec('COMMIT');
    },
    async tearDown() {
      for (const db of opened) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  let schema: string;
  let opened: PostgresSignInFailures[] = [];
  const query = async (sql: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    async setUp() {
      schema = freshSchema('throttle');
      opened = [];
    },
    backing() {
      const failures = new PostgresSignInFailures({ connectionString: TEST_DATABASE_URL, schema });
      opened.push(failures);
      return failures;
    },
    async rows() {
      return (await query(`SELECT account FROM "${schema}".sign_in_failures ORDER BY id`)) as { account: string }[];
    },
    async holdWriteLock() {
      const holder = new Client({ connectionString: TEST_DATABASE_URL });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [signInFailuresLock(schema)]);
      return async () => {
        await holder.query('COMMIT');
        await holder.end();
      };
    },
    async tearDown() {
      await Promise.all(opened.map((failures) => failures.close()));
      await dropSchema(schema);
    },
  };
}

describe.each([
  ['SQLite (accounts.db)', sqliteBackend],
  ['PostgreSQL', postgresBackend],
])('sign-in throttle on %s', (_name, backendOf) => {
  const backend = backendOf();
  let now: number;
  const clock = () => new Date(now);
  const advance = (ms: number) => {
    now += ms;
  };
  const throttle = (options: SignInThrottleOptions = {}) => new SignInThrottle(backend.backing(), { clock, ...options });
  const failTimes = async (t: SignInThrottle, n: number, account: string, address: string) => {
    const decisions = [];
    for (let i = 0; i < n; i += 1) decisions.push(await t.recordFailure(account, address));
    return decisions;
  };

  beforeEach(async () => {
    await backend.setUp();
    now = START;
  });
  afterEach(() => backend.tearDown());

  it('locks an account for 15 minutes at its fifth consecutive failure, for every address', async () => {
    const t = throttle();
    const decisions = await failTimes(t, 4, 'zhangwei', '10.0.0.1');
    expect(decisions).toEqual(Array(4).fill({ allowed: true }));
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: true });
    advance(MINUTE);
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 900 });
    advance(1000);
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 899 });
    await expect(t.check('zhangwei', '192.168.7.7')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 899 });
    await expect(t.check('liming', '10.0.0.1')).resolves.toEqual({ allowed: true });
  });

  it('unlocks 15 minutes after the locking failure, and then counts afresh', async () => {
    const t = throttle();
    await failTimes(t, 5, 'zhangwei', '10.0.0.1');
    advance(15 * MINUTE - 1000);
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 1 });
    advance(1000);
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: true });
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: true });
  });

  it('does not lock for five failures spread over more than 15 minutes', async () => {
    const t = throttle();
    await failTimes(t, 1, 'zhangwei', '10.0.0.1');
    advance(15 * MINUTE);
    const decisions = await failTimes(t, 4, 'zhangwei', '10.0.0.1');
    expect(decisions.at(-1)).toEqual({ allowed: true });
    advance(MINUTE);
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toMatchObject({ allowed: false, reason: 'account-locked' });
  });

  it('starts the count again after a successful sign-in', async () => {
    const t = throttle();
    await failTimes(t, 4, 'zhangwei', '10.0.0.1');
    await t.recordSuccess('zhangwei');
    const decisions = await failTimes(t, 4, 'zhangwei', '10.0.0.1');
    expect(decisions.at(-1)).toEqual({ allowed: true });
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toMatchObject({ allowed: false, reason: 'account-locked' });
  });

  it('lets an office admin lift a lock at once', async () => {
    const t = throttle();
    await failTimes(t, 5, 'zhangwei', '10.0.0.1');
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toMatchObject({ allowed: false });
    await t.unlock('ZhangWei');
    await expect(t.check('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: true });
  });

  it('treats an account name in another case or width, or with spaces around it, as the same account', async () => {
    const t = throttle();
    for (const spelling of ['zhangwei', 'ZhangWei', ' zhangwei ', 'ｚｈａｎｇｗｅｉ']) await t.recordFailure(spelling, '10.0.0.1');
    await expect(t.recordFailure('ZHANGWEI', '10.0.0.1')).resolves.toMatchObject({ reason: 'account-locked' });
    expect(accountKey(' ＺｈａｎｇＷｅｉ ')).toBe('zhangwei');
  });

  it('limits an address after 20 failures in 15 minutes over all accounts, until the oldest of them is 15 minutes old', async () => {
    const t = throttle();
    for (let i = 1; i <= 19; i += 1) {
      await expect(t.recordFailure(`teacher${i}`, '203.0.113.9')).resolves.toEqual({ allowed: true });
      advance(10_000);
    }
    await expect(t.recordFailure('teacher20', '203.0.113.9')).resolves.toEqual({ allowed: false, reason: 'address-limited', retryAfterSeconds: 15 * 60 - 190 });
    // Every account from that address, even one never tried; the accounts themselves from elsewhere are fine.
    await expect(t.check('someone-else', '203.0.113.9')).resolves.toMatchObject({ allowed: false, reason: 'address-limited' });
    await expect(t.check('teacher1', '198.51.100.4')).resolves.toEqual({ allowed: true });
    // A success does not give the address its tries back.
    await t.recordSuccess('teacher20');
    await expect(t.check('teacher20', '203.0.113.9')).resolves.toMatchObject({ allowed: false, reason: 'address-limited' });
    advance(15 * MINUTE - 190_000);
    await expect(t.check('teacher20', '203.0.113.9')).resolves.toEqual({ allowed: true });
  });

  it('answers the longer wait when an account is locked and its address limited', async () => {
    const t = throttle();
    await failTimes(t, 15, 'other', '203.0.113.9');
    advance(5 * MINUTE);
    await failTimes(t, 5, 'zhangwei', '203.0.113.9');
    // The address frees 10 minutes from now, the account 15.
    await expect(t.check('zhangwei', '203.0.113.9')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 900 });
    await t.unlock('zhangwei');
    await expect(t.check('zhangwei', '203.0.113.9')).resolves.toEqual({ allowed: false, reason: 'address-limited', retryAfterSeconds: 600 });
  });

  it('limits an IPv6 client by its /64, and an IPv4-mapped IPv6 address as the IPv4 one', async () => {
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('[2001:0DB8:0001:0002:ffff:0:0:1]')).toBe('2001:db8:1:2::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:cb00:7109')).toBe('203.0.113.9');
    expect(addressKey(' 203.0.113.9 ')).toBe('203.0.113.9');
    const t = throttle();
    for (let i = 1; i <= 20; i += 1) await t.recordFailure(`teacher${i}`, `2001:db8:1:2::${i.toString(16)}`);
    await expect(t.check('anyone', '2001:db8:1:2:abcd::7')).resolves.toMatchObject({ allowed: false, reason: 'address-limited' });
    await expect(t.check('anyone', '2001:db8:1:3::1')).resolves.toEqual({ allowed: true });
  });

  it('shares the failures between throttles on the same table, as between two service processes', async () => {
    const first = throttle();
    const second = new SignInThrottle(backend.backing(), { clock: new SimulatedClock(new Date(START)) });
    await failTimes(first, 3, 'zhangwei', '10.0.0.1');
    await failTimes(second, 1, 'zhangwei', '10.0.0.2');
    await expect(second.check('zhangwei', '10.0.0.2')).resolves.toEqual({ allowed: true });
    await expect(second.recordFailure('zhangwei', '10.0.0.2')).resolves.toMatchObject({ allowed: false, reason: 'account-locked' });
    await expect(first.check('zhangwei', '10.0.0.1')).resolves.toMatchObject({ allowed: false, reason: 'account-locked' });
    await first.unlock('zhangwei');
    await expect(second.check('zhangwei', '10.0.0.2')).resolves.toEqual({ allowed: true });
  });

  it('admits no more of many attempts sent at once, over several throttles, than of attempts one after another', async () => {
    const throttles = [throttle(), throttle(), throttle()];
    for (const t of throttles) await t.check('zhangwei', '10.0.0.1');
    const attempts = await Promise.all(Array.from({ length: 30 }, (_, i) => throttles[i % 3]!.attempt('zhangwei', `10.0.0.${i}`)));
    expect(attempts.filter((a) => a.decision.allowed)).toHaveLength(5);
    expect(attempts.filter((a) => !a.decision.allowed).map((a) => a.decision)).toEqual(Array(25).fill({ allowed: false, reason: 'account-locked', retryAfterSeconds: 900 }));
    expect(await backend.rows()).toHaveLength(5);
  });

  it('takes an attempt back, and clears the account when it succeeded', async () => {
    const t = throttle();
    await failTimes(t, 3, 'zhangwei', '10.0.0.1');
    const right = await t.attempt('zhangwei', '10.0.0.1');
    expect(right.decision).toEqual({ allowed: true });
    expect(await backend.rows()).toHaveLength(4);
    await right.takeBack();
    expect(await backend.rows()).toHaveLength(3);
    await (await t.attempt('zhangwei', '10.0.0.1')).succeeded();
    expect(await backend.rows()).toHaveLength(3);
    const decisions = await failTimes(t, 4, 'zhangwei', '10.0.0.1');
    expect(decisions.at(-1)).toEqual({ allowed: true });
  });

  it('prunes failures no rule looks at any more, keeping the recent ones', async () => {
    const t = throttle();
    await failTimes(t, 3, 'zhangwei', '10.0.0.1');
    advance(31 * MINUTE);
    await failTimes(t, 2, 'liming', '10.0.0.1');
    expect(await backend.rows()).toEqual([{ account: 'liming' }, { account: 'liming' }]);
  });

  it('takes its rules from the options', async () => {
    const t = throttle({ accountFailures: 2, lockMs: MINUTE, addressFailures: 3, addressWindowMs: MINUTE });
    await t.recordFailure('zhangwei', '10.0.0.1');
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: false, reason: 'account-locked', retryAfterSeconds: 60 });
    await expect(t.recordFailure('liming', '10.0.0.1')).resolves.toEqual({ allowed: false, reason: 'address-limited', retryAfterSeconds: 60 });
    expect(() => throttle({ accountFailures: 0 })).toThrow(RangeError);
    expect(() => throttle({ lockMs: -1 })).toThrow(RangeError);
  });

  it('waits for another process that holds the write lock, and gives up with StoreBusyError past its budget', async () => {
    const t = throttle({ busyBudgetMs: 400 });
    await t.check('zhangwei', '10.0.0.1');
    const release = await backend.holdWriteLock();
    setTimeout(() => void release(), 150);
    await expect(t.recordFailure('zhangwei', '10.0.0.1')).resolves.toEqual({ allowed: true });

    const holding = await backend.holdWriteLock();
    try {
      await expect(t.recordFailure('zhangwei', '10.0.0.1')).rejects.toBeInstanceOf(StoreBusyError);
    } finally {
      await holding();
    }
    expect(await backend.rows()).toHaveLength(1);
  });
});
