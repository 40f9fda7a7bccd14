import type Database from 'better-sqlite3';
import { isIPv6 } from 'node:net';
import { Clock, systemClock } from '../../application/clock';
import { WRITE_BUDGET_MS, retryWhileBusy, retryWhileBusySync } from '../projections/sqlite-busy';

/**
 * Slows down password guessing: an account locks for a while after a few consecutive failures, and a
 * client address that fails too often, over whatever accounts, is refused for a while.
 *
 * The failures live in one table, `sign_in_failures`, that every process counting them shares, so a
 * guesser spreading attempts over processes gets no more tries: in SQLite, in `accounts.db` of the data
 * folder (SqliteSignInFailures: given a connection opened with `openShared(file, 'FULL')`, the caller
 * owns it), and with EVENT_STORE=postgres in the store's schema (PostgresSignInFailures), shared by every
 * instance on the store whatever its data folder. The rules are decided here, once, on what the table
 * holds; a write and the decision it leads to are one transaction, serialised with the other writers.
 *
 * Each failure is one row (account, address, time). A success, or an office admin's unlock, stops the
 * account's earlier rows counting towards its lock but leaves them counting for their address, so
 * signing in to one's own account now and then does not buy an address more guesses at others. Rows
 * older than any rule looks back are pruned as new ones are written.
 *
 * How to use it in a sign-in: `check` first, and when it refuses, answer without verifying the password
 * (and without recording anything); otherwise verify, then `recordFailure` or `recordSuccess`. Record
 * failures for unknown account names too: a lock then does not tell which accounts exist.
 */

export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'account-locked' | 'address-limited'; readonly retryAfterSeconds: number };

export interface SignInThrottleOptions {
  readonly clock?: Clock | (() => Date);
  /** Consecutive failures within `accountWindowMs` that lock an account (5). */
  readonly accountFailures?: number;
  readonly accountWindowMs?: number;
  /** How long the lock lasts, from the failure that reached the threshold (15 minutes). */
  readonly lockMs?: number;
  /** Failures from one address, over all accounts, within `addressWindowMs` after which it is refused (20). */
  readonly addressFailures?: number;
  readonly addressWindowMs?: number;
  /** How long a write may wait for another process's lock (on the file, or PostgreSQL's) before it fails with StoreBusyError. */
  readonly busyBudgetMs?: number;
}

const MINUTE = 60_000;

const DEFAULTS = {
  accountFailures: 5,
  accountWindowMs: 15 * MINUTE,
  lockMs: 15 * MINUTE,
  addressFailures: 20,
  addressWindowMs: 15 * MINUTE,
  busyBudgetMs: WRITE_BUDGET_MS,
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sign_in_failures (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    at INTEGER NOT NULL,
    counts_for_account INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX IF NOT EXISTS sign_in_failures_by_account ON sign_in_failures (account, at);
  CREATE INDEX IF NOT EXISTS sign_in_failures_by_address ON sign_in_failures (address, at);
  CREATE INDEX IF NOT EXISTS sign_in_failures_by_time ON sign_in_failures (at);
`;

/** Account names compare as people type them: NFKC, no surrounding space, case-insensitive. */
export function accountKey(account: string): string {
  return account.normalize('NFKC').trim().toLowerCase();
}

/**
 * The unit an address is limited by: an IPv4 address itself (an IPv4-mapped IPv6 address is the IPv4
 * one), but an IPv6 address's /64, since one subscriber is handed a whole /64 and could otherwise walk
 * through 2^64 addresses.
 */
export function addressKey(address: string): string {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (!isIPv6(a)) return a;
  const groups = ipv6Groups(a);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [b0, b1, b2, b3] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16));
}

/** What the rules look at: the account's failures still counting for it, and the address's latest ones. */
export interface FailureQuery {
  readonly account: string;
  /** The account's failures after this time (ms) count, oldest first. */
  readonly accountSince: number;
  readonly address: string;
  /** Of the address's failures after this time, the one `addressOffset` places before the latest. */
  readonly addressSince: number;
  readonly addressOffset: number;
}

export interface FailureCounts {
  readonly accountTimes: readonly number[];
  readonly addressNth: number | undefined;
}

/** How long a write may wait for the other writers, and what it is, for StoreBusyError. */
export interface FailureWrite {
  readonly operation: string;
  readonly budgetMs: number;
}

/**
 * The `sign_in_failures` table, where the instances keep their failures: one row per failure (account
 * key, address key, time in ms, whether it still counts for the account). Every write is one
 * transaction that waits for the other writers (of every process on the table) for up to its budget and
 * then fails with StoreBusyError, writing nothing; `admit` and `record` decide within it.
 */
export interface SignInFailures {
  read(query: FailureQuery): Promise<FailureCounts>;
  /** Adds a failure, drops the rows at or before `pruneBefore`, and answers the query: one transaction. */
  record(failure: { account: string; address: string; at: number }, pruneBefore: number, query: FailureQuery, write: FailureWrite): Promise<FailureCounts>;
  /** Drops old rows, answers the query, and adds the failure when `decide` allows it: one transaction. */
  admit(
    failure: { account: string; address: string; at: number },
    pruneBefore: number,
    query: FailureQuery,
    decide: (counts: FailureCounts) => ThrottleDecision,
    write: FailureWrite,
  ): Promise<{ decision: ThrottleDecision; id?: string }>;
  /** Removes one failure `admit` added. */
  takeBack(id: string, write: FailureWrite): Promise<void>;
  /** The account's failures stop counting for it (they still count for their addresses); drops old rows. */
  forget(account: string, pruneBefore: number, write: FailureWrite): Promise<void>;
  close(): void | Promise<void>;
}

const isConnection = (backing: Database.Database | SignInFailures): backing is Database.Database => typeof (backing as Database.Database).prepare === 'function';

export class SignInThrottle {
  private readonly now: () => Date;
  private readonly rules: typeof DEFAULTS;
  private readonly failures: SignInFailures;

  /** Over a SQLite connection (its `sign_in_failures` table; the caller keeps and closes the connection), or over another store's table. */
  constructor(backing: Database.Database | SignInFailures, options: SignInThrottleOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.now = typeof clock === 'function' ? clock : () => clock.now();
    this.rules = { ...DEFAULTS, ...definedOnly(options) };
    for (const name of ['accountFailures', 'addressFailures'] as const) {
      if (!Number.isInteger(this.rules[name]) || this.rules[name] < 1) throw new RangeError(`${name} must be a positive whole number`);
    }
    for (const name of ['accountWindowMs', 'lockMs', 'addressWindowMs'] as const) {
      if (!(this.rules[name] > 0)) throw new RangeError(`${name} must be positive`);
    }
    this.failures = isConnection(backing) ? new SqliteSignInFailures(backing) : backing;
  }

  /** Nest calls this at shutdown: a store the throttle was given to own (a pool, a file it opened) is closed. */
  async onApplicationShutdown(): Promise<void> {
    await this.failures.close();
  }

  /** Whether a sign-in to `account` from `address` may be tried now. */
  async check(account: string, address: string): Promise<ThrottleDecision> {
    const at = this.millis();
    return this.decide(await this.failures.read(this.query(accountKey(account), addressKey(address), at)), at);
  }

  /** A wrong password (or an unknown account): counts for the account's lock and for the address; answers what now holds. */
  async recordFailure(account: string, address: string): Promise<ThrottleDecision> {
    const at = this.millis();
    const key = accountKey(account);
    const from = addressKey(address);
    const counts = await this.failures.record({ account: key, address: from, at }, this.pruneBefore(at), this.query(key, from, at), this.write('record sign-in failure'));
    return this.decide(counts, at);
  }

  /**
   * Admits one sign-in attempt, counted as a failure until it proves otherwise: the check and the count
   * are one transaction, so guesses sent at the same time (to one process or several) are admitted no
   * more often than guesses sent one after another. `succeeded` takes the attempt back and clears the
   * account's earlier failures; `takeBack` only takes it back (the password was right, a second factor
   * is still to come); a wrong password leaves it counted.
   */
  async attempt(
    account: string,
    address: string,
  ): Promise<{ readonly decision: ThrottleDecision; readonly takeBack: () => Promise<void>; readonly succeeded: () => Promise<void> }> {
    const at = this.millis();
    const key = accountKey(account);
    const from = addressKey(address);
    const { decision, id } = await this.failures.admit(
      { account: key, address: from, at },
      this.pruneBefore(at),
      this.query(key, from, at),
      (counts) => this.decide(counts, at),
      this.write('admit a sign-in attempt'),
    );
    const takeBack = async () => {
      if (id !== undefined) await this.failures.takeBack(id, this.write('take back a sign-in attempt'));
    };
    return { decision, takeBack, succeeded: async () => (await takeBack(), await this.recordSuccess(account)) };
  }

  /** A successful sign-in: the account's earlier failures stop counting towards its lock. */
  recordSuccess(account: string): Promise<void> {
    return this.forget(account, 'record sign-in success');
  }

  /** An office admin lifts an account's lock at once (its address's limit stays as it is). */
  unlock(account: string): Promise<void> {
    return this.forget(account, 'unlock account');
  }

  private forget(account: string, operation: string): Promise<void> {
    return this.failures.forget(accountKey(account), this.pruneBefore(this.millis()), this.write(operation));
  }

  private query(account: string, address: string, now: number): FailureQuery {
    const { accountWindowMs, lockMs, addressFailures, addressWindowMs } = this.rules;
    return { account, accountSince: now - accountWindowMs - lockMs, address, addressSince: now - addressWindowMs, addressOffset: addressFailures - 1 };
  }

  private decide({ accountTimes: times, addressNth: nth }: FailureCounts, now: number): ThrottleDecision {
    const { accountFailures, accountWindowMs, lockMs, addressWindowMs } = this.rules;
    // A failure locks the account when it is the last of `accountFailures` within the window: until lockMs after it.
    let lockedUntil = -Infinity;
    for (let i = accountFailures - 1; i < times.length; i += 1) {
      if (times[i] - times[i - accountFailures + 1] < accountWindowMs) lockedUntil = Math.max(lockedUntil, times[i] + lockMs);
    }
    // The address is limited while `addressFailures` of its failures are within the window: until the oldest of them leaves it.
    const limitedUntil = nth !== undefined ? nth + addressWindowMs : -Infinity;

    if (lockedUntil <= now && limitedUntil <= now) return { allowed: true };
    const reason = lockedUntil >= limitedUntil ? 'account-locked' : 'address-limited';
    const until = Math.max(lockedUntil, limitedUntil);
    return { allowed: false, reason, retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Rows at or before this no rule looks at any more. */
  private pruneBefore(now: number): number {
    const { accountWindowMs, lockMs, addressWindowMs } = this.rules;
    return now - Math.max(accountWindowMs + lockMs, addressWindowMs);
  }

  private millis(): number {
    const at = this.now().getTime();
    if (!Number.isFinite(at)) throw new RangeError('the clock gave an invalid date');
    return at;
  }

  private write(operation: string): FailureWrite {
    return { operation, budgetMs: this.rules.busyBudgetMs };
  }
}

function definedOnly(options: SignInThrottleOptions): Partial<typeof DEFAULTS> {
  const { clock: _clock, ...rules } = options;
  return Object.fromEntries(Object.entries(rules).filter(([, value]) => value !== undefined));
}

/** `sign_in_failures` in a SQLite file (`accounts.db`): a write is an IMMEDIATE transaction, retried while another process holds the file's lock. */
export class SqliteSignInFailures implements SignInFailures {
  private readonly statements: {
    readonly insert: Database.Statement<[string, string, number]>;
    readonly accountFailures: Database.Statement<[string, number], { at: number }>;
    readonly addressNth: Database.Statement<[string, number, number], { at: number }>;
    readonly forgetForAccount: Database.Statement<[string]>;
    readonly prune: Database.Statement<[number]>;
    readonly takeBack: Database.Statement<[number | bigint]>;
  };

  /** `owned`: close the connection with the throttle (it was opened for it). */
  constructor(
    private readonly db: Database.Database,
    private readonly owned = false,
  ) {
    retryWhileBusySync(() => db.exec(SCHEMA), 'create sign_in_failures');
    this.statements = {
      insert: db.prepare('INSERT INTO sign_in_failures (account, address, at) VALUES (?, ?, ?)'),
      accountFailures: db.prepare('SELECT at FROM sign_in_failures WHERE account = ? AND counts_for_account = 1 AND at > ? ORDER BY at'),
      addressNth: db.prepare('SELECT at FROM sign_in_failures WHERE address = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?'),
      forgetForAccount: db.prepare('UPDATE sign_in_failures SET counts_for_account = 0 WHERE account = ? AND counts_for_account = 1'),
      prune: db.prepare('DELETE FROM sign_in_failures WHERE at <= ?'),
      takeBack: db.prepare('DELETE FROM sign_in_failures WHERE id = ?'),
    };
  }

  read(query: FailureQuery): Promise<FailureCounts> {
    return retryWhileBusy(() => this.counts(query), { operation: 'check sign-in throttle' });
  }

  record(failure: { account: string; address: string; at: number }, pruneBefore: number, query: FailureQuery, write: FailureWrite): Promise<FailureCounts> {
    const work = this.db.transaction(() => {
      this.statements.insert.run(failure.account, failure.address, failure.at);
      this.statements.prune.run(pruneBefore);
      return this.counts(query);
    });
    return retryWhileBusy(() => work.immediate(), write);
  }

  admit(
    failure: { account: string; address: string; at: number },
    pruneBefore: number,
    query: FailureQuery,
    decide: (counts: FailureCounts) => ThrottleDecision,
    write: FailureWrite,
  ): Promise<{ decision: ThrottleDecision; id?: string }> {
    const work = this.db.transaction((): { decision: ThrottleDecision; id?: string } => {
      this.statements.prune.run(pruneBefore);
      const decision = decide(this.counts(query));
      if (!decision.allowed) return { decision };
      return { decision, id: String(this.statements.insert.run(failure.account, failure.address, failure.at).lastInsertRowid) };
    });
    return retryWhileBusy(() => work.immediate(), write);
  }

  takeBack(id: string, write: FailureWrite): Promise<void> {
    return retryWhileBusy(() => void this.statements.takeBack.run(BigInt(id)), write);
  }

  forget(account: string, pruneBefore: number, write: FailureWrite): Promise<void> {
    const work = this.db.transaction(() => {
      this.statements.forgetForAccount.run(account);
      this.statements.prune.run(pruneBefore);
    });
    return retryWhileBusy(() => work.immediate(), write);
  }

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }

  private counts(query: FailureQuery): FailureCounts {
    const accountTimes = this.statements.accountFailures.all(query.account, query.accountSince).map((row) => row.at);
    const nth = this.statements.addressNth.get(query.address, query.addressSince, query.addressOffset);
    return { accountTimes, addressNth: nth?.at };
  }
}
