import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '../../src/infrastructure/event-store/postgres.event-store';
import { dropSchema, freshSchema, TEST_DATABASE_URL } from '../support/postgres-test-db';

/**
 * Runs the appender until it has acknowledged `acks` appends, then kills it with SIGKILL: its
 * connections drop mid-transaction, with commits in flight. Resolves with each acknowledged append's
 * id and the position the store answered for it.
 */
function appendThenKill(schema: string, acks: number): Promise<Map<string, bigint>> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'crash-appender.ts'), 'postgres', TEST_DATABASE_URL, schema],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acknowledged = new Map<string, bigint>();
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line || line === 'ready') continue;
        const [id, position] = line.split(' ');
        acknowledged.set(id, BigInt(position));
      }
      if (acknowledged.size >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender ended without being killed (${signal ?? code})`));
      else resolve(acknowledged);
    });
  });
}

/**
 * The server finds a killed client's connections closed when it next reads or writes them: a commit
 * under way may still finish. Waits until none of the appender's connections is left.
 */
async function serverLetGoOf(schema: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    for (const deadline = Date.now() + 10_000; ; ) {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [
        `crash-appender-${schema}`,
      ]);
      if (rows[0].n === '0') return;
      if (Date.now() > deadline) throw new Error(`the server still has ${rows[0].n} connections of the killed appender`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

describe('PostgreSQL store after its writer is killed with SIGKILL under load', () => {
  it.each([1, 2, 3])('keeps every acknowledged append and no torn one (run %i)', async (run) => {
    const schema = freshSchema('crash');
    const store = new PostgresEventStore({ connectionString: TEST_DATABASE_URL, schema, busyBudgetMs: 2_000 });
    try {
      const acknowledged = await appendThenKill(schema, 200 + run * 150);
      await serverLetGoOf(schema);
      const all = await store.readAll();

      const parts = new Map<string, RecordedPart[]>();
      for (const e of all) {
        const { appendId, part, payload } = e.data as { appendId: string; part: number; payload: string };
        expect(payload).toBe('x'.repeat(200 + part * 100));
        expect(e.metadata).toEqual({ worker: Number(e.stream.slice('crash-'.length)) });
        parts.set(appendId, [...(parts.get(appendId) ?? []), { part, position: e.position }]);
      }
      for (const [id, position] of acknowledged) {
        expect(parts.get(id)?.map((p) => p.part)).toEqual([0, 1, 2]);
        expect(parts.get(id)?.[2].position).toBe(position);
      }
      for (const [, found] of parts) expect(found.map((p) => p.part)).toEqual([0, 1, 2]);
      const revisions = new Map<string, number>();
      all.forEach((e, i) => {
        expect(e.position).toBe(BigInt(i + 1));
        expect(e.revision).toBe((revisions.get(e.stream) ?? -1) + 1);
        revisions.set(e.stream, e.revision);
      });
      expect(acknowledged.size).toBeGreaterThanOrEqual(200 + run * 150);

      // The killed process left no lock behind: every stream goes on at its next revision at once.
      const started = Date.now();
      await Promise.all(
        [...revisions].map(([stream, revision]) =>
          store.append(stream, [{ id: randomUUID(), type: 'After', data: {}, metadata: {} }], revision),
        ),
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });
});

interface RecordedPart {
  readonly part: number;
  readonly position: bigint;
}
