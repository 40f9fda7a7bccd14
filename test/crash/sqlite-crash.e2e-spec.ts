import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '../../src/infrastructure/event-store/sqlite.event-store';

/** Runs the appender until it has acknowledged `acks` appends, then kills it with SIGKILL. */
function appendThenKill(file: string, acks: number): Promise<Set<string>> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'crash-appender.ts'), 'sqlite', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acknowledged = new Set<string>();
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line && line !== 'ready') acknowledged.add(line.split(' ')[0]);
      if (acknowledged.size >= acks && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`appender ended without being killed (${signal ?? _code})`));
      else resolve(acknowledged);
    });
  });
}

describe('SQLite store after SIGKILL under load', () => {
  it.each([1, 2, 3])('keeps every acknowledged append and no torn one (run %i)', async (run) => {
    const dir = mkdtempSync(join(tmpdir(), 'als-crash-'));
    const file = join(dir, 'events.db');
    try {
      const acknowledged = await appendThenKill(file, 300 + run * 150);
      const store = new SqliteEventStore({ file });
      const all = await store.readAll();
      await store.close();

      const parts = new Map<string, number[]>();
      for (const e of all) {
        const { appendId, part } = e.data as { appendId: string; part: number };
        parts.set(appendId, [...(parts.get(appendId) ?? []), part]);
      }
      for (const id of acknowledged) expect(parts.get(id)).toEqual([0, 1, 2]);
      for (const [, found] of parts) expect(found).toEqual([0, 1, 2]);
      const revisions = new Map<string, number>();
      for (const e of all) {
        expect(e.revision).toBe((revisions.get(e.stream) ?? -1) + 1);
        revisions.set(e.stream, e.revision);
      }
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      expect(acknowledged.size).toBeGreaterThanOrEqual(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
