import { randomUUID } from 'node:crypto';
import { RECOMMENDATION_FACTS, reviewerFacts, SCHOOL_FACTS } from '../../../../test/support/registry-facts';
import Database from 'better-sqlite3';
import { FoldedStreams } from '../../../application/folded-streams';
import { handleCommand } from '../../../application/handle-command';
import { projectStream } from '../../../application/streams';
import { defaultCatalog, isProjectProgramType } from '../../../domain/catalog/program-catalog';
import { Actor, DocumentRef } from '../../../domain/messages';
import { ProjectCommand, ProjectCommandType, ProjectCycleFacts } from '../../../domain/project/project.commands';
import { projectDecider } from '../../../domain/project/project.decider';
import { SqliteEventStore } from '../../event-store/sqlite.event-store';
import { ReadModels } from '../read-models';
import { organisationsProjection } from '../people/people.projection';
import { projectStatusProjection } from './project-status.projection';
import { ProjectQueries } from './projects.query';

const COURSE = defaultCatalog['quality-course'];
if (!COURSE || !isProjectProgramType(COURSE)) throw new Error('no quality-course program');
const cycleOf = (id: string): ProjectCycleFacts => ({ id, programType: 'quality-course', rules: COURSE.defaultRules, rulesVersion: 'qc/1', windowOpen: true, closesAt: '2025-09-15T00:00:00+08:00' });
const at = (day: string) => `${day}T10:00:00+08:00`;
const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(2, '0').repeat(32), name: `doc-${n}.pdf`, size: 1000 + n });
const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const auditor: Actor = { id: 'u-audit', role: 'auditor', org: '省审计厅' };
const applicant = (org: string, region = '太原市'): Actor => ({ id: `u-${org}`, role: 'applicant', org, region });
const recommender = (region: string): Actor => ({ id: `u-${region}`, role: 'recommender', org: `${region}教育局`, region });
const reviewer = (n: number): Actor => ({ id: `r${n}`, role: 'reviewer', org: `univ-${n}` });

/** The steps of a project's way, each through the real decider, recorded in `store`. */
function steps(store: SqliteEventStore) {
  const streams = new FoldedStreams(store);
  const run = async <T extends ProjectCommandType>(id: string, type: T, data: Extract<ProjectCommand, { type: T }>['data'], actor: Actor, day: string, cycleId = 'qc-2025') => {
    const now = at(day);
    const reviewer = type === 'AssignReviewer' ? reviewerFacts((data as { reviewerOrg: string }).reviewerOrg) : {};
    const command = { type, data, actor, now, context: { cycle: cycleOf(cycleId), ...SCHOOL_FACTS, ...RECOMMENDATION_FACTS, ...reviewer } } as ProjectCommand;
    return handleCommand(streams, projectDecider, projectStream(id), command, { commandId: randomUUID(), actor, now });
  };
  const applyFor = async (id: string, school: Actor, cycleId = 'qc-2025') => {
    const subject = { kind: 'course', courseName: `课程 ${id}`, classHours: 48, semestersTaught: 3 } as const;
    await run(id, 'DraftApplication', { projectId: id, cycleId, programType: 'quality-course', title: `精品课程 ${id}`, subject }, school, '2025-09-02', cycleId);
  };
  const review = async (id: string, school: Actor, reviewers: number[], cycleId = 'qc-2025') => {
    await applyFor(id, school, cycleId);
    await run(id, 'SubmitApplication', { applicationForm: doc(1), declarations: { authenticity: doc(2), commitment: doc(3) } }, school, '2025-09-05', cycleId);
    await run(id, 'RecordFormalCheck', { result: 'passed' }, recommender(school.region!), '2025-09-20', cycleId);
    await run(id, 'Recommend', { rank: 1 }, recommender(school.region!), '2025-09-25', cycleId);
    for (const n of reviewers) await run(id, 'AssignReviewer', { reviewerId: `r${n}`, reviewerOrg: `univ-${n}`, declaredRelations: [] }, office, '2025-10-08', cycleId);
  };
  const noticed = async (id: string, school: Actor, noticeId: string, startsOn: string, endsOn: string, cycleId = 'qc-2025') => {
    await review(id, school, [1, 2, 3], cycleId);
    for (const n of [1, 2, 3]) await run(id, 'ScoreReview', { score: 80 + n, comments: '同意' }, reviewer(n), '2025-10-10', cycleId);
    await run(id, 'RecordSelection', { decision: 'shortlisted', cycleDecisionId: 'd-1' }, office, '2025-10-15', cycleId);
    await run(id, 'RecordPublicNotice', { noticeId, startsOn, endsOn }, office, startsOn, cycleId);
  };
  return { run, applyFor, review, noticed };
}

/**
 * Five quality-course projects: p1 (school-a) in notice-1 with an objection, p2 (school-b, 大同市) in notice-2,
 * p3 (school-a) under review (r1 pending, r2 scored, r4 recused), p4 (school-c) approved after notice-1 with its
 * construction plan overdue, p5 (school-b, 大同市) a draft in the 2026 cycle.
 */
async function histories(store: SqliteEventStore) {
  const { run, applyFor, review, noticed } = steps(store);
  await noticed('p1', applicant('school-a'), 'notice-1', '2025-10-16', '2025-10-22');
  await run('p1', 'FileObjection', { objectionId: 'o-1', objector: { name: '张三', contact: '13800000000' }, grounds: '数据不实', evidence: [doc(9)] }, applicant('school-z'), '2025-10-18');
  await noticed('p2', applicant('school-b', '大同市'), 'notice-2', '2025-10-20', '2025-10-26');
  await review('p3', applicant('school-a'), [1, 2, 4]);
  await run('p3', 'ScoreReview', { score: 90, comments: '同意' }, reviewer(2), '2025-10-10');
  await run('p3', 'DeclareConflict', { reason: '曾任顾问' }, reviewer(4), '2025-10-10');
  await noticed('p4', applicant('school-c'), 'notice-1', '2025-10-16', '2025-10-22');
  await run('p4', 'RecordApproval', { cycleDecisionId: 'd-2' }, office, '2025-10-24');
  await run('p4', 'RecordConstructionPlanOverdue', {}, office, '2025-11-25');
  await applyFor('p5', applicant('school-b', '大同市'), 'qc-2026');
}

describe('ProjectQueries on the project-status read model', () => {
  const db = new Database(':memory:');
  // The queries only read `db`; the projection is applied by hand, so there is nothing to wait for.
  const queries = new ProjectQueries({ db, reach: async () => {}, reachStored: async () => {} } as unknown as ReadModels);
  // The queue's and the notices' items are typed by what the query adds to its rows only: read them as rows.
  const rows = (page: { items: readonly object[] }) => page.items as Record<string, unknown>[];
  const ids = (page: { items: readonly object[] }) => rows(page).map((row) => row.id ?? row.projectId);

  beforeAll(async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    await histories(store);
    db.exec(projectStatusProjection.schema);
    // The notices name applicants from the registry's table (empty here: the applicants are not registered).
    db.exec(organisationsProjection.schema);
    projectStatusProjection.apply(db, await store.readAll());
    await store.close();
  });
  afterAll(() => db.close());

  it('lists rows with their columns, the overdue column parsed', () => {
    const [p4] = queries.list(office, { applicantOrg: 'school-c' }, {}).items;
    expect(p4).toMatchObject({ id: 'p4', cycleId: 'qc-2025', programType: 'quality-course', applicantOrg: 'school-c', region: '太原市', title: '精品课程 p4', status: 'Approved', noticeId: 'notice-1', noticeEndsOn: '2025-10-22', objections: 0, openObjections: 0, planDueOn: '2025-11-23', lastDecision: 'ConstructionPlanOverdue', overdue: ['construction-plan'] });
    expect(queries.list(office, { cycleId: 'qc-2025', status: 'InPublicNotice' }, {}).items.map((p) => [p.id, p.objections, p.openObjections, p.overdue])).toEqual([['p1', 1, 1, []], ['p2', 0, 0, []]]);
  });

  it('filters by equality, orders by cycle then id, and pages with the total', () => {
    expect(ids(queries.list(office, { region: '大同市' }, {}))).toEqual(['p2', 'p5']);
    expect(ids(queries.list(office, { applicantOrg: 'school-a', status: 'UnderReview' }, {}))).toEqual(['p3']);
    expect(ids(queries.list(office, { programType: 'brand-major' }, {}))).toEqual([]);
    expect(queries.list(office, {}, { limit: 2, offset: 1 })).toMatchObject({ total: 5, limit: 2, offset: 1, items: [{ id: 'p2' }, { id: 'p3' }] });
    expect(queries.list(office, {}, {})).toMatchObject({ total: 5, limit: 50, offset: 0 });
  });

  it.each([
    ['office', office, ['p1', 'p2', 'p3', 'p4', 'p5']],
    ['auditor', auditor, ['p1', 'p2', 'p3', 'p4', 'p5']],
    ['applicant of school-a', applicant('school-a'), ['p1', 'p3']],
    ['recommender of 大同市', recommender('大同市'), ['p2', 'p5']],
    ['recommender without a city', { id: 'u-x', role: 'recommender', org: 'x' } as Actor, []],
    ['reviewer r1, pending on p3', reviewer(1), ['p1', 'p2', 'p3', 'p4']],
    ['reviewer r4, recused from p3', reviewer(4), []],
  ])('lists to the %s exactly the projects it may see, total included', (_who, actor, expected) => {
    const page = queries.list(actor, {}, {});
    expect([ids(page), page.total]).toEqual([expected, expected.length]);
  });

  it('answers a reviewer queue with its counts, its state per assignment, recusals shown to the office only', () => {
    const queue = queries.reviewerQueue(office, 'r1', {});
    expect(queue).toMatchObject({ reviewerId: 'r1', pending: 1, submitted: 3, total: 4, limit: 50, offset: 0 });
    expect(Object.fromEntries(rows(queue).map((i) => [i.projectId, [i.state, i.score, i.recused, i.status]]))).toEqual({
      p1: ['submitted', 81, false, 'InPublicNotice'],
      p2: ['submitted', 81, false, 'InPublicNotice'],
      p3: ['pending', null, false, 'UnderReview'],
      p4: ['submitted', 81, false, 'Approved'],
    });
    expect(rows(queries.reviewerQueue(office, 'r4', {})).map((i) => [i.projectId, i.state, i.recused])).toEqual([['p3', 'recused', true]]);
    expect(queries.reviewerQueue(reviewer(4), 'r4', {})).toMatchObject({ pending: 0, submitted: 0, total: 0, items: [] });
  });

  it('puts a reviewer’s pending assignments first, then by project, paged', () => {
    expect(ids(queries.reviewerQueue(office, 'r1', {}))).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(ids(queries.reviewerQueue(reviewer(1), 'r1', { limit: 2 }))).toEqual(['p3', 'p1']);
  });

  it('lists the notices open now, by end, with only their projects still in notice', () => {
    const notices = queries.notices({});
    expect(notices.total).toBe(2);
    expect(notices.items).toEqual([
      { noticeId: 'notice-1', cycleId: 'qc-2025', programType: 'quality-course', endsOn: '2025-10-22', projectCount: 1, objections: 1, projects: [{ id: 'p1', title: '精品课程 p1', applicantOrg: 'school-a', applicantName: null, tier: null, objections: 1, openObjections: 1 }] },
      { noticeId: 'notice-2', cycleId: 'qc-2025', programType: 'quality-course', endsOn: '2025-10-26', projectCount: 1, objections: 0, projects: [{ id: 'p2', title: '精品课程 p2', applicantOrg: 'school-b', applicantName: null, tier: null, objections: 0, openObjections: 0 }] },
    ]);
    expect(rows(queries.notices({ offset: 1 })).map((n) => n.noticeId)).toEqual(['notice-2']);
  });

  it('keeps apart two cycles’ notices that share an id (each cycle numbers its own notices from notice-1)', async () => {
    const store = new SqliteEventStore({ file: ':memory:' });
    const { noticed } = steps(store);
    await noticed('a1', applicant('school-a'), 'notice-1', '2025-10-16', '2025-10-22');
    await noticed('b1', applicant('school-d'), 'notice-1', '2025-10-18', '2025-10-24', 'qc-2026');
    const other = new Database(':memory:');
    other.exec(projectStatusProjection.schema);
    other.exec(organisationsProjection.schema);
    projectStatusProjection.apply(other, await store.readAll());
    await store.close();
    const notices = new ProjectQueries({ db: other } as unknown as ReadModels).notices({});
    other.close();
    expect(rows(notices).map((n) => [n.cycleId, n.noticeId, n.endsOn, n.projectCount, (n.projects as { id: string }[]).map((p) => p.id)])).toEqual([
      ['qc-2025', 'notice-1', '2025-10-22', 1, ['a1']],
      ['qc-2026', 'notice-1', '2025-10-24', 1, ['b1']],
    ]);
  });

  it('counts a cycle’s projects per stage', () => {
    expect(queries.perStage('qc-2025')).toEqual({ Approved: 1, InPublicNotice: 2, UnderReview: 1 });
    expect(queries.perStage('qc-2026')).toEqual({ Draft: 1 });
    expect(queries.perStage('no-such-cycle')).toEqual({});
  });

  it('lists the overdue projects, bounded by visibility', () => {
    expect(queries.overdue(office, {}).items.map((p) => [p.id, p.overdue])).toEqual([['p4', ['construction-plan']]]);
    expect(queries.overdue(applicant('school-c'), {}).total).toBe(1);
    expect(queries.overdue(applicant('school-a'), {}).total).toBe(0);
  });
});
