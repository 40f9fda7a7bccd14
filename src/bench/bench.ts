import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureStore } from './store.bench';

/** `npm run bench [-- --json]`: every figure measured side by side in one run on this machine. */
async function main() {
  const json = process.argv.includes('--json');
  const dir = mkdtempSync(join(tmpdir(), 'als-bench-'));
  try {
    const store = await measureStore(dir);
    if (json) {
      process.stdout.write(`${JSON.stringify({ store })}\n`);
      return;
    }
    const rows: [string, string][] = [
      ['store: durable appends/s, 1 sequential caller', String(store.sequentialAppendsPerSecond)],
      ['store: durable appends/s, 100 concurrent callers', String(store.concurrentAppendsPerSecond)],
      ['  commits (fsyncs) for those appends', String(store.commitsForConcurrentRun)],
      ['raw better-sqlite3: inserts/s, transactions of 100', String(store.rawBatchedInsertsPerSecond)],
      ['ratio: store (100 callers) / raw', store.concurrentToRawRatio.toFixed(2)],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value.padStart(10)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
