import { randomUUID } from 'node:crypto';
import { ENTERPRISE_FACTS, RECOMMENDATION_FACTS, reviewerFacts, SCHOOL_FACTS } from '../../../test/support/registry-facts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Clock } from '../../application/clock';
import { constructionPeriodEnd, deadlineRules, fundRecoveryDue, minimumIncubationEnd, rectificationDue } from '../../application/deadlines';
import { FoldedStreams } from '../../application/folded-streams';
import { RecordedEvent } from '../../application/event-store';
import { handleCommand } from '../../application/handle-command';
import { enterpriseStream, projectStream } from '../../application/streams';
import { defaultCatalog, isProjectProgramType } from '../../domain/catalog/program-catalog';
import { EnterpriseRules } from '../../domain/catalog/program-rules';
import { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from '../../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../../domain/enterprise/enterprise.decider';
import { Actor, DocumentRef } from '../../domain/messages';
import { ProjectCommand, ProjectCommandType, ProjectContext, ProjectCycleFacts } from '../../domain/project/project.commands';
import { projectDecider } from '../../domain/project/project.decider';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { DeadlineScheduler } from './deadline-scheduler';
import { deadlinesProjection } from '../read-models/deadlines/deadlines.projection';
import { doorsOn } from '../../../test/support/command-doors';
import { testCalendar } from '../../../test/support/test-calendar';
import { chinaDateOf } from '../../domain/calendar';

/**
 * The deadlines of a rectification, of the end of construction and of the minimum incubation: each
 * fires once, through the real deciders, when the fake clock passes it, and never when the obligation
 * was met (or ended) first.
 */

class FakeClock implements Clock {
  constructor(private instant: string) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: string): void {
    this.instant = instant;
  }
}

const SCHEDULER = { id: 'scheduler', role: 'office', org: 'system' };
const KINDS = ['rectification-due', 'construction-period-end', 'minimum-incubation-end'];

// ---------------------------------------------------------------------------------------------
// Projects: quality courses (12 months of construction), selected in autumn 2025, construction from
// 20 November 2025 through 20 November 2026. Beijing time throughout.

const COURSE = defaultCatalog['quality-course'];
if (!COURSE || !isProjectProgramType(COURSE)) throw new Error('no quality-course program');
const PROJECT_RULES_VERSION = 'quality-course/2025.1';
const cycle: ProjectCycleFacts = {
  id: 'quality-course-2025',
  programType: 'quality-course',
  rules: COURSE.defaultRules,
  rulesVersion: PROJECT_RULES_VERSION,
  windowOpen: true,
  closesAt: '2025-09-15T00:00:00+08:00',
};
const at = (day: string) => `${day}T10:00:00+08:00`;
/** The first instant of a Beijing day, as the deadlines read model stores it (UTC). */
const startOf = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();

const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(2, '0').repeat(32), name: `doc-${n}.pdf`, size: 1000 + n });
const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
const recommender: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
const reviewer = (n: number): Actor => ({ id: `r${n}`, role: 'reviewer', org: `univ-${n}` });
const school = (projectId: string): Actor => ({ id: `u-${projectId}`, role: 'applicant', org: `school-${projectId}`, region: '太原市' });

type ProjectInput<T extends ProjectCommandType> = Extract<ProjectCommand, { type: T }>['data'];

async function project<T extends ProjectCommandType>(streams: FoldedStreams, projectId: string, type: T, data: ProjectInput<T>, actor: Actor, now: string, context?: ProjectContext) {
  return handleCommand(streams, projectDecider, projectStream(projectId), { type, data, actor, now, ...(context ? { context } : {}) } as ProjectCommand, {
    commandId: randomUUID(),
    actor,
    now,
  });
}

/** From the draft to the accepted construction plan: construction runs 2025-11-20 through 2026-11-20. */
async function underConstruction(streams: FoldedStreams, projectId: string) {
  const applicant = school(projectId);
  const ctx = { cycle, ...SCHOOL_FACTS };
  const subject = { kind: 'course', courseName: `课程 ${projectId}`, classHours: 48, semestersTaught: 3 } as const;
  await project(streams, projectId, 'DraftApplication', { projectId, cycleId: cycle.id, programType: 'quality-course', title: '精品课程', subject }, applicant, at('2025-09-02'), ctx);
  await project(streams, projectId, 'SubmitApplication', { applicationForm: doc(1), declarations: { authenticity: doc(2), commitment: doc(3) } }, applicant, at('2025-09-05'), ctx);
  await project(streams, projectId, 'RecordFormalCheck', { result: 'passed' }, recommender, at('2025-09-20'), ctx);
  await project(streams, projectId, 'Recommend', { rank: 1 }, recommender, at('2025-09-25'), RECOMMENDATION_FACTS);
  for (const n of [1, 2, 3]) await project(streams, projectId, 'AssignReviewer', { reviewerId: `r${n}`, reviewerOrg: `univ-${n}`, declaredRelations: [] }, office, at('2025-10-08'), reviewerFacts(`univ-${n}`));
  for (const n of [1, 2, 3]) await project(streams, projectId, 'ScoreReview', { score: 80 + n, comments: '同意' }, reviewer(n), at('2025-10-10'));
  await project(streams, projectId, 'RecordSelection', { decision: 'shortlisted', cycleDecisionId: 'd-1' }, office, at('2025-10-15'));
  await project(streams, projectId, 'RecordPublicNotice', { noticeId: 'notice-1', startsOn: '2025-10-16', endsOn: '2025-10-22' }, office, at('2025-10-16'));
  await project(streams, projectId, 'RecordApproval', { cycleDecisionId: 'd-2' }, office, at('2025-10-24'));
  await project(streams, projectId, 'SubmitConstructionPlan', { plan: doc(4), taskBook: doc(5) }, applicant, at('2025-11-10'));
  expect((await project(streams, projectId, 'AcceptConstructionPlan', {}, office, at('2025-11-20'))).events).toEqual(['ConstructionPlanAccepted']);
}

const orderRectification = (streams: FoldedStreams, projectId: string, deadline: string, day = '2026-01-10') =>
  project(streams, projectId, 'OrderRectification', { findings: ['资金使用不规范'], deadline }, office, at(day));
const extend = (streams: FoldedStreams, projectId: string, newEndsOn: string, day: string) =>
  project(streams, projectId, 'GrantExtension', { newEndsOn, reason: '申请延期', request: doc(6) }, office, at(day));
const revoke = (streams: FoldedStreams, projectId: string, day: string) =>
  project(streams, projectId, 'RevokeProject', { reason: 'fraud', explanation: '数据造假', evidence: [doc(7)] }, office, at(day));

// ---------------------------------------------------------------------------------------------
// Enterprises, with the rules in force as DecideEnterpriseHandler takes them from the catalog.

const ENTERPRISE = defaultCatalog.enterprise;
const enterpriseContext: EnterpriseContext = { rules: ENTERPRISE.defaultRules as EnterpriseRules, rulesVersion: ENTERPRISE.rulesVersion, ...ENTERPRISE_FACTS, calendar: testCalendar };
const ENTERPRISE_RULES_VERSION = 'enterprise/2020.1';
const A = '91140100MA0KA0001L';
const B = '91140100MA0KB0002F';
const C = '91140100MA0KC0003A';
const applicantOf = (code: string): Actor => ({ id: `u-${code}`, role: 'applicant', org: code, region: '太原市' });
const assessment = { opinion: '符合条件', documents: [doc(2)] };
// Admitted on 20 April 2026: certification may be requested 12 months later to the instant.
const ADMIT = '2026-04-20T10:00:00+08:00';
const EARLIEST = '2027-04-20T02:00:00.000Z';
const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * 86_400_000).toISOString();

type EnterpriseInput<T extends EnterpriseCommandType> = Extract<EnterpriseCommand, { type: T }>['data'];

async function enterprise<T extends EnterpriseCommandType>(streams: FoldedStreams, code: string, type: T, data: EnterpriseInput<T>, actor: Actor, now: string) {
  return handleCommand(streams, enterpriseDecider, enterpriseStream(code), { type, data, actor, now, context: enterpriseContext } as unknown as EnterpriseCommand, {
    commandId: randomUUID(),
    actor,
    now,
    rulesVersion: enterpriseContext.rulesVersion,
  });
}

/** Application to admission, then the three-year plan (so only the minimum incubation is left to wait for). */
async function incubating(streams: FoldedStreams, code: string) {
  const applicant = applicantOf(code);
  const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
  await enterprise(streams, code, 'ApplyForIncubation', { enterpriseId: code, name: `企业 ${code}`, creditCode: code, region: '太原市', declarations, documents: [doc(1)] }, applicant, daysBefore(ADMIT, 40));
  await enterprise(streams, code, 'Recommend', { opinion: '同意推荐' }, recommender, daysBefore(ADMIT, 35));
  await enterprise(streams, code, 'RecordJointReview', { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: assessment, reasons: [] }, office, daysBefore(ADMIT, 30));
  await enterprise(streams, code, 'OpenPublicNotice', { startsOn: chinaDateOf(daysBefore(ADMIT, 20)) }, office, daysBefore(ADMIT, 20));
  expect((await enterprise(streams, code, 'AdmitToIncubation', {}, office, ADMIT)).events).toEqual(['AdmittedToIncubation']);
  await enterprise(streams, code, 'PublishThreeYearPlan', { plan: doc(3) }, applicant, '2026-06-01T10:00:00+08:00');
}

const requestCertification = (streams: FoldedStreams, code: string, now: string) =>
  enterprise(streams, code, 'RequestCertification', { documents: [doc(4)] }, applicantOf(code), now);

// ---------------------------------------------------------------------------------------------

interface Instance {
  readonly store: SqliteEventStore;
  readonly streams: FoldedStreams;
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;
  readonly scheduler: DeadlineScheduler;
}

describe('project and enterprise deadlines: rectification, end of construction, minimum incubation', () => {
  let dir: string;
  let clock: FakeClock;
  let service: Instance;

  async function caughtUp(i: Instance) {
    const { lastPosition } = await i.store.status();
    if (lastPosition !== undefined) await i.runner.waitFor(lastPosition, 5000);
  }

  /** Ticks once the read model has seen every event, waits for what the tick wrote, and returns what it did about the three kinds. */
  async function tickAt(now: string) {
    clock.set(now);
    await caughtUp(service);
    const outcomes = await service.scheduler.tick();
    await caughtUp(service);
    return outcomes.filter((o) => KINDS.includes(o.deadline.kind)).map((o) => [o.status, o.deadline.stream, o.deadline.kind, o.deadline.key]);
  }

  const eventsOf = async (type: string): Promise<RecordedEvent[]> => (await service.store.readAll()).filter((e) => e.type === type);
  const rows = () =>
    (
      service.db.prepare('SELECT stream, kind, key, due_at, rule, fired_at FROM deadlines ORDER BY stream, kind, key').all() as {
        stream: string;
        kind: string;
        key: string;
        due_at: string;
        rule: string;
        fired_at: string | null;
      }[]
    ).filter((row) => KINDS.includes(row.kind));
  const pending = () => rows().filter((row) => row.fired_at === null).map((row) => [row.stream, row.kind, row.key, row.due_at]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-project-deadlines-'));
    clock = new FakeClock('2025-09-01T09:00:00+08:00');
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    const streams = new FoldedStreams(store);
    const db = ProjectionRunner.openDatabase(join(dir, 'read-models.db'));
    const runner = new ProjectionRunner(store, db, [deadlinesProjection(deadlineRules(defaultCatalog))]);
    // As DeadlinesService builds it: every rule, the aggregates' handlers.
    const scheduler = new DeadlineScheduler({ db, clock, rules: deadlineRules(defaultCatalog), doors: doorsOn({ streams, clock }) });
    service = { store, streams, db, runner, scheduler };
    runner.start();
  });
  afterEach(async () => {
    await service.scheduler.stop();
    await service.runner.stop();
    await service.store.close();
    service.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the new rules with the service’s rules', () => {
    expect(deadlineRules(defaultCatalog).filter((rule) => rule.category === 'project').map((rule) => rule.kind)).toEqual([
      'construction-plan-due',
      'annual-report-due',
      'course-update-due',
      'rectification-due',
      'construction-period-end',
      'fund-recovery-due',
      'deadline-reminder',
    ]);
    expect(deadlineRules(defaultCatalog)).toContain(minimumIncubationEnd);
  });

  it('sets a recovery of funds due at the end of its deadline, keeps it while money is outstanding, and settles it once all is back or it is overdue', () => {
    const ordered = { type: 'FundRecoveryOrdered', data: { amount: 250_000, disbursed: 250_000, currency: 'CNY', deadline: '2034-06-30', reason: '追回', orderedFrom: 'Revoked', orderedAt: '2034-03-01T10:00:00+08:00', rulesVersion: 'v1' } } as const;
    expect(fundRecoveryDue.derive(ordered, 'project-p')).toEqual([
      { set: { key: 'fund-recovery', dueAt: '2034-07-01T00:00:00+08:00', rule: 'project.fund-recovery: 250000 yuan due back by 2034-06-30 (rules v1)' } },
    ]);
    const returned = (complete: boolean) =>
      ({ type: 'FundsRecovered', data: { amount: 1, recoveredOn: '2034-05-01', reference: null, recovered: complete ? 250_000 : 1, ordered: 250_000, complete, recordedAt: '2034-05-01T10:00:00+08:00', rulesVersion: 'v1' } }) as const;
    expect(fundRecoveryDue.derive(returned(false), 'project-p')).toEqual([]);
    expect(fundRecoveryDue.derive(returned(true), 'project-p')).toEqual([{ clear: { key: 'fund-recovery' } }]);
    expect(fundRecoveryDue.command({ stream: 'project-p', kind: 'fund-recovery-due', key: 'fund-recovery', dueAt: '', rule: '', calendarVersion: null, detail: null })).toEqual({ type: 'RecordFundRecoveryOverdue', data: {} });
  });

  it('reminds of a rectification due in 20 days at once, with the days really left, then 7 and 1 days ahead, once each', async () => {
    await underConstruction(service.streams, 'p-soon');
    await orderRectification(service.streams, 'p-soon', '2026-03-31', '2026-03-11');
    const reminded = async () =>
      (await eventsOf('DeadlineReminded')).filter((e) => e.data.obligation === 'rectification').map((e) => [e.stream, e.data.daysLeft, e.data.obligation, e.data.dueOn, e.metadata.recordedAt]);
    // Set with 21 days to go (to the end of 31 March): the 30 days' threshold is behind, the reminder is given now and says 21, not 30.
    await tickAt(at('2026-03-11'));
    await tickAt(at('2026-03-11'));
    await tickAt(at('2026-03-20'));
    // After downtime through both the 7 and the 1 day thresholds, one reminder, not two.
    await tickAt(at('2026-03-31'));
    await tickAt(at('2026-03-31'));
    expect(await reminded()).toEqual([
      [projectStream('p-soon'), 21, 'rectification', '2026-03-31', new Date(at('2026-03-11')).toISOString()],
      [projectStream('p-soon'), 1, 'rectification', '2026-03-31', new Date(at('2026-03-31')).toISOString()],
    ]);
    expect((await eventsOf('DeadlineReminded'))[0].metadata).toMatchObject({ actor: SCHEDULER });
    // Overdue, nothing more to remind of: the reminder deadline is settled with the obligation.
    await tickAt(at('2026-04-01'));
    expect(await reminded()).toHaveLength(2);
    expect(service.db.prepare("SELECT count(*) AS n FROM deadlines WHERE kind = 'deadline-reminder' AND key = 'rectification' AND fired_at IS NULL").get()).toEqual({ n: 0 });
  });

  it('records a rectification missed once, at the start of the day after its deadline, with the rule', async () => {
    const stream = projectStream('p-late');
    await underConstruction(service.streams, 'p-late');
    await orderRectification(service.streams, 'p-late', '2026-03-31');
    expect(await tickAt(at('2026-01-10'))).toEqual([]);
    const rule = `project.rectification: rectification-1 due by 2026-03-31, at most 12 months (rules ${PROJECT_RULES_VERSION})`;
    const due = startOf('2026-04-01');
    expect(rows().filter((row) => row.kind === 'rectification-due')).toEqual([
      { stream, kind: 'rectification-due', key: 'rectification-1', due_at: due, rule, fired_at: null },
    ]);

    // The deadline's day is the applicant's to its last instant.
    expect(await tickAt('2026-03-31T23:59:59.999+08:00')).toEqual([]);
    expect(await tickAt('2026-04-01T09:00:00+08:00')).toEqual([['fired', stream, 'rectification-due', 'rectification-1']]);
    expect(await tickAt('2026-04-01T09:00:00+08:00')).toEqual([]);
    expect(await tickAt('2026-05-01T09:00:00+08:00')).toEqual([]);

    const [overdue, ...more] = await eventsOf('RectificationOverdue');
    expect(more).toEqual([]);
    expect(overdue.data).toEqual({ rectificationId: 'rectification-1', deadline: '2026-03-31', recordedAt: due, rulesVersion: PROJECT_RULES_VERSION });
    expect(overdue.metadata).toMatchObject({
      actor: SCHEDULER,
      recordedAt: '2026-04-01T01:00:00.000Z',
      commandId: `deadline:${stream}:rectification-due:rectification-1@${due}`,
      reason: `deadline rectification-due rectification-1 due ${due}: ${rule}`,
    });
    expect(rows().find((row) => row.kind === 'rectification-due')?.fired_at).toBe('2026-04-01T01:00:00.000Z');

    // The office then fails it; nothing more is due from it.
    expect((await project(service.streams, 'p-late', 'FailRectification', { reason: '逾期未整改' }, office, at('2026-04-02'))).events).toEqual(['RectificationFailed']);
    expect(await tickAt(at('2026-06-01'))).toEqual([]);
  });

  it('records the end of construction once per end, an extension moving it and arming it again', async () => {
    const stream = projectStream('p-end');
    await underConstruction(service.streams, 'p-end');
    const firstEnd = startOf('2026-11-21');
    expect(pending()).toEqual([[stream, 'construction-period-end', 'construction-period', firstEnd]]);
    expect(rows()[0].rule).toBe(`project.construction: 2025-11-20 through 2026-11-20, final self-assessment due after it (rules ${PROJECT_RULES_VERSION})`);

    // The last day is still construction; the next one is not.
    expect(await tickAt('2026-11-20T23:59:59.999+08:00')).toEqual([]);
    expect(await tickAt('2026-11-21T09:00:00+08:00')).toEqual([['fired', stream, 'construction-period-end', 'construction-period']]);
    expect(await tickAt('2026-11-21T09:00:00+08:00')).toEqual([]);
    const [ended] = await eventsOf('ConstructionPeriodEnded');
    expect(ended.data).toEqual({ endsOn: '2026-11-20', recordedAt: firstEnd, rulesVersion: PROJECT_RULES_VERSION });
    expect(ended.metadata).toMatchObject({ actor: SCHEDULER, commandId: `deadline:${stream}:construction-period-end:construction-period@${firstEnd}` });
    expect(ended.metadata.reason).toContain('project.construction: 2025-11-20 through 2026-11-20');

    // An extension granted afterwards: the same deadline, due again at the new end, fires once more.
    expect((await extend(service.streams, 'p-end', '2027-03-31', '2026-12-01')).events).toEqual(['EvaluationExtended']);
    const secondEnd = startOf('2027-04-01');
    expect(await tickAt(at('2026-12-01'))).toEqual([]);
    expect(pending()).toEqual([[stream, 'construction-period-end', 'construction-period', secondEnd]]);
    expect(await tickAt('2027-03-31T23:59:59.999+08:00')).toEqual([]);
    expect(await tickAt('2027-04-01T09:00:00+08:00')).toEqual([['fired', stream, 'construction-period-end', 'construction-period']]);
    expect(await tickAt('2027-06-01T09:00:00+08:00')).toEqual([]);
    const events = await eventsOf('ConstructionPeriodEnded');
    expect(events.map((e) => [e.data.endsOn, e.data.recordedAt])).toEqual([
      ['2026-11-20', firstEnd],
      ['2027-03-31', secondEnd],
    ]);
    expect(events[1].metadata.reason).toContain('project.construction: extended from 2026-11-20 through 2027-03-31');
    expect(pending()).toEqual([]);

    // The final self-assessment is then due, and accepted.
    expect((await project(service.streams, 'p-end', 'SubmitFinalSelfAssessment', { report: doc(8) }, school('p-end'), at('2027-06-02'))).events).toEqual(['FinalSelfAssessmentSubmitted']);
  });

  it('records the minimum incubation reached once, at the instant fixed on admission', async () => {
    const stream = enterpriseStream(A);
    await incubating(service.streams, A);
    const rule = `enterprise.minimumIncubation: certification from ${EARLIEST}, 12 months after admission at ${ADMIT} (rules ${ENTERPRISE_RULES_VERSION})`;
    expect(await tickAt(ADMIT)).toEqual([]);
    expect(rows()).toEqual([{ stream, kind: 'minimum-incubation-end', key: 'minimum-incubation', due_at: EARLIEST, rule, fired_at: null }]);

    expect(await tickAt('2027-04-20T09:59:59.999+08:00')).toEqual([]);
    expect(await tickAt('2027-04-20T10:00:00+08:00')).toEqual([['fired', stream, 'minimum-incubation-end', 'minimum-incubation']]);
    expect(await tickAt('2027-04-20T10:00:00+08:00')).toEqual([]);
    expect(await tickAt('2027-05-01T10:00:00+08:00')).toEqual([]);

    const [reached, ...more] = await eventsOf('MinimumIncubationReached');
    expect(more).toEqual([]);
    expect(reached.data).toEqual({ earliestCertificationAt: EARLIEST, recordedAt: EARLIEST, rulesVersion: ENTERPRISE_RULES_VERSION });
    expect(reached.metadata).toMatchObject({
      actor: SCHEDULER,
      recordedAt: EARLIEST,
      commandId: `deadline:${stream}:minimum-incubation-end:minimum-incubation@${EARLIEST}`,
      reason: `deadline minimum-incubation-end minimum-incubation due ${EARLIEST}: ${rule}`,
    });
    // Certification may now be requested.
    expect((await requestCertification(service.streams, A, '2027-05-02T10:00:00+08:00')).events).toEqual(['CertificationRequested']);
    expect(pending()).toEqual([]);
  });

  it('fires none of them when the obligation was met, or ended, first', async () => {
    // A rectification submitted by its deadline.
    await underConstruction(service.streams, 'p-submitted');
    await orderRectification(service.streams, 'p-submitted', '2026-03-31');
    await project(service.streams, 'p-submitted', 'SubmitRectification', { report: doc(9) }, school('p-submitted'), at('2026-03-31'));
    // The final self-assessment submitted on construction's last day.
    await underConstruction(service.streams, 'p-assessed');
    // An extension granted before the end, then a revocation during a rectification: both deadlines end with the project.
    await underConstruction(service.streams, 'p-revoked');
    await extend(service.streams, 'p-revoked', '2027-01-31', '2026-01-05');
    await orderRectification(service.streams, 'p-revoked', '2026-12-31');
    // A suspension after a mid-term with too few tasks done.
    await underConstruction(service.streams, 'p-suspended');
    await project(
      service.streams,
      'p-suspended',
      'RecordMidtermEvaluation',
      { findings: { targetsAndTasks: '滞后', useOfFunds: '滞后', results: '少', impact: '小' }, grade: '不通过', tasksCompletedPercent: 10, report: doc(10) },
      office,
      at('2026-05-20'),
    );
    await project(service.streams, 'p-suspended', 'Suspend', { reason: '任务完成不足30%' }, office, at('2026-05-21'));
    // An enterprise requesting certification before any tick saw the minimum reached, another disqualified before it.
    await incubating(service.streams, B);
    await incubating(service.streams, C);
    await enterprise(service.streams, C, 'Disqualify', { ground: 'fraud', reason: '年报数据造假', evidence: [doc(11)] }, office, '2026-09-01T10:00:00+08:00');

    expect(await tickAt('2026-06-01T09:00:00+08:00')).toEqual([]);
    expect(pending()).toEqual([
      [enterpriseStream(B), 'minimum-incubation-end', 'minimum-incubation', EARLIEST],
      [projectStream('p-assessed'), 'construction-period-end', 'construction-period', startOf('2026-11-21')],
      [projectStream('p-revoked'), 'construction-period-end', 'construction-period', startOf('2027-02-01')],
      [projectStream('p-revoked'), 'rectification-due', 'rectification-1', startOf('2027-01-01')],
      [projectStream('p-submitted'), 'construction-period-end', 'construction-period', startOf('2026-11-21')],
    ]);
    await project(service.streams, 'p-assessed', 'SubmitFinalSelfAssessment', { report: doc(12) }, school('p-assessed'), at('2026-11-20'));
    expect((await revoke(service.streams, 'p-revoked', '2026-12-15')).events).toEqual(['ProjectRevoked']);
    // Only p-submitted's construction ends in construction: its report awaits the office's decision.
    expect(await tickAt('2026-12-16T09:00:00+08:00')).toEqual([['fired', projectStream('p-submitted'), 'construction-period-end', 'construction-period']]);
    expect(pending()).toEqual([[enterpriseStream(B), 'minimum-incubation-end', 'minimum-incubation', EARLIEST]]);
    await requestCertification(service.streams, B, '2027-04-21T10:00:00+08:00');
    expect(await tickAt('2028-01-01T09:00:00+08:00')).toEqual([]);
    expect(pending()).toEqual([]);

    expect(await eventsOf('RectificationOverdue')).toEqual([]);
    expect(await eventsOf('MinimumIncubationReached')).toEqual([]);
    expect((await eventsOf('ConstructionPeriodEnded')).map((e) => e.stream)).toEqual([projectStream('p-submitted')]);
  });

  describe('derive', () => {
    it('a revocation settles the rectification it left open, and an older one without it nothing', () => {
      const revoked = (openRectificationId?: string | null) =>
        ({
          type: 'ProjectRevoked',
          data: {
            reason: 'fraud',
            explanation: 'x',
            evidence: [],
            revokedFrom: 'Rectification',
            ...(openRectificationId === undefined ? {} : { openRectificationId }),
            programType: 'quality-course',
            applicantOrg: 'school-a',
            banUntil: '2031-01-01',
            fundRecoveryRequired: true,
            revokedAt: '2026-01-01T02:00:00.000Z',
            rulesVersion: PROJECT_RULES_VERSION,
          },
        }) as const;
      expect(rectificationDue.derive(revoked('rectification-2'), 'project-x')).toEqual([{ clear: { key: 'rectification-2' } }]);
      expect(rectificationDue.derive(revoked(null), 'project-x')).toEqual([]);
      expect(rectificationDue.derive(revoked(), 'project-x')).toEqual([]);
      expect(constructionPeriodEnd.derive(revoked(), 'project-x')).toEqual([{ clear: { key: 'construction-period' } }]);
    });

    it('an extension re-arms the end of construction under the same key', () => {
      const extended = constructionPeriodEnd.derive(
        {
          type: 'EvaluationExtended',
          data: { previousEndsOn: '2026-11-20', newEndsOn: '2027-03-31', reason: 'r', request: doc(1), grantedAt: '2026-12-01T02:00:00.000Z', rulesVersion: PROJECT_RULES_VERSION },
        },
        'project-x',
      );
      expect(extended).toEqual([{ set: expect.objectContaining({ key: 'construction-period', dueAt: '2027-04-01T00:00:00+08:00' }) }]);
    });
  });
});
