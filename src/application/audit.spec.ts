import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Decider } from '../domain/decider';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';
import { asStored, auditViewFor, history, stateAsOf, verifyIntegrity } from './audit';
import { FoldedStreams } from './folded-streams';
import { handleCommand } from './handle-command';

type Note = { type: 'Write'; data: { text: string; reason?: string } };
type Noted = { type: 'Written'; data: { text: string } };
const notes: Decider<string[], Note, Noted> = {
  initialState: [],
  evolve: (state, event) => [...state, event.data.text],
  decide: (command) => [{ type: 'Written', data: { text: command.data.text } }],
};
const actor = { id: 'u-1', role: 'office' as const, org: 'dept' };

describe('audit', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'als-audit-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore({ file });
    for (let i = 0; i < 4; i += 1) {
      for (const stream of ['note-a', 'note-b']) {
        await handleCommand(new FoldedStreams(store), notes, stream, { type: 'Write', data: { text: `${stream}#${i}`, reason: `because ${i}` } }, {
          commandId: `${stream}-${i}`,
          actor,
          now: `2026-01-0${i + 1}T00:00:00.000Z`,
          rulesVersion: 'v1',
        });
      }
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

  it('verifies an untouched log and each stream', async () => {
    expect(await verifyIntegrity(store, { consecutivePositions: true })).toEqual({
      ok: true,
      checkedEvents: 8,
      checkedStreams: 2,
      lastPosition: '8',
    });
    expect(await verifyIntegrity(store, { stream: 'note-b', consecutivePositions: true })).toMatchObject({ ok: true, checkedEvents: 4 });
  });

  it('finds an altered event', async () => {
    await tamper(`UPDATE events SET data = '{"text":"forged"}' WHERE stream = 'note-a' AND revision = 2`);
    const result = await verifyIntegrity(store, { consecutivePositions: true });
    expect(result).toMatchObject({ ok: false, firstBroken: { stream: 'note-a', revision: 2, reason: 'hash does not match the event content' } });
    expect(await verifyIntegrity(store, { stream: 'note-a', consecutivePositions: true })).toMatchObject({ ok: false });
    expect(await verifyIntegrity(store, { stream: 'note-b', consecutivePositions: true })).toMatchObject({ ok: true });
  });

  it('finds altered metadata (who decided)', async () => {
    await tamper(`UPDATE events SET metadata = json_set(metadata, '$.actor.id', 'someone-else') WHERE stream = 'note-b' AND revision = 0`);
    expect(await verifyIntegrity(store, { consecutivePositions: true })).toMatchObject({ ok: false, firstBroken: { stream: 'note-b', revision: 0 } });
  });

  it('finds a deleted event, in the stream and in the log', async () => {
    await tamper(`DELETE FROM events WHERE stream = 'note-a' AND revision = 1`);
    expect(await verifyIntegrity(store, { consecutivePositions: true })).toMatchObject({ ok: false, firstBroken: { position: '4' } });
    expect(await verifyIntegrity(store, { stream: 'note-a', consecutivePositions: true })).toMatchObject({
      ok: false,
      firstBroken: { stream: 'note-a', revision: 2, reason: 'revision 2 where 1 was expected' },
    });
  });

  it('finds a deleted event even when the revisions are renumbered to hide it', async () => {
    await tamper(`DELETE FROM events WHERE stream = 'note-a' AND revision = 1;
      UPDATE events SET revision = revision - 1 WHERE stream = 'note-a' AND revision > 1;`);
    expect(await verifyIntegrity(store, { stream: 'note-a', consecutivePositions: true })).toMatchObject({ ok: false, firstBroken: { revision: 1 } });
  });

  it('finds reordered events', async () => {
    await tamper(`UPDATE events SET position = -1 WHERE position = 1;
      UPDATE events SET position = 1 WHERE position = 3;
      UPDATE events SET position = 3 WHERE position = -1;`);
    expect(await verifyIntegrity(store, { consecutivePositions: true })).toMatchObject({ ok: false, firstBroken: { stream: 'note-a', position: '1' } });
  });

  it('tells each event with who, why, when, the rules, and the state after it', async () => {
    const entries = await history(store, { note: notes }, 'note-a');
    expect(entries).toHaveLength(4);
    expect(entries[1]).toMatchObject({
      revision: 1,
      type: 'Written',
      actor,
      reason: 'because 1',
      recordedAt: '2026-01-02T00:00:00.000Z',
      rulesVersion: 'v1',
      stateAfter: ['note-a#0', 'note-a#1'],
    });
  });

  it('replays a stream as of a revision and as of a time', async () => {
    expect(await stateAsOf(store, { note: notes }, 'note-b', { revision: 1 })).toEqual({ revision: 1, state: ['note-b#0', 'note-b#1'] });
    expect(await stateAsOf(store, { note: notes }, 'note-b', { time: '2026-01-03T12:00:00.000Z' })).toEqual({
      revision: 2,
      state: ['note-b#0', 'note-b#1', 'note-b#2'],
    });
    expect(await stateAsOf(store, { note: notes }, 'note-b', { time: '2025-12-31T00:00:00.000Z' })).toEqual({ revision: -1, state: [] });
  });
  describe('objectors in the audit views', () => {
    type FileObjection = { type: 'FileObjection'; data: { objector: { name: string; contact: string }; grounds: string } };
    type ObjectionFiled = { type: 'ObjectionFiled'; data: { objector: { name: string; contact: string }; grounds: string } };
    // A fold that keeps what it is given: whatever a view hides must not come back through the state.
    const objections: Decider<string[], FileObjection, ObjectionFiled> = {
      initialState: [],
      evolve: (state, event) => [...state, `${JSON.stringify(event.data.objector)} ${event.data.grounds}`],
      decide: (command) => [{ type: 'ObjectionFiled', data: command.data }],
    };
    const objector = { id: 'u-9', role: 'applicant' as const, org: 'school-9', region: '晋中市' };
    const IDENTITY = /u-9|school-9|晋中市|王某|139/;

    beforeEach(async () => {
      await handleCommand(new FoldedStreams(store), objections, 'objection-x', { type: 'FileObjection', data: { objector: { name: '王某', contact: '139' }, grounds: '不实' } }, {
        commandId: 'u-9:key-1',
        actor: objector,
        now: '2026-02-01T00:00:00.000Z',
        rulesVersion: 'v1',
      });
    });

    it("hides the objector from everyone but the office: data, envelope, and the states folded from them", async () => {
      const seen = await history(store, { objection: objections }, 'objection-x', auditViewFor('auditor'));
      expect(seen[0]).toMatchObject({ type: 'ObjectionFiled', actor: { redacted: true }, data: { objector: { redacted: true }, grounds: '不实' }, recordedAt: '2026-02-01T00:00:00.000Z', rulesVersion: 'v1' });
      expect(seen[0].stateAfter).toEqual(['{"redacted":true} 不实']);
      expect(JSON.stringify(seen)).not.toMatch(IDENTITY);
      for (const asOf of [{ revision: 0 }, { time: '2026-02-02T00:00:00.000Z' }]) {
        const replayed = await stateAsOf(store, { objection: objections }, 'objection-x', asOf, auditViewFor('reviewer'));
        expect(replayed).toEqual({ revision: 0, state: ['{"redacted":true} 不实'] });
      }

      const office = await history(store, { objection: objections }, 'objection-x', auditViewFor('office'));
      expect(office[0]).toMatchObject({ actor: objector, stateAfter: ['{"name":"王某","contact":"139"} 不实'] });
      expect(await stateAsOf(store, { objection: objections }, 'objection-x', { revision: 0 }, auditViewFor('office'))).toEqual({ revision: 0, state: ['{"name":"王某","contact":"139"} 不实'] });
    });

    it('keeps only when, the rules and the chain links of an objector’s envelope, and lists what it hid', async () => {
      const [stored] = await store.readStream('objection-x');
      expect(stored.metadata.commandId).toBe('u-9:key-1');
      const seen = auditViewFor('auditor')(stored);
      expect(seen.metadata).toEqual({
        actor: { redacted: true },
        recordedAt: '2026-02-01T00:00:00.000Z',
        rulesVersion: 'v1',
        schemaVersion: 1,
        prevHash: stored.metadata.prevHash,
        hash: stored.metadata.hash,
      });
      expect(seen.redacted).toEqual(expect.arrayContaining(['data.objector', 'metadata.actor', 'metadata.commandId', 'metadata.correlationId', 'metadata.causationId']));
      expect(JSON.stringify({ ...seen, position: seen.position.toString() })).not.toMatch(IDENTITY);
      // The stored event itself is untouched, and verification reads it as stored.
      expect(stored.metadata.actor).toEqual(objector);
      expect(await verifyIntegrity(store, { consecutivePositions: true })).toMatchObject({ ok: true, checkedEvents: 9 });
    });

    it("shows every other event as stored, to anyone", async () => {
      const [note] = await store.readStream('note-a');
      expect(auditViewFor('auditor')(note)).toBe(note);
      expect(asStored(note)).toBe(note);
    });
  });
});
