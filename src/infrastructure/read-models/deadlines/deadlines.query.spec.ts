import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { cycleDeadlineRules } from '../../../application/deadlines';
import { FoldedStreams } from '../../../application/folded-streams';
import { handleCommand } from '../../../application/handle-command';
import { cycleStream } from '../../../application/streams';
import { defaultCatalog, isProjectProgramType } from '../../../domain/catalog/program-catalog';
import { Actor } from '../../../domain/messages';
import { ProgramCycleCommand } from '../../../domain/program-cycle/program-cycle.commands';
import { programCycleDecider } from '../../../domain/program-cycle/program-cycle.decider';
import { SqliteEventStore } from '../../event-store/sqlite.event-store';
import { deadlinesProjection } from './deadlines.projection';
import { deadlinesDue } from './deadlines.query';
import { cnCalendar } from '../../../domain/calendar';

const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const BRAND = defaultCatalog['brand-major'];
if (!isProjectProgramType(BRAND)) throw new Error('brand-major is a project program');
const utc = (iso: string) => new Date(iso).toISOString();

/**
 * Four brand-major cycles opened on 1 September 2025: c-early closes 10 September, c-late 30 September, c-closed
 * was closed early by the office (its window deadline settled), c-notice passed its deadline at its shortlist
 * (settled too) and opened a public notice on 16 October, whose end is due.
 */
async function histories(store: SqliteEventStore) {
  const streams = new FoldedStreams(store);
  const run = (cycleId: string, command: Omit<ProgramCycleCommand, 'actor' | 'now'>, actor: Actor, now: string) =>
    handleCommand(streams, programCycleDecider, cycleStream(cycleId), { ...command, actor, now } as ProgramCycleCommand, { commandId: randomUUID(), actor, now });
  const open = (cycleId: string, closesOn: string) => {
    const data = { cycleId, programType: 'brand-major', name: cycleId, label: '2025', rules: BRAND.defaultRules, rulesVersion: 'bm/1', opensAt: '2025-09-01T00:00:00+08:00', closesAt: `${closesOn}T00:00:00+08:00` };
    return run(cycleId, { type: 'OpenCycle', data, context: { programType: BRAND } } as never, office, '2025-09-01T09:00:00+08:00');
  };
  await open('c-late', '2025-09-30');
  await open('c-early', '2025-09-10');
  await open('c-closed', '2025-09-20');
  await run('c-closed', { type: 'CloseApplicationWindow', data: { reason: '提前截止' } }, office, '2025-09-05T10:00:00+08:00');
  await open('c-notice', '2025-09-15');
  const school: Actor = { id: 'u-s', role: 'applicant', org: 'school-1', region: '太原市' };
  const city: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
  await run('c-notice', { type: 'RegisterApplication', data: { projectId: 'p1', applicantOrg: 'school-1', region: '太原市' } }, school, '2025-09-05T10:00:00+08:00');
  await run('c-notice', { type: 'RegisterRecommendation', data: { projectId: 'p1', recommenderOrg: city.org, rank: 1 } }, city, '2025-09-20T10:00:00+08:00');
  await run('c-notice', { type: 'Shortlist', data: { shortlisted: [{ projectId: 'p1' }], notSelected: [], reason: '评审会议纪要' }, context: { reviewIncomplete: [] } } as never, office, '2025-10-15T10:00:00+08:00');
  await run('c-notice', { type: 'OpenPublicNotice', data: { startsOn: '2025-10-16' }, context: { calendar: cnCalendar } } as never, office, '2025-10-16T10:00:00+08:00');
}

describe('deadlinesDue on the deadlines read model', () => {
  const db = new Database(':memory:');
  // The cycles' rules, as the service runs them: every history here is a cycle's.
  const projection = deadlinesProjection(cycleDeadlineRules);
  const due = (now: string) => deadlinesDue(db, new Date(now)).map((d) => [d.stream, d.kind, d.key]);
  let noticeEndsAt: string;

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await histories(store);
    db.exec(projection.schema);
    const events = await store.readAll();
    projection.apply(db, events);
    noticeEndsAt = String(events.find((e) => e.type === 'PublicNoticeOpened')!.data.endsAt);
    await store.close();
  });
  afterAll(() => db.close());

  it('answers nothing before the first deadline', () => {
    expect(deadlinesDue(db, new Date('2025-09-02T00:00:00+08:00'))).toEqual([]);
  });

  it('answers a deadline from its due instant on, with its rule, in UTC', () => {
    const dueAt = utc('2025-09-10T00:00:00+08:00');
    expect(due(new Date(Date.parse(dueAt) - 1).toISOString())).toEqual([]);
    expect(deadlinesDue(db, new Date(dueAt))).toEqual([
      { stream: 'cycle-c-early', kind: 'application-window-close', key: 'application-window', dueAt, rule: 'cycle.applicationWindow: closes 2025-09-10T00:00:00+08:00 (rules bm/1)', calendarVersion: null, detail: null },
    ]);
  });

  it('leaves out the deadlines an event settled, and answers the rest earliest first', () => {
    expect(due('2026-01-01T00:00:00Z')).toEqual([
      ['cycle-c-early', 'application-window-close', 'application-window'],
      ['cycle-c-late', 'application-window-close', 'application-window'],
      ['cycle-c-notice', 'public-notice-end', 'notice-1'],
    ]);
    // Still in the table, settled at the recorded time of the event that settled them.
    const settled = db.prepare('SELECT stream, fired_at FROM deadlines WHERE fired_at IS NOT NULL ORDER BY stream').all();
    expect(settled).toEqual([
      { stream: 'cycle-c-closed', fired_at: '2025-09-05T10:00:00+08:00' },
      { stream: 'cycle-c-notice', fired_at: '2025-10-15T10:00:00+08:00' },
    ]);
  });

  it('answers a working-day notice’s end with its calendar version, once it is due', () => {
    expect(due(new Date(Date.parse(noticeEndsAt) - 1).toISOString()).map(([, kind]) => kind)).not.toContain('public-notice-end');
    const [notice] = deadlinesDue(db, new Date(noticeEndsAt)).filter((d) => d.kind === 'public-notice-end');
    expect(notice).toMatchObject({ stream: 'cycle-c-notice', key: 'notice-1', dueAt: utc(noticeEndsAt) });
    expect(notice.calendarVersion).toEqual(expect.any(String));
  });
});
