import { randomUUID } from 'node:crypto';
import { ENTERPRISE_FACTS } from '../../../test/support/registry-facts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Clock } from '../../application/clock';
import { commandDoors } from '../../application/command-doors';
import { annualReportDue, certificateExpiry, deadlineRules, threeYearPlanDue } from '../../application/deadlines';
import { RecordedEvent } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { handleCommand } from '../../application/handle-command';
import { enterpriseStream } from '../../application/streams';
import { defaultCatalog, EnterpriseProgramType } from '../../domain/catalog/program-catalog';
import { EnterpriseRules } from '../../domain/catalog/program-rules';
import { EnterpriseCommand, EnterpriseCommandType, EnterpriseContext } from '../../domain/enterprise/enterprise.commands';
import { enterpriseDecider } from '../../domain/enterprise/enterprise.decider';
import { Actor, DocumentRef } from '../../domain/messages';
import { SqliteEventStore } from '../event-store/sqlite.event-store';
import { ProjectionRunner } from '../projections/projection-runner';
import { DeadlineScheduler } from './deadline-scheduler';
import { deadlinesProjection } from '../read-models/deadlines/deadlines.projection';
import { doorsOn } from '../../../test/support/command-doors';
import { testCalendar } from '../../../test/support/test-calendar';
import { chinaDateOf } from '../../domain/calendar';

/** The obligations' own rules: their reminders are the business of deadline-reminders.spec.ts. */
const obligationRules = (catalog: Parameters<typeof deadlineRules>[0]) => deadlineRules(catalog).filter((rule) => rule.kind !== 'deadline-reminder');

class FakeClock implements Clock {
  constructor(private instant: string) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: string): void {
    this.instant = instant;
  }
}

// The rules in force, as DecideEnterpriseHandler takes them from the catalog.
const ENTERPRISE = defaultCatalog.enterprise as EnterpriseProgramType;
const context: EnterpriseContext = { rules: ENTERPRISE.defaultRules as EnterpriseRules, rulesVersion: ENTERPRISE.rulesVersion, ...ENTERPRISE_FACTS, calendar: testCalendar };
const RULES_VERSION = 'enterprise/2020.1';

const A = '91140100MA0KA0001L';
const B = '91140100MA0KB0002F';
const SCHEDULER = { id: 'scheduler', role: 'office', org: 'system' };
const office: Actor = { id: 'u-office', role: 'office', org: '省发展改革委' };
const recommender: Actor = { id: 'u-ty', role: 'recommender', org: '太原市发展改革委', region: '太原市' };
const applicantOf = (code: string): Actor => ({ id: `u-${code}`, role: 'applicant', org: code, region: '太原市' });
const doc = (n: number): DocumentRef => ({ sha256: n.toString(16).padStart(2, '0').repeat(32), name: `doc-${n}.pdf`, size: 1000 + n });
const assessment = { opinion: '符合条件', documents: [doc(2)] };

// Beijing time throughout. Admitted on 20 April 2026: the three-year plan is due 3 months later to the
// instant, and overdue right after; the report for 2026 is overdue from 1 February 2027.
const ADMIT = '2026-04-20T10:00:00+08:00';
const PLAN_DUE = '2026-07-20T02:00:00.000Z';
const PLAN_OVERDUE_AT = '2026-07-20T02:00:00.001Z';
const REPORT_DUE_AT = (year: number) => `${year + 1}-01-31T16:00:00.000Z`;
// Certified on 9 June 2027 for 3 years.
const CERTIFY = '2027-06-09T10:00:00+08:00';
const CERT_1_VALID_UNTIL = '2030-06-09T02:00:00.000Z';

const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * 86_400_000).toISOString();

type Input<T extends EnterpriseCommandType> = Extract<EnterpriseCommand, { type: T }>['data'];

/** The enterprise's command path, as DecideEnterpriseHandler drives it. */
async function enterprise<T extends EnterpriseCommandType>(streams: FoldedStreams, code: string, type: T, data: Input<T>, actor: Actor, now: string) {
  return handleCommand(streams, enterpriseDecider, enterpriseStream(code), { type, data, actor, now, context } as unknown as EnterpriseCommand, {
    commandId: randomUUID(),
    actor,
    now,
    rulesVersion: context.rulesVersion,
  });
}

/** Apply, recommendation, joint review and admission notice, admitted at `admitAt`. */
async function admit(streams: FoldedStreams, code: string, admitAt = ADMIT) {
  const applicant = applicantOf(code);
  const application = {
    enterpriseId: code,
    name: `企业 ${code}`,
    creditCode: code,
    region: '太原市',
    declarations: { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true },
    documents: [doc(1)],
  };
  await enterprise(streams, code, 'ApplyForIncubation', application, applicant, daysBefore(admitAt, 40));
  await enterprise(streams, code, 'Recommend', { opinion: '同意推荐' }, recommender, daysBefore(admitAt, 35));
  await enterprise(streams, code, 'RecordJointReview', { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: assessment, reasons: [] }, office, daysBefore(admitAt, 30));
  await enterprise(streams, code, 'OpenPublicNotice', { startsOn: chinaDateOf(daysBefore(admitAt, 20)) }, office, daysBefore(admitAt, 20));
  expect((await enterprise(streams, code, 'AdmitToIncubation', {}, office, admitAt)).events).toEqual(['AdmittedToIncubation']);
}

/** Request, evaluation and certification notice, certified at `certifyAt`. */
async function certify(streams: FoldedStreams, code: string, certifyAt: string, kind: 'initial' | 'renewal' = 'initial') {
  const request = kind === 'initial' ? 'RequestCertification' : 'RequestRecertification';
  await enterprise(streams, code, request, { documents: [doc(4)] }, applicantOf(code), daysBefore(certifyAt, 30));
  await enterprise(streams, code, 'RecordCertificationEvaluation', { outcome: 'passed', assessment, reasons: [] }, office, daysBefore(certifyAt, 20));
  await enterprise(streams, code, 'OpenCertificationNotice', { startsOn: chinaDateOf(daysBefore(certifyAt, 15)) }, office, daysBefore(certifyAt, 15));
  expect((await enterprise(streams, code, 'Certify', {}, office, certifyAt)).events).toEqual(['EnterpriseCertified']);
}

const publishPlan = (streams: FoldedStreams, code: string, now: string) => enterprise(streams, code, 'PublishThreeYearPlan', { plan: doc(3) }, applicantOf(code), now);
const submitReport = (streams: FoldedStreams, code: string, year: number, now: string) =>
  enterprise(streams, code, 'SubmitAnnualReport', { year, report: doc(5) }, applicantOf(code), now);

interface Instance {
  readonly store: SqliteEventStore;
  readonly streams: FoldedStreams;
  readonly db: Database.Database;
  readonly runner: ProjectionRunner;
  readonly scheduler: DeadlineScheduler;
}

describe('enterprise deadlines', () => {
  let dir: string;
  let clock: FakeClock;
  const running: Instance[] = [];

  /** One running service as DeadlinesService builds it: every rule, the aggregates' handlers (on `catalog`, the configured one). */
  function instance(catalog = defaultCatalog): Instance {
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    const streams = new FoldedStreams(store);
    const db = ProjectionRunner.openDatabase(join(dir, 'read-models.db'));
    // As ReadModels and DeadlinesService build them: the rules under the configured catalog.
    const runner = new ProjectionRunner(store, db, [deadlinesProjection(obligationRules(catalog))]);
    const scheduler = new DeadlineScheduler({ db, clock, rules: obligationRules(catalog), doors: doorsOn({ streams, clock, catalog }) });
    const created = { store, streams, db, runner, scheduler };
    running.push(created);
    return created;
  }

  async function shutDown(i: Instance) {
    running.splice(running.indexOf(i), 1);
    await i.scheduler.stop();
    await i.runner.stop();
    await i.store.close();
    i.db.close();
  }

  async function caughtUp(i: Instance) {
    const { lastPosition } = await i.store.status();
    if (lastPosition !== undefined) await i.runner.waitFor(lastPosition, 5000);
  }

  /** Ticks until the read model has seen every event the ticks wrote, and returns what each tick did. */
  async function tickAt(i: Instance, now: string) {
    clock.set(now);
    await caughtUp(i);
    const outcomes = await i.scheduler.tick();
    await caughtUp(i);
    return outcomes.map((o) => [o.status, o.deadline.stream, o.deadline.kind, o.deadline.key]);
  }

  const eventsOf = async (store: SqliteEventStore, type: string): Promise<RecordedEvent[]> => (await store.readAll()).filter((e) => e.type === type);
  const deadlineRows = (db: Database.Database) =>
    db.prepare('SELECT stream, kind, key, due_at, rule, fired_at FROM deadlines ORDER BY stream, kind, key').all() as {
      stream: string;
      kind: string;
      key: string;
      due_at: string;
      rule: string;
      fired_at: string | null;
    }[];
  const pending = (db: Database.Database) => deadlineRows(db).filter((row) => row.fired_at === null).map((row) => [row.stream, row.kind, row.key, row.due_at]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'als-enterprise-deadlines-'));
    clock = new FakeClock('2026-03-01T09:00:00+08:00');
  });
  afterEach(async () => {
    for (const i of [...running]) await shutDown(i);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reminds of a certificate’s expiry 90 and 30 days ahead, and of an annual report by its year', () => {
    const reminders = deadlineRules(defaultCatalog).find((rule) => rule.category === 'enterprise' && rule.kind === 'deadline-reminder')!;
    const validUntil = '2030-06-09T02:00:00.000Z';
    const certified = { type: 'EnterpriseCertified', data: { certificateNo: 2, validUntil, validityYears: 3, renewalOf: 1, rulesVersion: 'v' } };
    const detail = { obligation: 'certificate 2', dueAt: validUntil, dueOn: '2030-06-09' };
    expect(reminders.derive(certified as never, 'enterprise-e')).toEqual([
      { clear: { key: 'certificate 1' } },
      { set: { key: 'certificate 2', dueAt: '2030-03-11T02:00:00.000Z', rule: `reminder: certificate 2 due ${validUntil}, 90 days ahead`, detail } },
    ]);
    const reminded = (daysLeft: number) => reminders.derive({ type: 'DeadlineReminded', data: { ...detail, daysLeft, remindedAt: '' } } as never, 'enterprise-e');
    expect(reminded(90)).toEqual([{ set: { key: 'certificate 2', dueAt: '2030-05-10T02:00:00.000Z', rule: `reminder: certificate 2 due ${validUntil}, 30 days ahead`, detail } }]);
    expect(reminded(30)).toEqual([{ clear: { key: 'certificate 2' } }]);
    expect(reminders.command({ stream: 'enterprise-e', kind: 'deadline-reminder', key: 'certificate 2', dueAt: '', rule: '', calendarVersion: null, detail })).toEqual({ type: 'RemindDeadline', data: detail });
    const report = { type: 'AnnualReportSubmitted', data: { year: 2026, submittedAt: '2027-01-10T02:00:00.000Z' } };
    expect(reminders.derive(report as never, 'enterprise-e').map((change) => ('set' in change ? ['set', change.set.key, change.set.detail?.dueOn] : ['clear', change.clear.key]))).toEqual([
      ['clear', 'annual-report 2026'],
      ['set', 'annual-report 2027', '2028-01-31'],
    ]);
  });

  it('runs with the doors the service gives the scheduler', () => {
    expect(Object.keys(commandDoors({ execute: () => Promise.reject(new Error('not sent')) }))).toContain('enterprise');
    expect(deadlineRules(defaultCatalog).filter((rule) => rule.category === 'enterprise').map((rule) => rule.kind)).toEqual([
      'three-year-plan-due',
      'annual-report-due',
      'certificate-expiry',
      'minimum-incubation-end',
      'deadline-reminder',
    ]);
  });

  it('decides with the rules of the catalog the service is configured with, as every enterprise command is', async () => {
    // Another version of the scheme's rules than the default catalog's: the handler, not the deadline rule, gives them.
    const configured = { ...defaultCatalog, enterprise: { ...ENTERPRISE, rulesVersion: 'enterprise/configured' } };
    const service = instance(configured);
    service.runner.start();
    await admit(service.streams, A);
    await tickAt(service, '2027-04-21T09:00:00+08:00');
    const [reached] = await eventsOf(service.store, 'MinimumIncubationReached');
    expect(reached.data).toMatchObject({ rulesVersion: 'enterprise/configured' });
    expect(reached.metadata).toMatchObject({ actor: SCHEDULER, rulesVersion: 'enterprise/configured' });
  });

  it('arms the annual report by the configured catalog’s due date, the one the decider records as due', async () => {
    const rules = { ...ENTERPRISE.defaultRules, annualReportDue: { month: 3, day: 15 } };
    const configured = { ...defaultCatalog, enterprise: { ...ENTERPRISE, defaultRules: rules } };
    expect(deadlinesProjection(deadlineRules(configured)).version).not.toBe(deadlinesProjection(deadlineRules(defaultCatalog)).version);
    const service = instance(configured);
    service.runner.start();
    await admit(service.streams, A);
    await tickAt(service, ADMIT);
    expect(deadlineRows(service.db).find((row) => row.kind === 'annual-report-due')).toMatchObject({ key: '2026', due_at: '2027-03-15T16:00:00.000Z' });
    await tickAt(service, '2027-03-16T09:00:00+08:00');
    const [overdue] = await eventsOf(service.store, 'AnnualReportOverdue');
    expect(overdue.data).toMatchObject({ year: 2026, due: '2027-03-15' });
  });

  it('fires each enterprise deadline once, decided at its due time, recording the rule', async () => {
    const service = instance();
    service.runner.start();
    await admit(service.streams, A);
    expect(await tickAt(service, ADMIT)).toEqual([]);
    const stream = enterpriseStream(A);
    expect(deadlineRows(service.db)).toEqual([
      {
        stream,
        kind: 'annual-report-due',
        key: '2026',
        due_at: REPORT_DUE_AT(2026),
        rule: `enterprise.annualReport: report for 2026 due by 2027-01-31 (rules ${RULES_VERSION})`,
        fired_at: null,
      },
      {
        stream,
        kind: 'minimum-incubation-end',
        key: 'minimum-incubation',
        due_at: '2027-04-20T02:00:00.000Z',
        rule: `enterprise.minimumIncubation: certification from 2027-04-20T02:00:00.000Z, 12 months after admission at ${ADMIT} (rules ${RULES_VERSION})`,
        fired_at: null,
      },
      {
        stream,
        kind: 'three-year-plan-due',
        key: 'three-year-plan',
        due_at: PLAN_OVERDUE_AT,
        rule: `enterprise.threeYearPlan: due ${PLAN_DUE}, 3 months after admission at ${ADMIT} (rules ${RULES_VERSION})`,
        fired_at: null,
      },
    ]);

    // Three-year plan: not overdue at its due instant, overdue just after it.
    expect(await tickAt(service, '2026-07-20T10:00:00+08:00')).toEqual([]);
    expect(await tickAt(service, '2026-07-21T09:00:00+08:00')).toEqual([['fired', stream, 'three-year-plan-due', 'three-year-plan']]);
    expect(await tickAt(service, '2026-07-21T09:00:00+08:00')).toEqual([]);
    const [planOverdue, ...morePlan] = await eventsOf(service.store, 'ThreeYearPlanOverdue');
    expect(morePlan).toEqual([]);
    expect(planOverdue.data).toEqual({ due: PLAN_DUE, recordedAt: PLAN_OVERDUE_AT });
    expect(planOverdue.metadata).toMatchObject({
      actor: SCHEDULER,
      recordedAt: '2026-07-21T01:00:00.000Z',
      commandId: `deadline:${stream}:three-year-plan-due:three-year-plan@${PLAN_OVERDUE_AT}`,
    });
    expect(planOverdue.metadata.reason).toBe(
      `deadline three-year-plan-due three-year-plan due ${PLAN_OVERDUE_AT}: enterprise.threeYearPlan: due ${PLAN_DUE}, 3 months after admission at ${ADMIT} (rules ${RULES_VERSION})`,
    );
    // Published late: the enterprise may still go on to certification.
    expect((await publishPlan(service.streams, A, '2026-08-01T10:00:00+08:00')).events).toEqual(['ThreeYearPlanPublished']);

    // Annual report for 2026: due by 31 January 2027, overdue from the first instant of 1 February.
    expect(await tickAt(service, '2027-01-31T23:59:59.999+08:00')).toEqual([]);
    expect(await tickAt(service, '2027-02-01T09:00:00+08:00')).toEqual([['fired', stream, 'annual-report-due', '2026']]);
    expect(await tickAt(service, '2027-02-01T09:00:00+08:00')).toEqual([]);
    const [reportOverdue] = await eventsOf(service.store, 'AnnualReportOverdue');
    expect(reportOverdue.data).toEqual({ year: 2026, due: '2027-01-31', recordedAt: REPORT_DUE_AT(2026), rulesVersion: RULES_VERSION });
    expect(reportOverdue.metadata).toMatchObject({ actor: SCHEDULER, recordedAt: '2027-02-01T01:00:00.000Z' });
    expect(reportOverdue.metadata.reason).toContain('enterprise.annualReport: report for 2026 due by 2027-01-31');
    // The next year's report is armed; the minimum incubation is not over yet.
    expect(pending(service.db)).toEqual([
      [stream, 'annual-report-due', '2027', REPORT_DUE_AT(2027)],
      [stream, 'minimum-incubation-end', 'minimum-incubation', '2027-04-20T02:00:00.000Z'],
    ]);

    await certify(service.streams, A, CERTIFY);
    // The 2027 report is submitted on time: its deadline is met, the 2028 one armed.
    expect((await submitReport(service.streams, A, 2027, '2028-01-15T10:00:00+08:00')).events).toEqual(['AnnualReportSubmitted']);
    expect(await tickAt(service, '2028-02-02T09:00:00+08:00')).toEqual([]);
    expect(pending(service.db)).toEqual([
      [stream, 'annual-report-due', '2028', REPORT_DUE_AT(2028)],
      [stream, 'certificate-expiry', '1', CERT_1_VALID_UNTIL],
    ]);
    expect(deadlineRows(service.db).find((row) => row.kind === 'certificate-expiry')?.rule).toBe(
      `enterprise.certificate: No. 1 valid until ${CERT_1_VALID_UNTIL}, 3 years (rules ${RULES_VERSION})`,
    );

    // Nobody looks for two years: at the certificate's end, the 2028 report and the certificate fire,
    // then the 2029 report the 2028 one armed (already past due) on the next tick, each once.
    expect(await tickAt(service, '2030-06-09T09:59:59.999+08:00')).toEqual([['fired', stream, 'annual-report-due', '2028']]);
    expect(await tickAt(service, '2030-06-09T10:00:00+08:00')).toEqual([
      ['fired', stream, 'annual-report-due', '2029'],
      ['fired', stream, 'certificate-expiry', '1'],
    ]);
    expect(await tickAt(service, '2030-06-10T09:00:00+08:00')).toEqual([]);
    const [expired, ...moreExpired] = await eventsOf(service.store, 'CertificateExpired');
    expect(moreExpired).toEqual([]);
    expect(expired.data).toEqual({ certificateNo: 1, validUntil: CERT_1_VALID_UNTIL, recordedAt: CERT_1_VALID_UNTIL });
    expect(expired.metadata).toMatchObject({ actor: SCHEDULER, recordedAt: '2030-06-09T02:00:00.000Z' });

    const overdue = await eventsOf(service.store, 'AnnualReportOverdue');
    expect(overdue.map((e) => [e.data.year, e.data.recordedAt])).toEqual([
      [2026, REPORT_DUE_AT(2026)],
      [2028, REPORT_DUE_AT(2028)],
      [2029, REPORT_DUE_AT(2029)],
    ]);
    // The decider still expects reports after the certificate ran out: the running year's is armed.
    expect(pending(service.db)).toEqual([[stream, 'annual-report-due', '2030', REPORT_DUE_AT(2030)]]);
  });

  it('does not fire met obligations; a renewal supersedes and a disqualification settles every deadline', async () => {
    const service = instance();
    service.runner.start();
    const stream = enterpriseStream(B);
    await admit(service.streams, B);
    await publishPlan(service.streams, B, '2026-06-01T10:00:00+08:00');
    expect(await tickAt(service, '2026-07-21T09:00:00+08:00')).toEqual([]);
    await submitReport(service.streams, B, 2026, '2027-01-20T10:00:00+08:00');
    expect(await tickAt(service, '2027-02-01T09:00:00+08:00')).toEqual([]);
    await certify(service.streams, B, CERTIFY);

    // 2027 is missed; in January 2029 the enterprise catches up, the newer report first.
    expect(await tickAt(service, '2028-02-01T09:00:00+08:00')).toEqual([['fired', stream, 'annual-report-due', '2027']]);
    await submitReport(service.streams, B, 2028, '2029-01-10T10:00:00+08:00');
    await submitReport(service.streams, B, 2027, '2029-01-20T10:00:00+08:00');
    expect(await tickAt(service, '2029-02-01T09:00:00+08:00')).toEqual([]);
    // No settled year was armed again.
    expect(pending(service.db)).toEqual([
      [stream, 'annual-report-due', '2029', REPORT_DUE_AT(2029)],
      [stream, 'certificate-expiry', '1', CERT_1_VALID_UNTIL],
    ]);

    // Renewed before the first certificate ends: it is superseded, not expired.
    await submitReport(service.streams, B, 2029, '2030-01-15T10:00:00+08:00');
    await certify(service.streams, B, '2030-04-01T10:00:00+08:00', 'renewal');
    expect(await tickAt(service, '2030-06-10T09:00:00+08:00')).toEqual([]);
    expect(pending(service.db)).toEqual([
      [stream, 'annual-report-due', '2030', REPORT_DUE_AT(2030)],
      [stream, 'certificate-expiry', '2', '2033-04-01T02:00:00.000Z'],
    ]);

    // Disqualified: nothing more is due from it.
    const disqualified = await enterprise(service.streams, B, 'Disqualify', { ground: 'fraud', reason: '年报数据造假', evidence: [doc(9)] }, office, '2030-07-01T10:00:00+08:00');
    expect(disqualified.events).toEqual(['EnterpriseDisqualified']);
    expect(await tickAt(service, '2040-01-01T09:00:00+08:00')).toEqual([]);
    expect(pending(service.db)).toEqual([]);

    expect(await eventsOf(service.store, 'ThreeYearPlanOverdue')).toEqual([]);
    expect(await eventsOf(service.store, 'CertificateExpired')).toEqual([]);
    expect((await eventsOf(service.store, 'AnnualReportOverdue')).map((e) => e.data.year)).toEqual([2027]);
  });

  it('after a crash and downtime, fires every missed enterprise deadline once, with its due time', async () => {
    const first = instance();
    first.runner.start();
    await admit(first.streams, A);
    await admit(first.streams, B, '2026-05-20T10:00:00+08:00');
    await caughtUp(first);

    // A's plan is overdue; it fires, and the process dies before its read model records the event.
    clock.set('2026-07-21T09:00:00+08:00');
    await first.runner.stop();
    expect((await first.scheduler.tick()).map((o) => [o.status, o.deadline.stream, o.deadline.kind])).toEqual([
      ['fired', enterpriseStream(A), 'three-year-plan-due'],
    ]);
    await shutDown(first);

    // Back in March 2027; the scheduler ticks before the read model has caught up.
    clock.set('2027-03-01T09:00:00+08:00');
    const second = instance();
    expect((await second.scheduler.tick()).map((o) => [o.status, o.deadline.stream, o.deadline.kind, o.deadline.dueAt])).toEqual([
      ['settled', enterpriseStream(A), 'three-year-plan-due', PLAN_OVERDUE_AT],
      ['fired', enterpriseStream(B), 'three-year-plan-due', '2026-08-20T02:00:00.001Z'],
      ['fired', enterpriseStream(A), 'annual-report-due', REPORT_DUE_AT(2026)],
      ['fired', enterpriseStream(B), 'annual-report-due', REPORT_DUE_AT(2026)],
    ]);
    second.runner.start();
    await caughtUp(second);
    expect(await second.scheduler.tick()).toEqual([]);
    expect(pending(second.db)).toEqual([
      [enterpriseStream(A), 'annual-report-due', '2027', REPORT_DUE_AT(2027)],
      [enterpriseStream(A), 'minimum-incubation-end', 'minimum-incubation', '2027-04-20T02:00:00.000Z'],
      [enterpriseStream(B), 'annual-report-due', '2027', REPORT_DUE_AT(2027)],
      [enterpriseStream(B), 'minimum-incubation-end', 'minimum-incubation', '2027-05-20T02:00:00.000Z'],
    ]);

    // Each once; the data say when it was due, the envelope when it was acted on.
    const plans = await eventsOf(second.store, 'ThreeYearPlanOverdue');
    expect(plans.map((e) => [e.stream, e.data.recordedAt, e.metadata.recordedAt])).toEqual([
      [enterpriseStream(A), PLAN_OVERDUE_AT, '2026-07-21T01:00:00.000Z'],
      [enterpriseStream(B), '2026-08-20T02:00:00.001Z', '2027-03-01T01:00:00.000Z'],
    ]);
    const reports = await eventsOf(second.store, 'AnnualReportOverdue');
    expect(reports.map((e) => [e.stream, e.data.year, e.data.recordedAt, e.metadata.recordedAt])).toEqual([
      [enterpriseStream(A), 2026, REPORT_DUE_AT(2026), '2027-03-01T01:00:00.000Z'],
      [enterpriseStream(B), 2026, REPORT_DUE_AT(2026), '2027-03-01T01:00:00.000Z'],
    ]);
  });

  describe('derive', () => {
    const disqualified = (disqualifiedAt: string, revokedCertificateNo: number | null) =>
      ({
        type: 'EnterpriseDisqualified',
        data: { ground: 'fraud', reason: 'r', evidence: [], disqualifiedAt, bannedUntil: '2035-01-01T00:00:00.000Z', banYears: 5, revokedCertificateNo, rulesVersion: RULES_VERSION },
      }) as const;

    it('arms the running year when a report for an earlier year is caught up on', () => {
      const late = annualReportDue(ENTERPRISE).derive(
        { type: 'AnnualReportSubmitted', data: { year: 2026, report: doc(5), submittedAt: '2029-03-01T02:00:00.000Z', due: '2027-01-31', late: true, rulesVersion: RULES_VERSION } },
        'enterprise-x',
      );
      expect(late).toEqual([{ clear: { key: '2026' } }, { set: expect.objectContaining({ key: '2029', dueAt: '2030-02-01T00:00:00+08:00' }) }]);
    });

    it('settles every deadline a disqualification ends', () => {
      expect(threeYearPlanDue.derive(disqualified('2030-01-10T02:00:00.000Z', 2), 'enterprise-x')).toEqual([{ clear: { key: 'three-year-plan' } }]);
      expect(annualReportDue(ENTERPRISE).derive(disqualified('2030-01-10T02:00:00.000Z', 2), 'enterprise-x')).toEqual([{ clear: { key: '2029' } }, { clear: { key: '2030' } }]);
      expect(certificateExpiry.derive(disqualified('2030-01-10T02:00:00.000Z', 2), 'enterprise-x')).toEqual([{ clear: { key: '2' } }]);
      expect(certificateExpiry.derive(disqualified('2030-01-10T02:00:00.000Z', null), 'enterprise-x')).toEqual([]);
    });
  });
});
