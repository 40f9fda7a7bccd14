import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { verifyLog } from '../../application/checkpoints';
import { FoldedStreams } from '../../application/folded-streams';
import { handleCommand } from '../../application/handle-command';
import { Decider } from '../../domain/decider';
import { EventStore } from '../../application/event-store';
import { AppConfig } from '../../config';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { readCheckpointFile } from './checkpoint-file';
import { Checkpointer } from './checkpointer.service';
import { generateSigningKey } from './signing-key';

type Write = { type: 'Write'; data: { n: number } };
type Written = { type: 'Written'; data: { n: number } };
const notes: Decider<number[], Write, Written> = {
  initialState: [],
  evolve: (state, event) => [...state, event.data.n],
  decide: (command) => [{ type: 'Written', data: command.data }],
};
const actor = { id: 'u-1', role: 'office' as const, org: 'dept' };

describe('the checkpointer', () => {
  let root: string;
  let dataDir: string;
  let copyDir: string;
  let keyFile: string;
  let store: SqliteEventStore;
  let written = 0;
  const clock = { now: () => new Date('2026-03-01T00:00:00.000Z') };

  const configWith = (audit: Partial<AppConfig['audit']> = {}) =>
    ({ dataDir, audit: { signingKeyFile: keyFile, checkpointCopyDir: copyDir, checkpointEveryEvents: 3, checkpointEveryMs: 0, ...audit } }) as AppConfig;
  const started = async (audit?: Partial<AppConfig['audit']>) => {
    const checkpointer = new Checkpointer(store as EventStore, clock, configWith(audit));
    await checkpointer.onApplicationBootstrap();
    return checkpointer;
  };
  const write = async (n: number) => {
    for (let i = 0; i < n; i += 1) {
      written += 1;
      await handleCommand(new FoldedStreams(store), notes, `note-${written % 2}`, { type: 'Write', data: { n: written } }, { commandId: `c-${written}`, actor, now: clock.now().toISOString() });
    }
  };
  const positions = (dir: string) => readCheckpointFile(join(dir, 'checkpoints.ndjson')).map((l) => l.checkpoint?.position ?? `unreadable: ${l.unreadable}`);
  const eventually = async (check: () => void) => {
    for (let i = 0; ; i += 1) {
      try {
        return check();
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };

  // The checkpointer logs the line it cut; that is expected here.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'als-checkpointer-'));
    dataDir = join(root, 'data');
    copyDir = join(root, 'copy');
    mkdirSync(dataDir);
    mkdirSync(join(root, 'keys'));
    keyFile = join(root, 'keys', 'audit.pem');
    writeFileSync(keyFile, generateSigningKey().privateKeyPem);
    store = new SqliteEventStore({ file: join(dataDir, 'events.db'), pollIntervalMs: 10 });
    written = 0;
  });
  afterEach(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('signs every N events at exact multiples, and what is pending when asked or at shutdown, in both files', async () => {
    const checkpointer = await started();
    await write(7);
    await eventually(() => expect(positions(dataDir)).toEqual(['3', '6']));
    expect((await checkpointer.checkpointNow())?.position).toBe('7');
    expect((await checkpointer.checkpointNow())?.position).toBe('7');
    await write(1);
    await checkpointer.beforeApplicationShutdown();
    expect(positions(dataDir)).toEqual(['3', '6', '7', '8']);
    expect(readFileSync(join(copyDir, 'checkpoints.ndjson'), 'utf8')).toBe(readFileSync(join(dataDir, 'checkpoints.ndjson'), 'utf8'));
  });

  it('signs every M minutes when events came, and not when none did', async () => {
    const checkpointer = await started({ checkpointEveryEvents: 1000, checkpointEveryMs: 30 });
    await write(2);
    await eventually(() => expect(positions(dataDir)).toEqual(['2']));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(positions(dataDir)).toEqual(['2']);
    await checkpointer.beforeApplicationShutdown();
  });

  it('resumes after a crash from its latest checkpoint, ends a line the crash cut short, and fills in the copy', async () => {
    const first = await started();
    await write(4);
    await eventually(() => expect(positions(dataDir)).toEqual(['3']));
    // A crash: no shutdown, a checkpoint half written, and the copy never reached.
    await first['consumer']?.stop();
    appendFileSync(join(dataDir, 'checkpoints.ndjson'), '{"v":1,"position":"4","cou');
    rmSync(join(copyDir, 'checkpoints.ndjson'));
    await write(1);

    const second = await started();
    expect(positions(copyDir)).toEqual(['3']);
    expect((await second.checkpointNow())?.position).toBe('5');
    expect(positions(dataDir)).toEqual(['3', '5']);
    expect(positions(copyDir)).toEqual(['3', '5']);
    const verified = await verifyLog(store, { consecutivePositions: true, checkpoints: second.trusted() });
    expect(verified).toMatchObject({ ok: true, findings: [], checkpoints: { trusted: 2, latest: { position: '5', count: 5, source: 'both', matches: true } } });
    await second.beforeApplicationShutdown();
  });

  it('signs nothing without a key, and says so when asked', async () => {
    const checkpointer = await started({ signingKeyFile: undefined });
    await write(4);
    await expect(checkpointer.checkpointNow()).rejects.toMatchObject({ code: 'no-signing-key' });
    expect(checkpointer.trusted()).toBeUndefined();
    expect(positions(dataDir)).toEqual([]);
    await checkpointer.beforeApplicationShutdown();
  });
});
