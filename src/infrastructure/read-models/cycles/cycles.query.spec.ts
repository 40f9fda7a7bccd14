import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { FoldedStreams } from '../../../application/folded-streams';
import { handleCommand } from '../../../application/handle-command';
import { cycleStream } from '../../../application/streams';
import { defaultCatalog, isProjectProgramType } from '../../../domain/catalog/program-catalog';
import { Actor, ROLES } from '../../../domain/messages';
import { ProgramCycleCommand } from '../../../domain/program-cycle/program-cycle.commands';
import { programCycleDecider } from '../../../domain/program-cycle/program-cycle.decider';
import { SqliteEventStore } from '../../event-store/sqlite.event-store';
import { ReadModels } from '../read-models';
import { cycleDashboardProjection } from './cycle-dashboard.projection';
import { CycleQueries } from './cycles.query';
import { cnCalendar } from '../../../domain/calendar';

const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const taiyuan: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
const school = (n: number): Actor => ({ id: `u-${n}`, role: 'applicant', org: `college-${n}`, region: n < 3 ? '太原市' : '大同市' });

/**
 * hc-2020 (higher-college, tiers A 2 and B 3 of a quota of 10): three applications, p1 (tier A) approved, p2 (tier B)
 * past its notice, p3 not selected; bm-2021 closed; bm-2022 open.
 */
async function histories(store: SqliteEventStore) {
  const streams = new FoldedStreams(store);
  const run = (cycleId: string, command: Omit<ProgramCycleCommand, 'actor' | 'now'>, actor: Actor, now: string) =>
    handleCommand(streams, programCycleDecider, cycleStream(cycleId), { ...command, actor, now } as ProgramCycleCommand, { commandId: randomUUID(), actor, now });
  const open = (cycleId: string, code: 'higher-college' | 'brand-major', year: number, tiers: { name: string; quota: number }[] = []) => {
    const programType = defaultCatalog[code];
    if (!isProjectProgramType(programType)) throw new Error(`${code} is a project program`);
    const rules = { ...programType.defaultRules, tiers };
    const now = `${year}-09-01T00:00:00+08:00`;
    const data = { cycleId, programType: code, name: `${code} ${year}`, label: String(year), rules, rulesVersion: 'v1', opensAt: now, closesAt: `${year}-09-15T00:00:00+08:00` };
    return run(cycleId, { type: 'OpenCycle', data, context: { programType } } as never, office, now);
  };
  await open('hc-2020', 'higher-college', 2020, [{ name: 'A', quota: 2 }, { name: 'B', quota: 3 }]);
  for (const n of [1, 2, 3]) {
    await run('hc-2020', { type: 'RegisterApplication', data: { projectId: `p${n}`, applicantOrg: `college-${n}`, region: school(n).region! } }, school(n), '2020-09-05T10:00:00+08:00');
  }
  for (const n of [1, 2]) await run('hc-2020', { type: 'RegisterRecommendation', data: { projectId: `p${n}`, recommenderOrg: taiyuan.org, rank: n } }, taiyuan, '2020-09-20T10:00:00+08:00');
  const shortlist = { shortlisted: [{ projectId: 'p1', tier: 'A' }, { projectId: 'p2', tier: 'B' }], notSelected: [{ projectId: 'p3', reason: '未获推荐' }], reason: '评审会议纪要' };
  await run('hc-2020', { type: 'Shortlist', data: shortlist, context: { reviewIncomplete: [] } } as never, office, '2020-10-15T10:00:00+08:00');
  await run('hc-2020', { type: 'OpenPublicNotice', data: { startsOn: '2020-10-16' }, context: { calendar: cnCalendar } } as never, office, '2020-10-16T10:00:00+08:00');
  await run('hc-2020', { type: 'EndPublicNotice', data: { noticeId: 'notice-1' } }, office, '2020-11-01T10:00:00+08:00');
  await run('hc-2020', { type: 'ApproveList', data: { projectIds: ['p1'], reason: '予以立项' }, context: { openObjections: [] } } as never, office, '2020-11-02T10:00:00+08:00');
  await open('bm-2021', 'brand-major', 2021);
  await run('bm-2021', { type: 'CloseCycle', data: { reason: '本批次结束' } }, office, '2021-12-01T10:00:00+08:00');
  await open('bm-2022', 'brand-major', 2022);
}

describe('CycleQueries on the cycle dashboards', () => {
  const db = new Database(':memory:');
  // The queries only read `db`; the projection is applied by hand, so there is nothing to wait for.
  const queries = new CycleQueries({ db, reach: async () => {}, reachStored: async () => {} } as unknown as ReadModels);
  const ids = (page: { items: Record<string, unknown>[] }) => page.items.map((row) => row.id);
  /** The status the cycle's own stream folds into, which its row must answer. */
  let statusOf: (cycleId: string) => string;

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await histories(store);
    const events = await store.readAll();
    db.exec(cycleDashboardProjection.schema);
    cycleDashboardProjection.apply(db, events);
    statusOf = (cycleId) =>
      events.filter((e) => e.stream === cycleStream(cycleId)).reduce((state, e) => programCycleDecider.evolve(state, e as never), programCycleDecider.initialState).status;
    await store.close();
  });
  afterAll(() => db.close());

  it('answers a dashboard: quota taken and remaining, approvals, applications, the tiers parsed', () => {
    expect(queries.dashboard(office, 'hc-2020')).toMatchObject({
      id: 'hc-2020',
      programType: 'higher-college',
      name: 'higher-college 2020',
      label: '2020',
      status: statusOf('hc-2020'),
      quota: 10,
      placesTaken: 2,
      remaining: 8,
      approved: 1,
      applications: 3,
      tiers: [{ tier: 'A', quota: 2, taken: 1, remaining: 1 }, { tier: 'B', quota: 3, taken: 1, remaining: 2 }],
      opensAt: '2020-09-01T00:00:00+08:00',
      closesAt: '2020-09-15T00:00:00+08:00',
    });
    const brandQuota = (defaultCatalog['brand-major'] as { defaultRules: { quota: number } }).defaultRules.quota;
    expect(queries.dashboard(office, 'bm-2021')).toMatchObject({ status: statusOf('bm-2021'), quota: brandQuota, placesTaken: 0, remaining: brandQuota, approved: 0, applications: 0, tiers: [] });
    expect(queries.dashboard(office, 'no-such-cycle')).toBeUndefined();
  });

  it('lists the latest opened first, filters by program type, and pages with the total', () => {
    expect(ids(queries.list(office, {}, {}))).toEqual(['bm-2022', 'bm-2021', 'hc-2020']);
    expect(ids(queries.list(office, { programType: 'brand-major' }, {}))).toEqual(['bm-2022', 'bm-2021']);
    expect(queries.list(office, { programType: 'quality-course' }, {})).toMatchObject({ items: [], total: 0 });
    expect(queries.list(office, {}, { limit: 1, offset: 1 })).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ id: 'bm-2021', status: statusOf('bm-2021') }] });
    expect(new Set(['hc-2020', 'bm-2021', 'bm-2022'].map(statusOf)).size).toBe(3);
  });

  it.each(ROLES)('shows every cycle to the %s: a cycle is public to everyone signed in', (role) => {
    const actor: Actor = { id: 'u-any', role, org: 'elsewhere' };
    expect(queries.list(actor, {}, {}).total).toBe(3);
    expect(queries.dashboard(actor, 'hc-2020')?.approved).toBe(1);
  });
});
