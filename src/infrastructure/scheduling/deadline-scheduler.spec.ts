import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Clock } from '../../application/clock';
import { CommandDoors, DoorCommands } from '../../application/command-doors';
import { cycleDeadlineRules, DeadlineRule, publicNoticeEnd } from '../../application/deadlines';
import { RecordedEvent } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { handleCommand } from '../../application/handle-command';
import { cnCalendar } from '../../domain/calendar';
import { defaultCatalog } from '../../domain/catalog/program-catalog';
import { CycleRules } from '../../domain/catalog/program-rules';
import { Decider } from '../../domain/decider';
import { illegalState } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { ProgramCycleCommand } from '../../domain/program-cycle/program-cycle.commands';
import { programCycleDecider } from '../../domain/program-cycle/program-cycle.decider';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { DeadlineScheduler, DeadlineSchedulerOptions } from './deadline-scheduler';
import { deadlinesProjection } from '../read-models/deadlines/deadlines.projection';
import { doorsOn } from '../../../test/support/command-doors';

class FakeClock implements Clock {
  constructor(private instant: string) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: string): void {
    this.instant = instant;
  }
}

const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const BRAND = defaultCatalog['brand-major'];
const rules = { ...BRAND.defaultRules, quota: 5 } as CycleRules;
const SCHEDULER = { id: 'scheduler', role: 'office', org: 'system' };

// 5 working days over the 2025 National Day holiday (10-01..10-08 off, Saturday 10-11 worked):
// from 09-29 the notice ends on 10-11, from 10-09 on 10-14; objections are admissible until that day's end.
const SEPT_15 = '2025-09-15T00:00:00+08:00';
const OCT_20 = '2025-10-20T00:00:00+08:00';
const NOTICE_FROM_0929_ENDS = '2025-10-12T00:00:00+08:00';
const NOTICE_FROM_1009_ENDS = '2025-10-15T00:00:00+08:00';

type WithoutNow<C> = C extends unknown ? Omit<C, 'now'> : never;

/** The cycle's command path, as the HTTP layer drives it. */
async function cycleCommand(streams: FoldedStreams, cycleId: string, command: WithoutNow<ProgramCycleCommand>, now: string) {
  return handleCommand(streams, programCycleDecider, `cycle-${cycleId}`, { ...command, now } as ProgramCycleCommand, {
    commandId: randomUUID(),
    actor: command.actor,
    now,
  });
}

async function openCycle(streams: FoldedStreams, cycleId: string, closesAt: string, projects: string[] = []) {
  await cycleCommand(
    streams,
    cycleId,
    {
      type: 'OpenCycle',
      data: { cycleId, programType: 'brand-major', name: `品牌专业 ${cycleId}`, label: '2025', rules, rulesVersion: 'brand-major/2025.1', opensAt: '2025-09-01T00:00:00+08:00', closesAt },
      context: { programType: BRAND },
      actor: office,
    },
    '2025-08-20T09:00:00+08:00',
  );
  for (const [i, projectId] of projects.entries()) {
    const school = `school-${cycleId}-${projectId}`;
    const applicant: Actor = { id: `u-${school}`, role: 'applicant', org: school, region: '太原市' };
    const recommender: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
    await cycleCommand(streams, cycleId, { type: 'RegisterApplication', data: { projectId, applicantOrg: school, region: '太原市' }, actor: applicant }, '2025-09-05T10:00:00+08:00');
    await cycleCommand(streams, cycleId, { type: 'RegisterRecommendation', data: { projectId, recommenderOrg: '太原市教育局', rank: i + 1 }, actor: recommender }, '2025-09-10T10:00:00+08:00');
  }
}

async function shortlistAndNotice(streams: FoldedStreams, cycleId: string, projects: string[], startsOn: string, now: string) {
  await cycleCommand(
    streams,
    cycleId,
    {
      type: 'Shortlist',
      data: { shortlisted: projects.map((projectId) => ({ projectId })), notSelected: [], reason: '评审会议纪要' },
      context: { reviewIncomplete: [] },
      actor: office,
    },
    now,
  );
  await cycleCommand(streams, cycleId, { type: 'OpenPublicNotice', data: { startsOn }, actor: office, context: { calendar: cnCalendar } }, now);
}

/** One running service: its own store connection, cache of folded streams, read models and scheduler, on shared files. */
interface Instance<Commands = DoorCommands> {
  readonly store: SqliteEventStore;
  readonly streams: FoldedStreams;
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;
  readonly scheduler: DeadlineScheduler<Commands>;
}

describe('DeadlineScheduler', () => {
  let dir: string;
  let clock: FakeClock;
  /** What shutting an instance down uses of it, whatever its Commands. */
  type Running = Pick<Instance, 'store' | 'db' | 'runner'> & { readonly scheduler: { stop(): Promise<void> } };
  const running: Running[] = [];

  /** An instance with the service's aggregates, or with other rules and doors (`Commands` then says which). */
  function instance<Commands = DoorCommands>(
    readModels = 'read-models.db',
    extra: Partial<Pick<DeadlineSchedulerOptions<Commands>, 'rules' | 'retryMs' | 'onError'>> & { doors?: (streams: FoldedStreams) => CommandDoors<Commands> } = {},
  ): Instance<Commands> {
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    const streams = new FoldedStreams(store);
    const db = ProjectionRunner.openDatabase(join(dir, readModels));
    // Without rules and doors of its own, the test's Commands are the service's: its cycle rules, and the
    // aggregates' handlers as the service's CommandBus reaches them.
    const rules = extra.rules ?? (cycleDeadlineRules as unknown as readonly DeadlineRule<never, Commands>[]);
    const runner = new ProjectionRunner(store, db, [deadlinesProjection(rules as readonly DeadlineRule[])]);
    const doors = extra.doors ? extra.doors(streams) : (doorsOn({ streams, clock }) as unknown as CommandDoors<Commands>);
    const scheduler = new DeadlineScheduler({ db, clock, rules, doors, retryMs: extra.retryMs, onError: extra.onError });
    const created = { store, streams, db, runner, scheduler };
    running.push(created);
    return created;
  }

  /** A crash, as far as this process can tell: everything stops, nothing is flushed beyond what was written. */
  async function shutDown(i: Running) {
    running.splice(running.indexOf(i), 1);
    await i.scheduler.stop();
    await i.runner.stop();
    await i.store.close();
    i.db.close();
  }

  async function caughtUp(i: Running) {
    const { lastPosition } = await i.store.status();
    if (lastPosition !== undefined) await i.runner.waitFor(lastPosition, 5000);
  }

  const eventsOf = async (store: SqliteEventStore, type: string): Promise<RecordedEvent[]> =>
    (await store.readAll()).filter((e) => e.type === type);
  const countByStream = (events: RecordedEvent[]) =>
    events.reduce<Record<string, number>>((counts, e) => ({ ...counts, [e.stream]: (counts[e.stream] ?? 0) + 1 }), {});
  const deadlineRows = (db: Database.Database) =>
    db.prepare('SELECT stream, kind, key, due_at, rule, calendar_version, fired_at FROM deadlines ORDER BY stream, kind, key').all() as {
      stream: string;
      kind: string;
      key: string;
      due_at: string;
      rule: string;
      calendar_version: string | null;
      fired_at: string | null;
    }[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-deadlines-'));
    clock = new FakeClock('2025-08-20T09:00:00+08:00');
  });
  afterEach(async () => {
    for (const i of [...running]) await shutDown(i);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires each cycle deadline once, decided at its due time, recording the rule and the calendar', async () => {
    const service = instance();
    service.runner.start();
    await openCycle(service.streams, 'bm', SEPT_15, ['p1', 'p2']);
    await caughtUp(service);
    expect(await service.scheduler.tick()).toEqual([]);

    clock.set('2025-09-16T08:00:00+08:00');
    const windowOutcomes = await service.scheduler.tick();
    expect(windowOutcomes).toMatchObject([{ status: 'fired', deadline: { kind: 'application-window-close' }, events: ['ApplicationWindowClosed'] }]);
    const [closed] = await eventsOf(service.store, 'ApplicationWindowClosed');
    expect(closed.data).toMatchObject({ closedAt: SEPT_15, trigger: 'deadline' });
    expect(closed.metadata).toMatchObject({ actor: SCHEDULER, recordedAt: '2025-09-16T00:00:00.000Z', commandId: expect.stringMatching(/^deadline:cycle-bm:application-window-close:/) });
    expect(closed.metadata.reason).toContain(`cycle.applicationWindow: closes ${SEPT_15}`);

    clock.set('2025-09-29T09:00:00+08:00');
    await shortlistAndNotice(service.streams, 'bm', ['p1', 'p2'], '2025-09-29', clock.now().toISOString());
    await caughtUp(service);
    expect(deadlineRows(service.db)).toEqual([
      expect.objectContaining({ kind: 'application-window-close', fired_at: '2025-09-16T00:00:00.000Z' }),
      {
        stream: 'cycle-bm',
        kind: 'public-notice-end',
        key: 'notice-1',
        due_at: '2025-10-11T16:00:00.000Z',
        rule: 'cycle.publicNotice: 5 working-days from 2025-09-29 to 2025-10-11 (rules brand-major/2025.1)',
        calendar_version: cnCalendar.version,
        fired_at: null,
      },
    ]);

    clock.set('2025-10-11T23:59:59+08:00');
    expect(await service.scheduler.tick()).toEqual([]);

    clock.set('2025-10-13T09:00:00+08:00');
    await service.runner.stop();
    expect(await service.scheduler.tick()).toMatchObject([{ status: 'fired', deadline: { key: 'notice-1' }, events: ['PublicNoticeEnded'] }]);
    // Again before the read model has seen the event, and after: nothing more.
    expect(await service.scheduler.tick()).toEqual([]);
    service.runner.start();
    await caughtUp(service);
    expect(await service.scheduler.tick()).toEqual([]);

    const ended = await eventsOf(service.store, 'PublicNoticeEnded');
    expect(ended).toHaveLength(1);
    expect(ended[0].data).toEqual({ noticeId: 'notice-1', projectIds: ['p1', 'p2'], endsOn: '2025-10-11', endedAt: NOTICE_FROM_0929_ENDS });
    expect(ended[0].metadata).toMatchObject({ actor: SCHEDULER, recordedAt: '2025-10-13T01:00:00.000Z' });
    expect(ended[0].metadata.reason).toBe(
      `deadline public-notice-end notice-1 due 2025-10-11T16:00:00.000Z: cycle.publicNotice: 5 working-days from 2025-09-29 to 2025-10-11 (rules brand-major/2025.1), calendar ${cnCalendar.version}`,
    );
    expect(deadlineRows(service.db).every((row) => row.fired_at !== null)).toBe(true);

    // The fired deadline moved the cycle on: the office may now approve the list.
    await cycleCommand(service.streams, 'bm', { type: 'ApproveList', data: { projectIds: ['p1', 'p2'], reason: '公示无异议' }, context: { openObjections: [] }, actor: office }, '2025-10-13T10:00:00+08:00');
    expect(await eventsOf(service.store, 'ListApproved')).toHaveLength(1);
  });

  it('after a crash and downtime, fires every missed deadline once, with its due time', async () => {
    const first = instance();
    first.runner.start();
    await openCycle(first.streams, 'a', SEPT_15, ['p1']);
    await openCycle(first.streams, 'b', SEPT_15, ['p1']);
    await openCycle(first.streams, 'c', OCT_20);
    await caughtUp(first);
    clock.set('2025-09-16T08:00:00+08:00');
    expect(await first.scheduler.tick()).toHaveLength(2);
    clock.set('2025-09-29T09:00:00+08:00');
    await shortlistAndNotice(first.streams, 'a', ['p1'], '2025-09-29', clock.now().toISOString());
    clock.set('2025-09-30T09:00:00+08:00');
    await shortlistAndNotice(first.streams, 'b', ['p1'], '2025-10-09', clock.now().toISOString());
    await caughtUp(first);

    // Notice a is due; it fires, and the process dies before its read model records the event.
    clock.set('2025-10-13T09:00:00+08:00');
    await first.runner.stop();
    expect(await first.scheduler.tick()).toMatchObject([{ status: 'fired', deadline: { stream: 'cycle-a', key: 'notice-1' } }]);
    await shutDown(first);

    // Back three weeks later; the scheduler ticks before the read model has caught up.
    clock.set('2025-11-03T09:00:00+08:00');
    const second = instance();
    const outcomes = await second.scheduler.tick();
    expect(outcomes.map((o) => [o.status, o.deadline.stream, o.deadline.kind])).toEqual([
      ['settled', 'cycle-a', 'public-notice-end'],
      ['fired', 'cycle-b', 'public-notice-end'],
      ['fired', 'cycle-c', 'application-window-close'],
    ]);
    second.runner.start();
    await caughtUp(second);
    expect(await second.scheduler.tick()).toEqual([]);
    expect(deadlineRows(second.db).map((row) => [row.stream, row.kind, row.fired_at !== null])).toEqual([
      ['cycle-a', 'application-window-close', true],
      ['cycle-a', 'public-notice-end', true],
      ['cycle-b', 'application-window-close', true],
      ['cycle-b', 'public-notice-end', true],
      ['cycle-c', 'application-window-close', true],
    ]);

    const ended = await eventsOf(second.store, 'PublicNoticeEnded');
    const closed = await eventsOf(second.store, 'ApplicationWindowClosed');
    expect(countByStream(ended)).toEqual({ 'cycle-a': 1, 'cycle-b': 1 });
    expect(countByStream(closed)).toEqual({ 'cycle-a': 1, 'cycle-b': 1, 'cycle-c': 1 });
    // The records say when each deadline was due, and the envelope when it was acted on.
    expect(ended.map((e) => [e.stream, e.data.endedAt, e.metadata.recordedAt])).toEqual([
      ['cycle-a', NOTICE_FROM_0929_ENDS, '2025-10-13T01:00:00.000Z'],
      ['cycle-b', NOTICE_FROM_1009_ENDS, '2025-11-03T01:00:00.000Z'],
    ]);
    expect(closed.find((e) => e.stream === 'cycle-c')?.data).toMatchObject({ closedAt: OCT_20, trigger: 'deadline' });
  });

  it('two instances on one store, ticking at once, write each deadline once', async () => {
    const one = instance('read-models-1.db');
    const two = instance('read-models-2.db');
    one.runner.start();
    two.runner.start();
    const cycles = ['x', 'y', 'z'];
    for (const id of cycles) await openCycle(one.streams, id, SEPT_15, ['p1']);
    const both = async () => {
      await Promise.all([caughtUp(one), caughtUp(two)]);
      return Promise.all([one.scheduler.tick(), two.scheduler.tick()]);
    };

    clock.set('2025-09-16T08:00:00+08:00');
    const [fromOne, fromTwo] = await both();
    // Both raced for every deadline (each believes it fired it); the store kept one write of each.
    expect(fromOne.map((o) => o.deadline.stream)).toEqual(['cycle-x', 'cycle-y', 'cycle-z']);
    expect(fromTwo.map((o) => o.deadline.stream)).toEqual(['cycle-x', 'cycle-y', 'cycle-z']);
    expect(await both()).toEqual([[], []]);

    clock.set('2025-09-29T09:00:00+08:00');
    for (const id of cycles) await shortlistAndNotice(two.streams, id, ['p1'], '2025-09-29', clock.now().toISOString());
    clock.set('2025-10-13T09:00:00+08:00');
    for (const outcomes of await both()) expect(outcomes.map((o) => o.deadline.kind)).toEqual(cycles.map(() => 'public-notice-end'));
    expect(await both()).toEqual([[], []]);

    const streams = { 'cycle-x': 1, 'cycle-y': 1, 'cycle-z': 1 };
    expect(countByStream(await eventsOf(one.store, 'ApplicationWindowClosed'))).toEqual(streams);
    expect(countByStream(await eventsOf(one.store, 'PublicNoticeEnded'))).toEqual(streams);
    for (const i of [one, two]) expect(deadlineRows(i.db).filter((row) => row.fired_at === null)).toEqual([]);
  });

  describe('failures', () => {
    // An alarm clock whose bell may jam: small enough to show retries and already-done effects.
    type AlarmEvent = { type: 'AlarmSet'; data: { key: string; dueAt: string } } | { type: 'AlarmRang'; data: { key: string; rangAt: string } };
    type AlarmCommand = { type: string; data: Record<string, unknown>; actor: Actor; now: string };
    const bell = { jammed: false };
    const alarm: Decider<string[], AlarmCommand, AlarmEvent> = {
      initialState: [],
      evolve: (rung, event) => (event.type === 'AlarmRang' ? [...rung, event.data.key] : rung),
      decide: (command, rung) => {
        const key = String(command.data.key);
        if (command.type === 'SetAlarm') return [{ type: 'AlarmSet', data: { key, dueAt: String(command.data.dueAt) } }];
        if (rung.includes(key)) throw illegalState('already-rung', `alarm ${key} has rung`);
        if (bell.jammed) throw illegalState('bell-jammed', 'the bell is jammed');
        return [{ type: 'AlarmRang', data: { key, rangAt: command.now } }];
      },
    };
    interface AlarmCommands {
      readonly alarm: { readonly type: string; readonly data: Record<string, unknown> };
    }
    const ring: DeadlineRule<AlarmEvent, AlarmCommands> = {
      category: 'alarm',
      kind: 'ring',
      derive: (event) => (event.type === 'AlarmSet' ? [{ set: { key: event.data.key, dueAt: event.data.dueAt, rule: 'alarm.ring' } }] : [{ clear: { key: event.data.key } }]),
      command: (deadline) => ({ type: 'Ring', data: { key: deadline.key } }),
      settledBy: ['already-rung'],
    };
    const command = (type: string, data: Record<string, unknown>) => ({ type, data, actor: office, now: '2025-01-01T00:00:00.000Z' });
    /** The alarm's one handler, as small as it gets: decided when issued for, recorded at the clock's time. */
    const alarmDoor =
      (streams: FoldedStreams): CommandDoors<AlarmCommands>['alarm'] =>
      (id, { type, data }, request) =>
        handleCommand(streams, alarm, `alarm-${id}`, { type, data, actor: request.actor, now: request.issuedBy?.decidedAt ?? clock.now().toISOString() }, {
          commandId: request.commandId,
          actor: request.actor,
          now: clock.now().toISOString(),
        });
    const alarmInstance = (onError?: () => void) =>
      instance<AlarmCommands>('read-models.db', { rules: [ring], doors: (streams) => ({ alarm: alarmDoor(streams) }), retryMs: 1000, onError });

    beforeEach(() => {
      bell.jammed = false;
      clock.set('2025-01-01T00:00:00.000Z');
    });

    it('records a failure instead of throwing, and retries with a doubling backoff', async () => {
      const errors: unknown[] = [];
      const service = alarmInstance(() => errors.push(1));
      service.runner.start();
      await handleCommand(service.streams, alarm, 'alarm-1', command('SetAlarm', { key: 'wake', dueAt: '2025-01-01T06:00:00.000Z' }), { commandId: 'set', actor: office, now: '2025-01-01T00:00:00.000Z' });
      await caughtUp(service);
      bell.jammed = true;

      clock.set('2025-01-01T06:00:00.000Z');
      expect(await service.scheduler.tick()).toMatchObject([{ status: 'failed', failure: { code: 'bell-jammed', attempts: 1, nextAttemptAt: '2025-01-01T06:00:01.000Z' } }]);
      expect(await service.scheduler.tick()).toEqual([]);
      clock.set('2025-01-01T06:00:01.000Z');
      expect(await service.scheduler.tick()).toMatchObject([{ status: 'failed', failure: { attempts: 2, nextAttemptAt: '2025-01-01T06:00:03.000Z' } }]);
      expect(service.scheduler.pendingFailures).toHaveLength(1);
      expect(errors).toHaveLength(2);

      bell.jammed = false;
      clock.set('2025-01-01T06:00:03.000Z');
      expect(await service.scheduler.tick()).toMatchObject([{ status: 'fired', events: ['AlarmRang'] }]);
      expect(service.scheduler.pendingFailures).toEqual([]);
      // Decided at the due time, whenever it finally went through.
      expect((await eventsOf(service.store, 'AlarmRang'))[0].data).toEqual({ key: 'wake', rangAt: '2025-01-01T06:00:00.000Z' });
    });

    it('takes a refusal that says the effect already happened as done', async () => {
      const service = alarmInstance();
      service.runner.start();
      await handleCommand(service.streams, alarm, 'alarm-1', command('SetAlarm', { key: 'wake', dueAt: '2025-01-01T06:00:00.000Z' }), { commandId: 'set', actor: office, now: '2025-01-01T00:00:00.000Z' });
      await caughtUp(service);
      await service.runner.stop();
      // Rung by hand under another command id; the read model has not seen it yet.
      await handleCommand(service.streams, alarm, 'alarm-1', command('Ring', { key: 'wake' }), { commandId: 'by-hand', actor: office, now: '2025-01-01T05:00:00.000Z' });
      clock.set('2025-01-01T07:00:00.000Z');
      expect(await service.scheduler.tick()).toMatchObject([{ status: 'settled', deadline: { key: 'wake' } }]);
      expect(await service.scheduler.tick()).toEqual([]);
      expect(await eventsOf(service.store, 'AlarmRang')).toHaveLength(1);
    });

    it('ticks on its own once started, until stopped', async () => {
      const service = alarmInstance();
      service.runner.start();
      await handleCommand(service.streams, alarm, 'alarm-1', command('SetAlarm', { key: 'wake', dueAt: '2025-01-01T06:00:00.000Z' }), { commandId: 'set', actor: office, now: '2025-01-01T00:00:00.000Z' });
      await caughtUp(service);
      clock.set('2025-01-01T06:00:00.000Z');
      service.scheduler.start(5);
      for (let i = 0; i < 200 && (await eventsOf(service.store, 'AlarmRang')).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await service.scheduler.stop();
      expect(await eventsOf(service.store, 'AlarmRang')).toHaveLength(1);
    });
  });

  it('records the calendar version only for a working-day count', () => {
    const opened = (unit: 'working-days' | 'calendar-days') =>
      publicNoticeEnd.derive(
        {
          type: 'PublicNoticeOpened',
          data: { noticeId: 'notice-1', projectIds: [], startsOn: '2025-12-01', endsOn: '2025-12-05', endsAt: '2025-12-06T00:00:00+08:00', length: 5, unit, calendarVersion: 'cn-x', rulesVersion: 'r', document: null, openedAt: '2025-12-01T09:00:00+08:00' },
        },
        'cycle-c',
      );
    expect(opened('working-days')).toEqual([{ set: expect.objectContaining({ key: 'notice-1', dueAt: '2025-12-06T00:00:00+08:00', calendarVersion: 'cn-x' }) }]);
    expect(opened('calendar-days')).toEqual([{ set: expect.not.objectContaining({ calendarVersion: expect.anything() }) }]);
  });
});
