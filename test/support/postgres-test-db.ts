import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server the tests use for real (CI runs one too): `TEST_DATABASE_URL`, or the local one. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test uses; the store creates it on first use. */
export function freshSchema(prefix = 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops a test's schema and everything in it; never fails the test's clean-up itself. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } catch (error) {
    process.stderr.write(`could not drop the test schema ${schema}: ${(error as Error).message}\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
