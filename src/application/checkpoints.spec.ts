import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decider } from '../domain/decider';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';
import { Checkpoint, CheckpointLine, checkSignature, signCheckpoint, signingKeyFrom, trustCheckpoints, verifyLog } from './checkpoints';
import { FoldedStreams } from './folded-streams';
import { handleCommand } from './handle-command';
import { GENESIS_HASH, globalLink, GlobalChain } from './integrity';

type Note = { type: 'Write'; data: { text: string } };
type Noted = { type: 'Written'; data: { text: string } };
const notes: Decider<string[], Note, Noted> = {
  initialState: [],
  evolve: (state, event) => [...state, event.data.text],
  decide: (command) => [{ type: 'Written', data: { text: command.data.text } }],
};
const actor = { id: 'u-1', role: 'office' as const, org: 'dept' };
const key = signingKeyFrom(generateKeyPairSync('ed25519').privateKey);

describe('the global chain format', () => {
  it('links an event by its position, stream, revision and stored hash, exactly as checkpoints already signed it', () => {
    // Fixed once: a change here would make every signed checkpoint fail.
    const event = { position: 7n, stream: 'project-1', revision: 3, metadata: { hash: 'ab'.repeat(32), other: 'not covered' } };
    expect(globalLink(GENESIS_HASH, event)).toBe('a5d0eb3d388075a86be34f2fb7c0e6dc6b089bdf38bc59f553a80de1c4d23a09');
    expect(globalLink(GENESIS_HASH, { ...event, metadata: { hash: event.metadata.hash } })).toBe(globalLink(GENESIS_HASH, event));
    for (const changed of [{ ...event, position: 8n }, { ...event, stream: 'project-2' }, { ...event, revision: 4 }, { ...event, metadata: { hash: 'cd'.repeat(32) } }]) {
      expect(globalLink(GENESIS_HASH, changed)).not.toBe(globalLink(GENESIS_HASH, event));
    }
    const chain = new GlobalChain();
    chain.add(event);
    expect(chain.state().events).toBe('4428fc5b234c8e130c87589d63605663cd6f5cd425ff464523c2b27e8a4684f7');
  });

  it('resumes from a state as if it had never stopped; its set digest ignores the order, its head does not', () => {
    const events = [1, 2, 3, 4, 5].map((n) => ({ position: BigInt(n), stream: `s-${n % 2}`, revision: n, metadata: { hash: String(n).repeat(64).slice(0, 64) } }));
    const whole = new GlobalChain();
    events.forEach((e) => whole.add(e));
    const first = new GlobalChain();
    events.slice(0, 2).forEach((e) => first.add(e));
    const resumed = new GlobalChain(first.state());
    events.slice(2).forEach((e) => resumed.add(e));
    expect(resumed.state()).toEqual(whole.state());
    const reordered = new GlobalChain();
    [events[1], events[0], ...events.slice(2)].forEach((e) => reordered.add(e));
    expect(reordered.state().events).toBe(whole.state().events);
    expect(reordered.head).not.toBe(whole.head);
  });
});

describe('checkpoints', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  /** Signed at positions 4 and 8 of the 8-event log. */
  let checkpoints: Checkpoint[];

  const lines = (...cs: Checkpoint[]): CheckpointLine[] => cs.map((checkpoint, i) => ({ line: i + 1, checkpoint }));
  const trusted = (...cs: Checkpoint[]) => trustCheckpoints({ local: { file: 'local', lines: lines(...cs) } }, key);
  const codes = (result: { findings: readonly { code: string }[] }) => result.findings.map((f) => f.code);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'als-checkpoints-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore({ file });
    for (let i = 0; i < 4; i += 1) {
      for (const stream of ['note-a', 'note-b']) {
        await handleCommand(new FoldedStreams(store), notes, stream, { type: 'Write', data: { text: `${stream}#${i}` } }, { commandId: `${stream}-${i}`, actor, now: `2026-01-0${i + 1}T00:00:00.000Z` });
      }
    }
    const chain = new GlobalChain();
    checkpoints = [];
    for (const event of await store.readAll()) {
      chain.add(event);
      if (chain.count % 4 === 0) checkpoints.push(signCheckpoint(chain.state(), `2026-01-0${chain.count / 4}T12:00:00.000Z`, key));
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tamper = async (sql: string) => {
    await store.close();
    const raw = new Database(file);
    raw.exec(sql);
    raw.close();
    store = new SqliteEventStore({ file });
  };

  it('are signed with Ed25519 over every field', () => {
    const [c] = checkpoints;
    expect(c).toMatchObject({ v: 1, position: '4', count: 4, last: { stream: 'note-b', revision: 1 }, key: key.keyId });
    expect(checkSignature(c, key.publicKey, key.keyId)).toBe('valid');
    for (const forged of [{ ...c, count: 3 }, { ...c, head: '0'.repeat(64) }, { ...c, time: '2030-01-01T00:00:00.000Z' }, { ...c, last: { ...c.last, revision: 2 } }]) {
      expect(checkSignature(forged, key.publicKey, key.keyId)).toBe('invalid');
    }
    const other = signingKeyFrom(generateKeyPairSync('ed25519').privateKey);
    expect(checkSignature(c, other.publicKey, other.keyId)).toBe('other-key');
    expect(checkSignature({ ...c, key: other.keyId }, other.publicKey, other.keyId)).toBe('invalid');
  });

  it('verify an untouched log, with the events after the latest checkpoint counted as not yet covered', async () => {
    await handleCommand(new FoldedStreams(store), notes, 'note-c', { type: 'Write', data: { text: 'later' } }, { commandId: 'note-c-0', actor, now: '2026-01-09T00:00:00.000Z' });
    const result = await verifyLog(store, { consecutivePositions: true, checkpoints: trusted(...checkpoints) });
    expect(result).toMatchObject({ ok: true, findings: [], eventsInLog: 9, checkpoints: { trusted: 2, latest: { position: '8', matches: true }, eventsAfterLatest: 1 } });
  });

  it('find an event inserted before a checkpoint', async () => {
    // A stream's revision 0 slipped in at position 3, the positions after it moved up by one.
    const [model] = await store.readStream('note-a', { maxCount: 1 });
    await tamper(`UPDATE events SET position = -(position + 1) WHERE position >= 3;
      UPDATE events SET position = -position WHERE position < 0;
      INSERT INTO events (position, id, stream, revision, type, data, metadata)
        VALUES (3, 'inserted', 'note-z', 0, 'Written', '{"text":"x"}', '${JSON.stringify({ ...model.metadata, hash: 'f'.repeat(64) })}');`);
    const result = await verifyLog(store, { consecutivePositions: true, checkpoints: trusted(...checkpoints) });
    expect(codes(result)).toEqual(['stream-chain-broken', 'events-inserted']);
    expect(result.findings[1]).toMatchObject({ kind: 'insertion', checkpoint: { position: '8' }, details: { found: { position: '9', count: 9 } } });
  });

  it('tell a rewrite that breaks a stream chain from a recomputed one', async () => {
    // The event's own hash rewritten, its successor's prevHash left as it was.
    await tamper(`UPDATE events SET data = '{"text":"forged"}', metadata = json_set(metadata, '$.hash', '${'e'.repeat(64)}') WHERE position = 5`);
    const result = await verifyLog(store, { consecutivePositions: true, checkpoints: trusted(...checkpoints) });
    expect(codes(result)).toEqual(['stream-chain-broken', 'checkpoint-hash-differs']);
    expect(result).toMatchObject({ ok: false, checkpoints: { lastMatching: { position: '4' }, firstFailing: { position: '8' } } });
  });

  it('are trusted when their signature holds; a cut last line is a crash, another unreadable line is not', () => {
    const [c4, c8] = checkpoints;
    const result = trustCheckpoints(
      {
        local: {
          file: 'local',
          lines: [
            { line: 1, checkpoint: c4 },
            { line: 2, unreadable: 'not JSON' },
            { line: 3, checkpoint: { ...c8, count: 9 } },
            { line: 4, checkpoint: { ...c8, key: 'another-key' } },
            { line: 5, unreadable: 'not JSON' },
          ],
        },
      },
      key,
    );
    expect(result.trusted.map((c) => c.position)).toEqual(['4']);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([
      ['checkpoint-unreadable', 'error'],
      ['checkpoint-unreadable', 'warning'],
      ['checkpoint-signature-invalid', 'error'],
      ['checkpoint-other-key', 'warning'],
    ]);
  });

  it("prefer the auditor's copy, and say which checkpoints it lacks or holds alone", () => {
    const [c4, c8] = checkpoints;
    const copyOnly = trustCheckpoints({ local: { file: 'local', lines: lines(c4) }, copy: { file: 'copy', lines: lines(c4, c8) } }, key);
    expect(copyOnly.trusted.map((c) => [c.position, c.source])).toEqual([['4', 'both'], ['8', 'copy']]);
    expect(codes(copyOnly)).toEqual(['checkpoint-missing-locally']);
    const localOnly = trustCheckpoints({ local: { file: 'local', lines: lines(c4, c8) }, copy: { file: 'copy', lines: lines(c4) } }, key);
    expect(localOnly.trusted.map((c) => [c.position, c.source])).toEqual([['4', 'both'], ['8', 'local']]);
    expect(localOnly.findings).toEqual([expect.objectContaining({ code: 'checkpoint-missing-from-copy', severity: 'warning' })]);
    const away = trustCheckpoints({ local: { file: 'local', lines: lines(c4) }, copy: { file: 'copy', lines: [], unavailable: 'EACCES' } }, key);
    expect(codes(away)).toEqual(['checkpoint-copy-unavailable', 'checkpoint-missing-from-copy']);
  });

  it('say plainly when there is no checkpoint to check against', async () => {
    const unconfigured = await verifyLog(store, { consecutivePositions: true });
    expect(unconfigured).toMatchObject({ ok: true, findings: [{ code: 'no-signed-checkpoint', severity: 'warning', kind: 'coverage' }], checkpoints: { latest: null, eventsAfterLatest: 8 } });
    expect(unconfigured.findings[0].message).toMatch(/AUDIT_SIGNING_KEY_FILE.*cannot be detected/);
    const none = await verifyLog(store, { consecutivePositions: true, checkpoints: trusted() });
    expect(none.findings).toEqual([expect.objectContaining({ code: 'no-signed-checkpoint', message: expect.stringMatching(/no signed checkpoint yet/) })]);
  });
});
