import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decider } from '../domain/decider';
import { illegalState } from '../domain/errors';
import { Actor } from '../domain/messages';
import { SqliteEventStore } from '../infrastructure/event-store/sqlite.event-store';
import { EventRejectedError } from './event-store';
import { FoldedStreams } from './folded-streams';
import { CommandContext, handleCommand, PreconditionFailedError, readState } from './handle-command';
import { chainHash, GENESIS_HASH } from './integrity';

/** A seat reservation with a limit: small enough to read, strict enough to show serial decisions. */
type SeatCommand = { type: 'Reserve'; data: { seat: string; reason?: string } };
type SeatEvent = { type: 'Reserved'; data: { seat: string; count: number } };
const LIMIT = 30;
const seats: Decider<{ count: number; taken: string[] }, SeatCommand, SeatEvent> = {
  initialState: { count: 0, taken: [] },
  evolve: (state, event) => ({ count: event.data.count, taken: [...state.taken, event.data.seat] }),
  decide: (command, state) => {
    if (state.taken.includes(command.data.seat)) return [];
    if (state.count >= LIMIT) throw illegalState('full', 'no seat left');
    return [{ type: 'Reserved', data: { seat: command.data.seat, count: state.count + 1 } }];
  },
};

const actor: Actor = { id: 'u-1', role: 'office', org: 'dept' };
const context = (commandId: string, extra: Partial<CommandContext> = {}): CommandContext => ({
  commandId,
  actor,
  now: '2026-03-01T08:00:00.000Z',
  rulesVersion: 'r1',
  ...extra,
});

describe('handleCommand', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** The cache the command path is given, as the service's provider is. */
  let streams: FoldedStreams;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-command-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    streams = new FoldedStreams(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends the decided events with their envelope and a hash chain', async () => {
    const first = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1', reason: 'early' } }, context('c1'));
    const second = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c2'));
    expect(first).toMatchObject({ stream: 'hall-1', revision: 0, events: ['Reserved'], repeated: false });
    expect(second.revision).toBe(1);
    expect(second.position! > first.position!).toBe(true);
    const [e0, e1] = await store.readStream('hall-1');
    expect(e0.metadata).toMatchObject({
      commandId: 'c1',
      correlationId: 'c1',
      actor,
      reason: 'early',
      rulesVersion: 'r1',
      recordedAt: '2026-03-01T08:00:00.000Z',
      prevHash: GENESIS_HASH,
    });
    expect(e0.metadata.hash).toBe(chainHash(GENESIS_HASH, e0));
    expect(e1.metadata.prevHash).toBe(e0.metadata.hash);
    expect(e1.metadata.hash).toBe(chainHash(e0.metadata.hash as string, e1));
  });

  it('answers a repeated command id with its first outcome and writes nothing', async () => {
    const first = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('same'));
    await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'B1' } }, context('other'));
    const again = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('same'));
    expect(again).toEqual({ ...first, written: [], repeated: true });
    expect(first.written.map((e) => e.data)).toEqual([{ seat: 'A1', count: 1 }]);
    expect(await store.readStream('hall-1')).toHaveLength(2);
  });

  it('writes once for a repeated command id sent concurrently', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('twin'))),
    );
    expect(new Set(outcomes.map((o) => o.position))).toEqual(new Set([outcomes[0].position]));
    expect(await store.readStream('hall-1')).toHaveLength(1);
  });

  it('lets the commands of one process on one stream take turns: each decided on the state its predecessor left', async () => {
    const appends = jest.spyOn(store, 'append');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: `S${i}` } }, context(`c${i}`))),
    );
    const events = await store.readStream('hall-1');
    expect(events.map((e) => (e.data as { count: number }).count)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(LIMIT);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(LIMIT);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'full' });
    // No append was refused for concurrency: none was retried.
    expect(appends).toHaveBeenCalledTimes(LIMIT);
    for (let i = 1; i < events.length; i += 1) expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
  });

  it('when an append is refused, decides the commands queued behind it on what was committed', async () => {
    const append = store.append.bind(store);
    let refuse = true;
    jest.spyOn(store, 'append').mockImplementation((stream, events, expected) => {
      if (refuse && (events[0].data as { seat: string }).seat === 'S1') {
        refuse = false;
        return Promise.reject(new EventRejectedError('invalid-event', 'refused for the test'));
      }
      return append(stream, events, expected);
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: `S${i}` } }, context(`c${i}`))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    const events = await store.readStream('hall-1');
    expect(events.map((e) => e.data)).toEqual([
      { seat: 'S0', count: 1 },
      { seat: 'S2', count: 2 },
      { seat: 'S3', count: 3 },
      { seat: 'S4', count: 4 },
    ]);
    for (let i = 1; i < events.length; i += 1) expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
  });

  it('decides a conflict with another process again on the newer state, never above the limit', async () => {
    const other = new SqliteEventStore({ file: join(dir, 'events.db') });
    const elsewhere = new FoldedStreams(other);
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          handleCommand(i % 2 ? elsewhere : streams, seats, 'hall-1', { type: 'Reserve', data: { seat: `S${i}` } }, context(`c${i}`)),
        ),
      );
      const events = await store.readStream('hall-1');
      expect(events.map((e) => (e.data as { count: number }).count)).toEqual(events.map((_, i) => i + 1));
      expect(events.length).toBeLessThanOrEqual(LIMIT);
      expect(events.length).toBeGreaterThan(20);
      const succeeded = outcomes.filter((o) => o.status === 'fulfilled' && o.value.events.length === 1);
      expect(succeeded).toHaveLength(events.length);
      for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as Error).name).toMatch(/DomainError|ConcurrencyError/);
      // Each process folded in what the other wrote: the chain is unbroken.
      for (let i = 1; i < events.length; i += 1) expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
    } finally {
      await other.close();
    }
  });

  it('decides on the state it remembers without reading the stream again; a query reads only what came after', async () => {
    await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('c1'));
    const reads = jest.spyOn(store, 'readStream');
    await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c2'));
    expect(reads).not.toHaveBeenCalled();
    const { state, revision } = await readState(streams, seats, 'hall-1');
    expect({ state, revision }).toEqual({ state: { count: 2, taken: ['A1', 'A2'] }, revision: 1 });
    expect(reads.mock.calls).toEqual([['hall-1', { fromRevision: 2 }]]);
    expect(await reads.mock.results[0].value).toEqual([]);
  });

  it('reads the stream again before answering anything but a clean append from a state another process moved on', async () => {
    const other = new SqliteEventStore({ file: join(dir, 'events.db') });
    const elsewhere = new FoldedStreams(other);
    try {
      await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('c1'));
      await handleCommand(elsewhere, seats, 'hall-1', { type: 'Reserve', data: { seat: 'B1' } }, context('c2'));
      // The client read revision 1 from the other process: this one still remembers revision 0.
      const ok = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c3', { ifMatch: 1 }));
      expect(ok).toMatchObject({ revision: 2, events: ['Reserved'] });
      // A seat the other process took is nothing to do, as the stream now says, not a fresh reservation.
      await handleCommand(elsewhere, seats, 'hall-1', { type: 'Reserve', data: { seat: 'B2' } }, context('c4'));
      const noop = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'B2' } }, context('c5'));
      expect(noop).toMatchObject({ revision: 3, events: [] });
      // A repeat of a command the other process handled is answered with its outcome.
      const repeat = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'B2' } }, context('c4'));
      expect(repeat).toMatchObject({ revision: 3, events: ['Reserved'], repeated: true });
      expect((await store.readStream('hall-1')).map((e) => (e.data as { seat: string }).seat)).toEqual(['A1', 'B1', 'A2', 'B2']);
    } finally {
      await other.close();
    }
  });

  it('forgets the least recently used stream beyond its capacity and reads it in full again', async () => {
    const small = new FoldedStreams(store, 2);
    for (const hall of ['hall-1', 'hall-2', 'hall-3']) {
      await handleCommand(streams, seats, hall, { type: 'Reserve', data: { seat: 'A1' } }, context(`c-${hall}`));
      await small.read(seats, hall);
    }
    const reads = jest.spyOn(store, 'readStream');
    expect((await small.read(seats, 'hall-3')).state.count).toBe(1);
    expect((await small.read(seats, 'hall-1')).state.count).toBe(1);
    expect(reads.mock.calls).toEqual([
      ['hall-3', { fromRevision: 1 }],
      ['hall-1', { fromRevision: 0 }],
    ]);
  });

  it('remembers only in the cache it is given: another cache on the same store reads what this one wrote', async () => {
    await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('c1'));
    const other = new FoldedStreams(store);
    const reads = jest.spyOn(store, 'readStream');
    expect(await readState(other, seats, 'hall-1')).toEqual({ state: { count: 1, taken: ['A1'] }, revision: 0 });
    expect(reads.mock.calls).toEqual([['hall-1', { fromRevision: 0 }]]);
    await handleCommand(other, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c2'));
    // This cache still remembers revision 0: its next command reads what the other one appended.
    const third = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A3' } }, context('c3'));
    expect(third).toMatchObject({ revision: 2, events: ['Reserved'] });
    expect((await readState(streams, seats, 'hall-1')).state.taken).toEqual(['A1', 'A2', 'A3']);
  });

  it('fails with If-Match at another revision and writes nothing', async () => {
    await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A1' } }, context('c1'));
    const error = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c2', { ifMatch: 3 })).catch((e) => e);
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ stream: 'hall-1', expected: 3, actual: 0 });
    expect(await store.readStream('hall-1')).toHaveLength(1);
    const ok = await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'A2' } }, context('c3', { ifMatch: 0 }));
    expect(ok.revision).toBe(1);
  });

  it('lets a broken rule through as the domain error, writing nothing', async () => {
    for (let i = 0; i < LIMIT; i += 1) await handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: `S${i}` } }, context(`c${i}`));
    await expect(handleCommand(streams, seats, 'hall-1', { type: 'Reserve', data: { seat: 'late' } }, context('late'))).rejects.toMatchObject({ code: 'full' });
    expect(await store.readStream('hall-1')).toHaveLength(LIMIT);
  });
});
