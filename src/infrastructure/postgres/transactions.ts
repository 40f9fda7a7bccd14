import type { Pool, PoolClient } from 'pg';

/** Runs `work` in one transaction on a client of the pool: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The tables a store keeps in the schema, made once per process: the idempotent `statements` (which a DBA
 * may also run ahead) in one transaction under the advisory lock `lock`, so instances starting together
 * take turns; the schema itself is created only when missing, so an account without the right to create
 * one runs on a schema made for it. A failure is tried again by the next caller.
 */
export function tablesOnce(pool: Pool, schema: string, lock: string, statements: () => readonly string[]): () => Promise<void> {
  let made: Promise<void> | undefined;
  return () =>
    (made ??= inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
      const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      if (rows.length === 0) await client.query(`CREATE SCHEMA "${schema}"`);
      for (const statement of statements()) await client.query(statement);
    }).catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}
