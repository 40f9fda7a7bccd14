import { inTransaction, tablesOnce } from '../postgres/transactions';
import { Pool, PoolClient } from 'pg';
import { StoreBusyError } from '../../application/event-store';
import { FailureCounts, FailureQuery, FailureWrite, SignInFailures, ThrottleDecision } from './sign-in-throttle';

/** The name of the table in the store's schema. */
export const SIGN_IN_FAILURES_TABLE = 'sign_in_failures';

/** The advisory lock every write to a schema's `sign_in_failures` holds to its commit (for `pg_advisory_xact_lock(hashtext(…))`). */
export const signInFailuresLock = (schema: string): string => `${schema}.${SIGN_IN_FAILURES_TABLE}`;

type Failure = { account: string; address: string; at: number };

/**
 * `sign_in_failures` in PostgreSQL (EVENT_STORE=postgres), in the store's schema: every instance on the
 * store counts the same failures. A write is one transaction holding one advisory lock of the table to
 * its commit, as SQLite's IMMEDIATE transaction holds the file's: the count a decision is made on
 * cannot change under it, whichever instance the other attempts went to (READ COMMITTED alone would let
 * two attempts both see four failures and both be admitted). Reads (`check`) take no lock. The lock is
 * waited for up to the write's budget (lock_timeout), then StoreBusyError, with nothing written.
 */
export class PostgresSignInFailures implements SignInFailures {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly table: string;
  /** The table, made once per process (transactions.ts). */
  private readonly created: () => Promise<void>;

  constructor(options: { readonly connectionString: string; readonly schema: string }) {
    if (!/^[a-z_][a-z0-9_]{0,55}$/.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
    this.schema = options.schema;
    this.table = `"${options.schema}".${SIGN_IN_FAILURES_TABLE}`;
    this.pool = new Pool({ connectionString: options.connectionString, max: 4, application_name: 'accreditation-lifecycle-service sign-in throttle' });
    this.created = tablesOnce(this.pool, options.schema, `${options.schema}.accounts`, () => signInFailuresSchemaSql(options.schema));
  }

  async read(query: FailureQuery): Promise<FailureCounts> {
    await this.created();
    return this.counts(this.pool, query);
  }

  record(failure: Failure, pruneBefore: number, query: FailureQuery, write: FailureWrite): Promise<FailureCounts> {
    return this.locked(write, async (client) => {
      await this.insert(client, failure);
      await this.prune(client, pruneBefore);
      return this.counts(client, query);
    });
  }

  admit(
    failure: Failure,
    pruneBefore: number,
    query: FailureQuery,
    decide: (counts: FailureCounts) => ThrottleDecision,
    write: FailureWrite,
  ): Promise<{ decision: ThrottleDecision; id?: string }> {
    return this.locked(write, async (client) => {
      await this.prune(client, pruneBefore);
      const decision = decide(await this.counts(client, query));
      if (!decision.allowed) return { decision };
      return { decision, id: await this.insert(client, failure) };
    });
  }

  takeBack(id: string, write: FailureWrite): Promise<void> {
    return this.locked(write, async (client) => void (await client.query(`DELETE FROM ${this.table} WHERE id = $1`, [id])));
  }

  forget(account: string, pruneBefore: number, write: FailureWrite): Promise<void> {
    return this.locked(write, async (client) => {
      await client.query(`UPDATE ${this.table} SET counts_for_account = false WHERE account = $1 AND counts_for_account`, [account]);
      await this.prune(client, pruneBefore);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async insert(client: PoolClient, failure: Failure): Promise<string> {
    const { rows } = await client.query<{ id: string }>(`INSERT INTO ${this.table} (account, address, at) VALUES ($1, $2, $3) RETURNING id`, [failure.account, failure.address, failure.at]);
    return rows[0]!.id;
  }

  private async prune(client: PoolClient, before: number): Promise<void> {
    await client.query(`DELETE FROM ${this.table} WHERE at <= $1`, [before]);
  }

  private async counts(on: Pool | PoolClient, query: FailureQuery): Promise<FailureCounts> {
    const { rows } = await on.query<{ account_times: string[]; address_nth: string | null }>(
      `SELECT ARRAY(SELECT at FROM ${this.table} WHERE account = $1 AND counts_for_account AND at > $2 ORDER BY at) AS account_times,
              (SELECT at FROM ${this.table} WHERE address = $3 AND at > $4 ORDER BY at DESC LIMIT 1 OFFSET $5) AS address_nth`,
      [query.account, query.accountSince, query.address, query.addressSince, query.addressOffset],
    );
    const row = rows[0]!;
    return { accountTimes: row.account_times.map(Number), addressNth: row.address_nth === null ? undefined : Number(row.address_nth) };
  }

  /** One transaction under the table's write lock, waited for up to the budget. */
  private async locked<T>(write: FailureWrite, work: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.created();
    const started = Date.now();
    return inTransaction(this.pool, async (client) => {
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${Math.max(1, Math.ceil(write.budgetMs))}ms`]);
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [signInFailuresLock(this.schema)]);
      } catch (error) {
        if ((error as { code?: string }).code === '55P03') throw new StoreBusyError(write.operation, Date.now() - started, { cause: error });
        throw error;
      }
      return work(client);
    });
  }

}

/** The table's DDL, idempotent (a DBA may run it ahead). */
export function signInFailuresSchemaSql(schema: string): string[] {
  const table = `"${schema}".${SIGN_IN_FAILURES_TABLE}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      id bigserial PRIMARY KEY, account text NOT NULL, address text NOT NULL, at bigint NOT NULL, counts_for_account boolean NOT NULL DEFAULT true)`,
    `CREATE INDEX IF NOT EXISTS sign_in_failures_by_account ON ${table} (account, at)`,
    `CREATE INDEX IF NOT EXISTS sign_in_failures_by_address ON ${table} (address, at)`,
    `CREATE INDEX IF NOT EXISTS sign_in_failures_by_time ON ${table} (at)`,
  ];
}
