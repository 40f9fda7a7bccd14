import { given, nonJsonPath } from '../../../test/support/decider-spec';
import { testCalendar } from '../../../test/support/test-calendar';
import { chinaDateOf } from '../calendar';
import { EnterpriseRules } from '../catalog/program-rules';
import { fold } from '../decider';
import { DomainError } from '../errors';
import { Actor, DocumentRef, Role, ROLES } from '../messages';
import {
  DISQUALIFICATION_GROUNDS,
  DisqualificationGround,
  ELIGIBILITY_GATES,
  ENTERPRISE_COMMANDS,
  EligibilityDeclarations,
  EnterpriseCommand,
  EnterpriseCommandType,
  EnterpriseContext,
} from './enterprise.commands';
import { isCreditCode } from '../organisation/organisation';
import { addMonths, enterpriseDecider, EnterpriseState } from './enterprise.decider';
import { ENTERPRISE_STATUSES } from './enterprise.state';
import { EnterpriseEvent } from './enterprise.events';

// ---------------------------------------------------------------------------------------------
// Fixtures

const rules: EnterpriseRules = {
  threeYearPlanDueMonths: 3,
  minIncubationMonths: 12,
  annualReportDue: { month: 1, day: 31 },
  disqualificationBanYears: 5,
  certificateValidityYears: 3,
  publicNotice: { length: 5, unit: 'working-days' },
};
const context: EnterpriseContext = { rules, rulesVersion: 'enterprise-2019.1', applicant: { kind: 'enterprise' }, calendar: testCalendar };

const doc = (n: number, name = `doc-${n}.pdf`): DocumentRef => ({
  sha256: n.toString(16).padStart(2, '0').repeat(32),
  name,
  size: 1000 + n,
  mediaType: 'application/pdf',
});

const CREDIT_CODE = '91350100M000100Y43';
/** An enterprise's id is its credit code. */
const ENT = CREDIT_CODE;
const applicant: Actor = { id: 'u-ent', role: 'applicant', org: ENT, region: 'taiyuan' };
const otherApplicant: Actor = { id: 'u-other', role: 'applicant', org: 'ent-2', region: 'taiyuan' };
const recommender: Actor = { id: 'u-ty', role: 'recommender', org: 'taiyuan-edu', region: 'taiyuan' };
const foreignRecommender: Actor = { id: 'u-dt', role: 'recommender', org: 'datong-edu', region: 'datong' };
const office: Actor = { id: 'u-office', role: 'office', org: 'sx-ndrc' };
const reviewer: Actor = { id: 'u-expert', role: 'reviewer', org: 'university' };
const auditor: Actor = { id: 'u-audit', role: 'auditor', org: 'audit' };

type CommandOf<T extends EnterpriseCommandType> = Extract<EnterpriseCommand, { type: T }>;
function cmd<T extends EnterpriseCommandType>(
  type: T,
  data: CommandOf<T>['data'],
  actor: Actor,
  now: string,
  ctx: EnterpriseContext = context,
): CommandOf<T> {
  return { type, data, actor, now, context: ctx } as unknown as CommandOf<T>;
}

const ALL_TRUE: EligibilityDeclarations = {
  registeredAndTaxedInProvince: true,
  mainBusinessNotEducation: true,
  noMajorAccident: true,
  goodCredit: true,
  noTaxViolation: true,
};

const applicationData = {
  enterpriseId: ENT,
  name: '太原重工股份有限公司',
  creditCode: CREDIT_CODE,
  region: 'taiyuan',
  declarations: ALL_TRUE,
  documents: [doc(1, '申报书.pdf')],
};
const assessment = { opinion: '符合条件', documents: [doc(2, '专家评估意见.pdf')] };

// The timeline of the walk, Beijing time = UTC + 8.
const T = {
  apply: '2024-03-01T02:00:00.000Z',
  recommend: '2024-03-10T02:00:00.000Z',
  review: '2024-04-01T02:00:00.000Z',
  noticeStart: '2024-04-08T01:00:00.000Z',
  // 5 working days from Monday 8 April 2024 end with Friday the 12th: the notice closes at midnight, Beijing time.
  noticeEnd: '2024-04-12T16:00:00.000Z',
  duringNotice: '2024-04-09T02:00:00.000Z',
  admit: '2024-04-15T02:00:00.000Z',
  plan: '2024-06-01T02:00:00.000Z',
  report2024: '2025-01-20T02:00:00.000Z',
  request: '2025-04-20T02:00:00.000Z',
  evaluate: '2025-05-20T02:00:00.000Z',
  certNoticeStart: '2025-06-03T01:00:00.000Z',
  certNoticeEnd: '2025-06-09T16:00:00.000Z',
  certify: '2025-06-10T02:00:00.000Z',
};

/** Runs commands through the decider and returns every event produced, as a store would hold them. */
function run(commands: readonly EnterpriseCommand[], from: readonly EnterpriseEvent[] = []): EnterpriseEvent[] {
  const events = [...from];
  for (const command of commands) events.push(...enterpriseDecider.decide(command, fold(enterpriseDecider, events)));
  return events;
}
const stateOf = (events: readonly EnterpriseEvent[]): EnterpriseState => fold(enterpriseDecider, events);

const apply = (now = T.apply, data = applicationData) => cmd('ApplyForIncubation', data, applicant, now);
const recommend = (now = T.recommend) => cmd('Recommend', { opinion: '同意推荐' }, recommender, now);
const jointReview = (now = T.review) =>
  cmd('RecordJointReview', { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: assessment, reasons: [] }, office, now);
/** Opened on the day of `now`, its first day. */
const openNotice = (now = T.noticeStart) => cmd('OpenPublicNotice', { startsOn: chinaDateOf(now) }, office, now);
const admit = (now = T.admit) => cmd('AdmitToIncubation', {}, office, now);
const publishPlan = (now = T.plan) => cmd('PublishThreeYearPlan', { plan: doc(3, '三年规划.pdf') }, applicant, now);
const requestCertification = (now = T.request) => cmd('RequestCertification', { documents: [doc(4, '认证申请.pdf')] }, applicant, now);
const evaluate = (now = T.evaluate, outcome: 'passed' | 'failed' = 'passed') =>
  cmd('RecordCertificationEvaluation', { outcome, assessment, reasons: outcome === 'failed' ? ['投入不足'] : [] }, office, now);
const openCertNotice = (now = T.certNoticeStart) => cmd('OpenCertificationNotice', { startsOn: chinaDateOf(now) }, office, now);
const certify = (now = T.certify) => cmd('Certify', {}, office, now);
const disqualify = (now: string, ground: DisqualificationGround = 'fraud') =>
  cmd('Disqualify', { ground, reason: '年报数据造假', evidence: [doc(9, '调查报告.pdf')] }, office, now);

const submitted = () => run([apply()]);
const recommended = () => run([recommend()], submitted());
const jointlyReviewed = () => run([jointReview()], recommended());
const inAdmissionNotice = () => run([openNotice()], jointlyReviewed());
const incubating = () => run([admit()], inAdmissionNotice());
const withPlan = () => run([publishPlan()], incubating());
const certificationRequested = () => run([requestCertification()], withPlan());
const certificationEvaluated = () => run([evaluate()], certificationRequested());
const inCertificationNotice = () => run([openCertNotice()], certificationEvaluated());
const certified = () => run([certify()], inCertificationNotice());

// ---------------------------------------------------------------------------------------------

describe('enterprise decider', () => {
  describe('ENTERPRISE_COMMANDS', () => {
    it('lets the auditor issue no command and lists a role for every command', () => {
      for (const [type, roles] of Object.entries(ENTERPRISE_COMMANDS)) {
        expect(roles.length).toBeGreaterThan(0);
        expect(roles).not.toContain('auditor');
        expect(roles.every((r) => (ROLES as readonly string[]).includes(r))).toBe(true);
        expect(type).toMatch(/^[A-Z][A-Za-z]+$/);
      }
    });

    it.each(Object.keys(ENTERPRISE_COMMANDS) as EnterpriseCommandType[])('refuses %s to roles outside its table entry', (type) => {
      const history = certified();
      for (const role of ROLES.filter((r) => !ENTERPRISE_COMMANDS[type].includes(r))) {
        const actor: Actor = { id: `u-${role}`, role, org: ENT, region: 'taiyuan' };
        given(enterpriseDecider, history)
          .when(cmd(type, {} as never, actor, T.certify))
          .thenThrows('role-not-allowed', 'forbidden');
      }
    });
  });

  describe('data checks', () => {
    it('checks the unified social credit code', () => {
      expect(isCreditCode(CREDIT_CODE)).toBe(true);
      expect(isCreditCode('91110000802100433B')).toBe(true);
      expect(isCreditCode('91350100M000100Y44')).toBe(false);
      expect(isCreditCode('91350100M000100Y4')).toBe(false);
    });
  });

  describe('ApplyForIncubation', () => {
    const submittedEvent: EnterpriseEvent = {
      type: 'IncubationApplicationSubmitted',
      data: { applicationNo: 1, ...applicationData, submittedAt: T.apply, rulesVersion: 'enterprise-2019.1' },
    };

    it('records the application of an eligible enterprise', () => {
      given(enterpriseDecider, []).when(apply()).then([submittedEvent]);
      expect(stateOf([submittedEvent])).toMatchObject({ status: 'Submitted', enterpriseId: ENT, region: 'taiyuan', applicationNo: 1 });
    });

    it('records an ineligible application with the failed gates, and the enterprise is not admitted', () => {
      const data = { ...applicationData, declarations: { ...ALL_TRUE, goodCredit: false, noMajorAccident: false } };
      const [event] = given(enterpriseDecider, [])
        .when(apply(T.apply, data))
        .then([
          {
            type: 'IncubationApplicationIneligible',
            data: { applicationNo: 1, ...data, submittedAt: T.apply, rulesVersion: 'enterprise-2019.1', failedGates: ['noMajorAccident', 'goodCredit'] },
          },
        ]);
      expect(stateOf([event])).toMatchObject({ status: 'NotAdmitted', notAdmittedAt: 'eligibility' });
    });

    it('lets a not-admitted enterprise apply again, as a new round', () => {
      const history = run([cmd('NotRecommend', { reason: '材料不全' }, recommender, T.recommend)], submitted());
      const [event] = given(enterpriseDecider, history).when(apply('2025-03-01T02:00:00.000Z')).then([
        { ...submittedEvent, data: { ...submittedEvent.data, applicationNo: 2, submittedAt: '2025-03-01T02:00:00.000Z' } },
      ]);
      expect(stateOf([...history, event]).status).toBe('Submitted');
    });

    it('copies document references into plain data', () => {
      class Ref {
        constructor(readonly sha256: string, readonly name: string, readonly size: number) {}
      }
      const data = { ...applicationData, documents: [new Ref(doc(1).sha256, 'a.pdf', 3)] };
      const [event] = enterpriseDecider.decide(apply(T.apply, data), enterpriseDecider.initialState);
      expect(nonJsonPath(event)).toBeNull();
    });

    it.each([
      ['another organisation', { ...applicationData, enterpriseId: 'ent-2' }, 'not-own-organisation'],
      ['a city other than its own', { ...applicationData, region: 'datong' }, 'not-own-region'],
      ['an invalid credit code', { ...applicationData, creditCode: '91350100M000100Y44' }, 'invalid-credit-code'],
      ['no documents', { ...applicationData, documents: [] }, 'documents-required'],
      ['a document without a name', { ...applicationData, documents: [{ ...doc(1), name: ' ' }] }, 'invalid-document'],
      ['no name', { ...applicationData, name: ' ' }, 'name-required'],
      ['a blank credit code', { ...applicationData, creditCode: ' ' }, 'invalid-credit-code'],
      ['a blank region', { ...applicationData, region: ' ' }, 'region-required'],
    ])('refuses an application for %s', (_, data, code) => {
      given(enterpriseDecider, []).when(apply(T.apply, data as typeof applicationData)).thenThrows(code);
    });

    it('takes an application only from an enterprise in the registry, under its own credit code', () => {
      // A valid code, but another enterprise's.
      const otherCode = '91140100MA0GXXGM12';
      given(enterpriseDecider, []).when(apply(T.apply, { ...applicationData, creditCode: otherCode })).thenThrows('not-own-credit-code', 'forbidden');
      given(enterpriseDecider, []).when(cmd('ApplyForIncubation', applicationData, applicant, T.apply, { ...context, applicant: { kind: 'school', schoolKind: '高职' } })).thenThrows('not-an-enterprise', 'forbidden');
      given(enterpriseDecider, []).when(cmd('ApplyForIncubation', applicationData, applicant, T.apply, { ...context, applicant: null })).thenThrows('not-an-enterprise', 'forbidden');
      const { applicant: _, ...withoutRegistry } = context;
      given(enterpriseDecider, []).when(cmd('ApplyForIncubation', applicationData, applicant, T.apply, withoutRegistry)).thenThrows('context-required', 'validation');
    });

    it('refuses a recommender, and an auditor', () => {
      given(enterpriseDecider, []).when(cmd('ApplyForIncubation', applicationData, recommender, T.apply)).thenThrows('role-not-allowed', 'forbidden');
      given(enterpriseDecider, []).when(cmd('ApplyForIncubation', applicationData, auditor, T.apply)).thenThrows('role-not-allowed', 'forbidden');
    });

    it('refuses a second application while one is in progress', () => {
      given(enterpriseDecider, submitted())
        .when(apply(T.recommend))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'ApplyForIncubation', status: 'Submitted', expected: 'None | NotAdmitted | Disqualified' });
      given(enterpriseDecider, incubating()).when(apply('2024-05-01T02:00:00.000Z')).thenThrows('invalid-transition');
    });

    it('refuses a command time that is not an ISO instant', () => {
      given(enterpriseDecider, []).when(apply('yesterday')).thenThrows('invalid-time', 'validation', { field: 'now' });
    });

    it('refuses a ban whose end is not an ISO instant', () => {
      given(enterpriseDecider, [])
        .when(cmd('ApplyForIncubation', applicationData, applicant, T.apply, { ...context, bans: [{ until: 'in five years' }] }))
        .thenThrows('invalid-time', 'validation', { field: 'ban until' });
    });

    it.each(ELIGIBILITY_GATES)('records an application failing only the gate %s as ineligible on that gate', (gate) => {
      const data = { ...applicationData, declarations: { ...ALL_TRUE, [gate]: false } };
      given(enterpriseDecider, [])
        .when(apply(T.apply, data))
        .then([
          {
            type: 'IncubationApplicationIneligible',
            data: { applicationNo: 1, ...data, submittedAt: T.apply, rulesVersion: 'enterprise-2019.1', failedGates: [gate] },
          },
        ]);
    });

    it('refuses an application for another enterprise on a stream that holds one already', () => {
      const otherCode = '91140100MA0GXXGM12';
      const notAdmitted = run([cmd('NotRecommend', { reason: '材料不全' }, recommender, T.recommend)], submitted());
      const other = { ...applicationData, enterpriseId: otherCode, creditCode: otherCode };
      given(enterpriseDecider, notAdmitted)
        .when(cmd('ApplyForIncubation', other, { ...applicant, org: otherCode }, '2025-03-01T02:00:00.000Z'))
        .thenThrows('enterprise-mismatch', 'validation');
    });

    it('takes the region of an applicant whose account names no city as the application states it', () => {
      const { region: _, ...cityless } = applicant;
      const data = { ...applicationData, region: 'datong' };
      given(enterpriseDecider, [])
        .when(cmd('ApplyForIncubation', data, cityless, T.apply))
        .then([{ ...submittedEvent, data: { ...submittedEvent.data, region: 'datong' } }]);
    });

    it.each([
      ['the later listed last', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']],
      ['the later listed first', ['2027-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z']],
      ['among three', ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z']],
    ])('names the ban that ends last when several are in force (%s)', (_, untils) => {
      const bans = { ...context, bans: untils.map((until) => ({ until })) };
      given(enterpriseDecider, [])
        .when(cmd('ApplyForIncubation', applicationData, applicant, '2025-12-01T00:00:00.000Z', bans))
        .thenThrows('applicant-banned', 'illegal-state', { until: '2027-01-01T00:00:00.000Z' });
    });

    it('weighs the ban recorded in the stream against those of the context, naming the later', () => {
      const disqualified = run([disqualify('2025-09-01T02:00:00.000Z')], incubating());
      const at = '2026-01-01T00:00:00.000Z';
      const withBan = (until: string) => cmd('ApplyForIncubation', applicationData, applicant, at, { ...context, bans: [{ until }] });
      given(enterpriseDecider, disqualified).when(withBan('2026-06-01T00:00:00.000Z')).thenThrows('applicant-banned', 'illegal-state', { until: '2030-09-01T02:00:00.000Z' });
      given(enterpriseDecider, disqualified).when(withBan('2031-01-01T00:00:00.000Z')).thenThrows('applicant-banned', 'illegal-state', { until: '2031-01-01T00:00:00.000Z' });
    });

    it('refuses an applicant banned in the context until the ban ends', () => {
      const banned = { ...context, bans: [{ until: '2026-01-01T00:00:00.000Z' }, { until: '2023-01-01T00:00:00.000Z' }] };
      const error = given(enterpriseDecider, [])
        .when(cmd('ApplyForIncubation', applicationData, applicant, '2025-12-31T23:59:59.000Z', banned))
        .thenThrows('applicant-banned', 'illegal-state');
      expect(error.details).toEqual({ until: '2026-01-01T00:00:00.000Z' });
      given(enterpriseDecider, [])
        .when(cmd('ApplyForIncubation', applicationData, applicant, '2026-01-01T00:00:00.000Z', banned))
        .then([{ ...submittedEvent, data: { ...submittedEvent.data, submittedAt: '2026-01-01T00:00:00.000Z' } }]);
    });
  });

  describe('Recommend / NotRecommend', () => {
    it('records the recommendation of the city', () => {
      given(enterpriseDecider, submitted())
        .when(recommend())
        .then([
          {
            type: 'IncubationApplicationRecommended',
            data: { applicationNo: 1, region: 'taiyuan', opinion: '同意推荐', documents: [], rulesVersion: 'enterprise-2019.1' },
          },
        ]);
    });

    it('records a refusal to recommend, which ends the round', () => {
      const [event] = given(enterpriseDecider, submitted())
        .when(cmd('NotRecommend', { reason: '主营业务为培训' }, recommender, T.recommend))
        .then([
          {
            type: 'IncubationApplicationNotRecommended',
            data: { applicationNo: 1, region: 'taiyuan', reason: '主营业务为培训', rulesVersion: 'enterprise-2019.1' },
          },
        ]);
      expect(stateOf([...submitted(), event])).toMatchObject({ status: 'NotAdmitted', notAdmittedAt: 'recommendation' });
    });

    it('refuses a recommender of another region, or without one', () => {
      given(enterpriseDecider, submitted()).when(cmd('Recommend', { opinion: 'ok' }, foreignRecommender, T.recommend)).thenThrows('not-own-region', 'forbidden');
      const { region: _, ...noRegion } = recommender;
      given(enterpriseDecider, submitted()).when(cmd('NotRecommend', { reason: 'no' }, noRegion, T.recommend)).thenThrows('not-own-region');
    });

    it('refuses an enterprise recommending itself', () => {
      given(enterpriseDecider, submitted()).when(cmd('Recommend', { opinion: 'ok' }, applicant, T.recommend)).thenThrows('role-not-allowed');
    });

    it('refuses without an opinion or reason, before an application, and twice', () => {
      given(enterpriseDecider, submitted()).when(cmd('Recommend', { opinion: '' }, recommender, T.recommend)).thenThrows('opinion-required', 'validation');
      given(enterpriseDecider, submitted()).when(cmd('NotRecommend', { reason: '' }, recommender, T.recommend)).thenThrows('reason-required');
      given(enterpriseDecider, []).when(recommend()).thenThrows('enterprise-not-found', 'not-found');
      const twice = given(enterpriseDecider, recommended())
        .when(recommend())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'Recommend', status: 'Recommended', expected: 'Submitted' });
      expect(twice.message).toBe('Recommend is not possible while the enterprise is Recommended');
      given(enterpriseDecider, recommended())
        .when(cmd('NotRecommend', { reason: '迟' }, recommender, T.recommend))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'NotRecommend', status: 'Recommended', expected: 'Submitted' });
    });

    it('records the documents the recommender attaches', () => {
      const documents = [doc(13, '推荐函.pdf')];
      given(enterpriseDecider, submitted())
        .when(cmd('Recommend', { opinion: '同意推荐', documents }, recommender, T.recommend))
        .then([
          {
            type: 'IncubationApplicationRecommended',
            data: { applicationNo: 1, region: 'taiyuan', opinion: '同意推荐', documents, rulesVersion: 'enterprise-2019.1' },
          },
        ]);
    });
  });

  describe('RecordJointReview', () => {
    it('records a passed joint review with the expert assessment', () => {
      given(enterpriseDecider, recommended())
        .when(jointReview())
        .then([
          {
            type: 'JointReviewPassed',
            data: {
              applicationNo: 1,
              departments: ['省发展改革委', '省教育厅'],
              expertAssessment: assessment,
              reasons: [],
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
    });

    it('records a failed joint review with its reasons, which ends the round', () => {
      const command = cmd(
        'RecordJointReview',
        { outcome: 'failed', departments: ['省税务局'], expertAssessment: assessment, reasons: ['存在欠税记录'] },
        office,
        T.review,
      );
      const [event] = given(enterpriseDecider, recommended())
        .when(command)
        .then([
          {
            type: 'JointReviewFailed',
            data: { applicationNo: 1, departments: ['省税务局'], expertAssessment: assessment, reasons: ['存在欠税记录'], rulesVersion: 'enterprise-2019.1' },
          },
        ]);
      expect(stateOf([...recommended(), event])).toMatchObject({ status: 'NotAdmitted', notAdmittedAt: 'joint-review' });
    });

    it('refuses a failure without reasons, an assessment without documents, the wrong role and the wrong state', () => {
      const failed = { outcome: 'failed' as const, departments: ['省税务局'], expertAssessment: assessment, reasons: [] };
      given(enterpriseDecider, recommended()).when(cmd('RecordJointReview', failed, office, T.review)).thenThrows('reasons-required');
      given(enterpriseDecider, recommended())
        .when(cmd('RecordJointReview', { ...failed, outcome: 'passed', expertAssessment: { opinion: 'ok', documents: [] } }, office, T.review))
        .thenThrows('documents-required');
      given(enterpriseDecider, recommended()).when(cmd('RecordJointReview', failed, recommender, T.review)).thenThrows('role-not-allowed');
      given(enterpriseDecider, submitted())
        .when(jointReview())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RecordJointReview', status: 'Submitted', expected: 'Recommended' });
    });

    it.each([
      ['no department', { departments: [] }, 'departments-required'],
      ['a blank department', { departments: ['省教育厅', ' '] }, 'departments-required'],
      ['an expert assessment without an opinion', { expertAssessment: { opinion: ' ', documents: [doc(2)] } }, 'assessment-required'],
    ])('refuses a joint review with %s', (_, change, code) => {
      const data = { outcome: 'passed' as const, departments: ['省教育厅'], expertAssessment: assessment, reasons: [], ...change };
      given(enterpriseDecider, recommended()).when(cmd('RecordJointReview', data, office, T.review)).thenThrows(code, 'validation');
    });

    it('keeps the reasons given with a passed joint review', () => {
      const data = { outcome: 'passed' as const, departments: ['省教育厅'], expertAssessment: assessment, reasons: ['条件优良'] };
      given(enterpriseDecider, recommended())
        .when(cmd('RecordJointReview', data, office, T.review))
        .then([{ type: 'JointReviewPassed', data: { applicationNo: 1, departments: ['省教育厅'], expertAssessment: assessment, reasons: ['条件优良'], rulesVersion: 'enterprise-2019.1' } }]);
    });
  });

  describe('OpenPublicNotice', () => {
    it('opens the admission notice with the period counted by the calendar, the rule and the calendar version it was computed from', () => {
      const notice = doc(5, '公示.pdf');
      const [event] = given(enterpriseDecider, jointlyReviewed())
        .when(cmd('OpenPublicNotice', { startsOn: '2024-04-08', notice }, office, T.noticeStart))
        .then([
          {
            type: 'PublicNoticeOpened',
            data: {
              stage: 'admission',
              noticeNo: 1,
              startsAt: '2024-04-08T00:00:00+08:00',
              endsAt: '2024-04-13T00:00:00+08:00',
              length: 5,
              unit: 'working-days',
              calendarVersion: testCalendar.version,
              notice,
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
      expect(stateOf([...jointlyReviewed(), event])).toMatchObject({ status: 'InPublicNotice', notice: { stage: 'admission', noticeNo: 1 } });
    });

    it('skips the holidays: a notice opened on the Dragon Boat holiday of 2025 counts from the next working day', () => {
      const [event] = given(enterpriseDecider, certificationEvaluated())
        .when(cmd('OpenCertificationNotice', { startsOn: '2025-06-02' }, office, '2025-06-02T01:00:00.000Z'))
        .then([expect.objectContaining({ type: 'PublicNoticeOpened' })]);
      expect(event.data).toMatchObject({ startsAt: '2025-06-02T00:00:00+08:00', endsAt: '2025-06-10T00:00:00+08:00' });
    });

    it('refuses a start in the past, an unparseable date, a period past the calendar, the wrong state and the wrong role', () => {
      given(enterpriseDecider, jointlyReviewed()).when(cmd('OpenPublicNotice', { startsOn: '2024-04-07' }, office, T.noticeStart)).thenThrows('notice-start-in-past', 'validation');
      given(enterpriseDecider, jointlyReviewed()).when(cmd('OpenPublicNotice', { startsOn: '12 April' }, office, T.noticeStart)).thenThrows('invalid-date', 'validation');
      given(enterpriseDecider, jointlyReviewed())
        .when(cmd('OpenPublicNotice', { startsOn: '2041-01-07' }, office, T.noticeStart))
        .thenThrows('calendar-not-covered', 'illegal-state');
      given(enterpriseDecider, recommended())
        .when(openNotice())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'OpenPublicNotice', status: 'Recommended', expected: 'JointlyReviewed' });
      given(enterpriseDecider, certificationEvaluated())
        .when(openNotice(T.certNoticeStart))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'OpenPublicNotice', status: 'CertificationEvaluated', expected: 'JointlyReviewed' });
      given(enterpriseDecider, jointlyReviewed())
        .when(openCertNotice(T.noticeStart))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'OpenCertificationNotice', status: 'JointlyReviewed', expected: 'CertificationEvaluated' });
      // Who may act is asked first: a wrong role is told so whatever the dates.
      given(enterpriseDecider, jointlyReviewed()).when(cmd('OpenPublicNotice', { startsOn: '2099-01-05' }, applicant, T.noticeStart)).thenThrows('role-not-allowed');
      given(enterpriseDecider, jointlyReviewed()).when(cmd('OpenPublicNotice', { startsOn: '2024-04-08' }, office, T.noticeStart, { ...context, calendar: undefined })).thenThrows('context-required');
    });
  });

  describe('FileObjection / ResolveObjection', () => {
    const objector = { name: '张三', contact: '13800000000' };
    const objection = (objectionId = 'obj-1', now = T.duringNotice, data: Partial<{ objector: typeof objector; evidence: DocumentRef[] }> = {}, actor: Actor = otherApplicant) =>
      cmd('FileObjection', { objectionId, objector, grounds: '存在安全事故', evidence: [doc(6)], ...data }, actor, now);
    const filed = (id = 'obj-1') => ({
      objectionId: id,
      noticeNo: 1,
      stage: 'admission' as const,
      objector,
      grounds: '存在安全事故',
      evidence: [doc(6)],
      filedAt: T.duringNotice,
    });

    it('records an identified objection with evidence, from anyone but the auditor', () => {
      given(enterpriseDecider, inAdmissionNotice()).when(objection()).then([{ type: 'ObjectionFiled', data: filed() }]);
      given(enterpriseDecider, inAdmissionNotice()).when(objection('obj-2', T.duringNotice, {}, reviewer)).then([{ type: 'ObjectionFiled', data: filed('obj-2') }]);
      given(enterpriseDecider, inAdmissionNotice()).when(objection('obj-3', T.duringNotice, {}, foreignRecommender)).then([{ type: 'ObjectionFiled', data: filed('obj-3') }]);
      given(enterpriseDecider, inAdmissionNotice()).when(objection('obj-4', T.duringNotice, {}, auditor)).thenThrows('role-not-allowed');
    });

    it('rejects anonymous, unsupported, early and late objections as inadmissible', () => {
      given(enterpriseDecider, inAdmissionNotice())
        .when(objection('obj-1', T.duringNotice, { objector: { name: '', contact: '' }, evidence: [] }))
        .then([{ type: 'ObjectionRejected', data: { ...filed(), objector: { name: '', contact: '' }, evidence: [], reasons: ['anonymous', 'no-evidence'] } }]);
      given(enterpriseDecider, inAdmissionNotice())
        .when(objection('obj-1', T.noticeEnd))
        .then([{ type: 'ObjectionRejected', data: { ...filed(), filedAt: T.noticeEnd, reasons: ['late'] } }]);
      given(enterpriseDecider, inAdmissionNotice())
        .when(objection('obj-1', '2024-04-07T15:59:59.000Z'))
        .then([{ type: 'ObjectionRejected', data: { ...filed(), filedAt: '2024-04-07T15:59:59.000Z', reasons: ['before-notice'] } }]);
    });

    it('takes an objection from the office too', () => {
      given(enterpriseDecider, inAdmissionNotice()).when(objection('obj-5', T.duringNotice, {}, office)).then([{ type: 'ObjectionFiled', data: filed('obj-5') }]);
    });

    it('records the objector as trimmed', () => {
      given(enterpriseDecider, inAdmissionNotice())
        .when(objection('obj-1', T.duringNotice, { objector: { name: ' 张三 ', contact: ' 13800000000\n' } }))
        .then([{ type: 'ObjectionFiled', data: filed() }]);
    });

    it.each([
      ['a blank name', { name: ' ', contact: '13800000000' }],
      ['a blank contact', { name: '张三', contact: '' }],
    ])('rejects an objection with %s as anonymous', (_, who) => {
      given(enterpriseDecider, inAdmissionNotice())
        .when(objection('obj-1', T.duringNotice, { objector: who }))
        .then([{ type: 'ObjectionRejected', data: { ...filed(), objector: { name: who.name.trim(), contact: who.contact.trim() }, reasons: ['anonymous'] } }]);
    });

    it.each([
      ['from the very instant the notice starts', '2024-04-07T16:00:00.000Z'],
      ['until the last instant before it ends', '2024-04-12T15:59:59.999Z'],
    ])('takes an objection %s', (_, now) => {
      given(enterpriseDecider, inAdmissionNotice()).when(objection('obj-1', now)).then([{ type: 'ObjectionFiled', data: { ...filed(), filedAt: now } }]);
    });

    it('ties an objection to the certification notice it is filed under', () => {
      const now = '2025-06-03T02:00:00.000Z';
      given(enterpriseDecider, inCertificationNotice())
        .when(objection('c-1', now))
        .then([{ type: 'ObjectionFiled', data: { ...filed('c-1'), noticeNo: 2, stage: 'certification', filedAt: now } }]);
    });

    it('keeps one record per objection when its filing is folded again', () => {
      const history = run([objection()], inAdmissionNotice());
      expect(stateOf([...history, history[history.length - 1]]).objections).toEqual([{ objectionId: 'obj-1', noticeNo: 1, stage: 'admission', status: 'open' }]);
    });

    it('refuses an objection outside a notice, a reused id and one without grounds', () => {
      given(enterpriseDecider, jointlyReviewed())
        .when(objection())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'FileObjection', status: 'JointlyReviewed', expected: 'InPublicNotice' });
      given(enterpriseDecider, run([objection()], inAdmissionNotice())).when(objection()).thenThrows('objection-already-filed', 'illegal-state', { objectionId: 'obj-1' });
      given(enterpriseDecider, inAdmissionNotice()).when(objection(' ')).thenThrows('objection-id-required', 'validation');
      given(enterpriseDecider, inAdmissionNotice())
        .when(cmd('FileObjection', { objectionId: 'o', objector, grounds: '', evidence: [doc(6)] }, otherApplicant, T.duringNotice))
        .thenThrows('grounds-required');
    });

    it('dismisses an objection, after which admission may proceed', () => {
      const history = run([objection()], inAdmissionNotice());
      const resolve = cmd('ResolveObjection', { objectionId: 'obj-1', outcome: 'dismissed', reason: '经核查不属实' }, office, T.admit);
      const [event] = given(enterpriseDecider, history)
        .when(resolve)
        .then([{ type: 'ObjectionDismissed', data: { objectionId: 'obj-1', reason: '经核查不属实', evidence: [], rulesVersion: 'enterprise-2019.1' } }]);
      expect(enterpriseDecider.decide(admit(), stateOf([...history, event]))[0].type).toBe('AdmittedToIncubation');
      given(enterpriseDecider, [...history, event]).when(resolve).thenThrows('objection-already-resolved', 'illegal-state', { status: 'dismissed' });
    });

    it('dismisses only the objection named: another still open keeps admission waiting', () => {
      const history = run([objection(), objection('obj-2')], inAdmissionNotice());
      const dismissed = run([cmd('ResolveObjection', { objectionId: 'obj-1', outcome: 'dismissed', reason: '不属实' }, office, T.admit)], history);
      expect(stateOf(dismissed).objections.map((o) => o.status)).toEqual(['dismissed', 'open']);
      given(enterpriseDecider, dismissed).when(admit()).thenThrows('objection-open', 'illegal-state', { objections: ['obj-2'] });
    });

    it('upholds an objection of an earlier notice as a record only, and it no longer stands in the way', () => {
      const uphold = (id: string, now: string) => cmd('ResolveObjection', { objectionId: id, outcome: 'upheld', reason: '查实' }, office, now);
      const upheld = (id: string): EnterpriseEvent => ({ type: 'ObjectionUpheld', data: { objectionId: id, reason: '查实', evidence: [], rulesVersion: 'enterprise-2019.1' } });
      // obj-2 upheld refuses the first round; obj-1, of the same notice, stays open.
      const refused = run([objection(), objection('obj-2'), uphold('obj-2', T.admit)], inAdmissionNotice());
      expect(stateOf(refused).status).toBe('NotAdmitted');
      given(enterpriseDecider, refused).when(uphold('obj-1', T.admit)).then([upheld('obj-1')]);
      const secondNotice = run(
        [apply('2024-05-06T02:00:00.000Z'), recommend('2024-05-10T02:00:00.000Z'), jointReview('2024-05-20T02:00:00.000Z'), openNotice('2024-06-03T01:00:00.000Z')],
        refused,
      );
      given(enterpriseDecider, secondNotice).when(uphold('obj-1', '2024-06-04T02:00:00.000Z')).then([upheld('obj-1')]);
      given(enterpriseDecider, secondNotice).when(admit('2024-06-11T02:00:00.000Z')).then([expect.objectContaining({ type: 'AdmittedToIncubation' }) as never]);
    });

    it('upholds an objection, which refuses admission', () => {
      const history = run([objection()], inAdmissionNotice());
      const evidence = [doc(7, '安监处罚决定书.pdf')];
      const events = given(enterpriseDecider, history)
        .when(cmd('ResolveObjection', { objectionId: 'obj-1', outcome: 'upheld', reason: '存在重大安全事故', evidence }, office, T.admit))
        .then([
          { type: 'ObjectionUpheld', data: { objectionId: 'obj-1', reason: '存在重大安全事故', evidence, rulesVersion: 'enterprise-2019.1' } },
          { type: 'AdmissionRefusedAfterObjection', data: { applicationNo: 1, objectionId: 'obj-1', reason: '存在重大安全事故', rulesVersion: 'enterprise-2019.1' } },
        ]);
      expect(stateOf([...history, ...events])).toMatchObject({ status: 'NotAdmitted', notAdmittedAt: 'objection', notice: null });
    });

    it('refuses an unknown objection, a rejected one, and anyone but the office', () => {
      const history = run([objection(), objection('obj-late', T.noticeEnd)], inAdmissionNotice());
      given(enterpriseDecider, history)
        .when(cmd('ResolveObjection', { objectionId: 'nope', outcome: 'upheld', reason: 'x' }, office, T.admit))
        .thenThrows('objection-not-found', 'not-found', { objectionId: 'nope' });
      given(enterpriseDecider, history)
        .when(cmd('ResolveObjection', { objectionId: 'obj-late', outcome: 'upheld', reason: 'x' }, office, T.admit))
        .thenThrows('objection-already-resolved', 'illegal-state', { status: 'rejected' });
      given(enterpriseDecider, history).when(cmd('ResolveObjection', { objectionId: 'obj-1', outcome: 'upheld', reason: 'x' }, applicant, T.admit)).thenThrows('role-not-allowed');
      given(enterpriseDecider, history).when(cmd('ResolveObjection', { objectionId: 'obj-1', outcome: 'upheld', reason: '' }, office, T.admit)).thenThrows('reason-required');
    });
  });

  describe('AdmitToIncubation', () => {
    it('admits once the notice has ended, fixing the plan deadline and the earliest certification date', () => {
      const [event] = given(enterpriseDecider, inAdmissionNotice())
        .when(admit())
        .then([
          {
            type: 'AdmittedToIncubation',
            data: {
              applicationNo: 1,
              admittedAt: T.admit,
              threeYearPlanDue: '2024-07-15T02:00:00.000Z',
              earliestCertificationAt: '2025-04-15T02:00:00.000Z',
              threeYearPlanDueMonths: 3,
              minIncubationMonths: 12,
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
      expect(stateOf([...inAdmissionNotice(), event])).toMatchObject({ status: 'InIncubation', notice: null });
    });

    it('refuses before the notice ends, with an open objection, outside the notice and to others than the office', () => {
      given(enterpriseDecider, inAdmissionNotice()).when(admit(T.duringNotice)).thenThrows('notice-not-ended', 'illegal-state', { endsAt: '2024-04-13T00:00:00+08:00' });
      const withObjection = run(
        [cmd('FileObjection', { objectionId: 'o', objector: { name: 'a', contact: 'b' }, grounds: 'g', evidence: [doc(6)] }, otherApplicant, T.duringNotice)],
        inAdmissionNotice(),
      );
      given(enterpriseDecider, withObjection).when(admit()).thenThrows('objection-open', 'illegal-state', { objections: ['o'] });
      const expected = { command: 'AdmitToIncubation', expected: 'InPublicNotice (admission)' };
      given(enterpriseDecider, jointlyReviewed()).when(admit()).thenThrows('invalid-transition', 'illegal-state', { ...expected, status: 'JointlyReviewed' });
      given(enterpriseDecider, inCertificationNotice()).when(admit('2025-06-07T02:00:00.000Z')).thenThrows('invalid-transition', 'illegal-state', { ...expected, status: 'InPublicNotice' });
      given(enterpriseDecider, inAdmissionNotice()).when(cmd('AdmitToIncubation', {}, recommender, T.admit)).thenThrows('role-not-allowed');
    });
  });

  describe('the end of a notice', () => {
    it('admits from the very instant the admission notice ends, and not a millisecond before', () => {
      given(enterpriseDecider, inAdmissionNotice()).when(admit(T.noticeEnd)).then([expect.objectContaining({ type: 'AdmittedToIncubation' }) as never]);
      given(enterpriseDecider, inAdmissionNotice()).when(admit('2024-04-12T15:59:59.999Z')).thenThrows('notice-not-ended', 'illegal-state', { endsAt: '2024-04-13T00:00:00+08:00' });
    });

    it('certifies from the very instant the certification notice ends, and not a millisecond before', () => {
      given(enterpriseDecider, inCertificationNotice()).when(certify(T.certNoticeEnd)).then([expect.objectContaining({ type: 'EnterpriseCertified' }) as never]);
      given(enterpriseDecider, inCertificationNotice()).when(certify('2025-06-09T15:59:59.999Z')).thenThrows('notice-not-ended', 'illegal-state', { endsAt: '2025-06-10T00:00:00+08:00' });
    });
  });

  describe('three-year plan', () => {
    it('records a plan published on time, and a late one as late', () => {
      given(enterpriseDecider, incubating())
        .when(publishPlan())
        .then([{ type: 'ThreeYearPlanPublished', data: { plan: doc(3, '三年规划.pdf'), publishedAt: T.plan, due: '2024-07-15T02:00:00.000Z', late: false } }]);
      given(enterpriseDecider, incubating())
        .when(publishPlan('2024-07-16T02:00:00.000Z'))
        .then([{ type: 'ThreeYearPlanPublished', data: { plan: doc(3, '三年规划.pdf'), publishedAt: '2024-07-16T02:00:00.000Z', due: '2024-07-15T02:00:00.000Z', late: true } }]);
    });

    it('refuses a second plan, another enterprise and an enterprise not incubating', () => {
      given(enterpriseDecider, withPlan()).when(publishPlan()).thenThrows('three-year-plan-already-published');
      given(enterpriseDecider, incubating()).when(cmd('PublishThreeYearPlan', { plan: doc(3) }, otherApplicant, T.plan)).thenThrows('not-own-organisation', 'forbidden');
      given(enterpriseDecider, inAdmissionNotice())
        .when(publishPlan())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'PublishThreeYearPlan', status: 'InPublicNotice', expected: 'InIncubation' });
    });

    it('counts a plan published at the very instant it is due as on time', () => {
      const due = '2024-07-15T02:00:00.000Z';
      given(enterpriseDecider, incubating())
        .when(publishPlan(due))
        .then([{ type: 'ThreeYearPlanPublished', data: { plan: doc(3, '三年规划.pdf'), publishedAt: due, due, late: false } }]);
    });

    it('records nothing overdue for an enterprise disqualified before it was admitted', () => {
      const disqualified = run([disqualify(T.review)], submitted());
      given(enterpriseDecider, disqualified).when(cmd('RecordThreeYearPlanOverdue', {}, office, '2024-07-16T00:00:00.000Z')).then([]);
      given(enterpriseDecider, disqualified).when(cmd('RecordAnnualReportOverdue', { year: 2024 }, office, '2025-02-01T00:00:00.000Z')).then([]);
      given(enterpriseDecider, disqualified).when(cmd('RecordMinimumIncubationReached', {}, office, '2025-05-01T00:00:00.000Z')).then([]);
    });

    it('records a missed plan deadline once, and nothing when the plan is there', () => {
      const overdue = cmd('RecordThreeYearPlanOverdue', {}, office, '2024-07-16T00:00:00.000Z');
      given(enterpriseDecider, incubating())
        .when(cmd('RecordThreeYearPlanOverdue', {}, office, '2024-07-15T02:00:00.000Z'))
        .thenThrows('not-yet-due', 'illegal-state', { due: '2024-07-15T02:00:00.000Z' });
      const events = given(enterpriseDecider, incubating())
        .when(overdue)
        .then([{ type: 'ThreeYearPlanOverdue', data: { due: '2024-07-15T02:00:00.000Z', recordedAt: '2024-07-16T00:00:00.000Z' } }]);
      given(enterpriseDecider, [...incubating(), ...events]).when(overdue).then([]);
      given(enterpriseDecider, withPlan()).when(overdue).then([]);
      given(enterpriseDecider, jointlyReviewed())
        .when(overdue)
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RecordThreeYearPlanOverdue', status: 'JointlyReviewed', expected: 'admitted to incubation' });
      given(enterpriseDecider, run([disqualify('2024-05-01T00:00:00.000Z')], incubating())).when(overdue).then([]);
    });
  });

  describe('annual reports', () => {
    const report = (year: number, now: string, actor: Actor = applicant) => cmd('SubmitAnnualReport', { year, report: doc(8, `${year}年报.pdf`) }, actor, now);

    it('accepts a report by 31 January Beijing time, and flags a later one as late', () => {
      given(enterpriseDecider, incubating())
        .when(report(2024, '2025-01-31T15:59:00.000Z'))
        .then([
          {
            type: 'AnnualReportSubmitted',
            data: { year: 2024, report: doc(8, '2024年报.pdf'), submittedAt: '2025-01-31T15:59:00.000Z', due: '2025-01-31', late: false, rulesVersion: 'enterprise-2019.1' },
          },
        ]);
      given(enterpriseDecider, incubating())
        .when(report(2024, '2025-01-31T16:00:00.000Z'))
        .then([
          {
            type: 'AnnualReportSubmitted',
            data: { year: 2024, report: doc(8, '2024年报.pdf'), submittedAt: '2025-01-31T16:00:00.000Z', due: '2025-01-31', late: true, rulesVersion: 'enterprise-2019.1' },
          },
        ]);
    });

    it('accepts one report per finished year since admission', () => {
      const history = run([report(2024, T.report2024)], incubating());
      given(enterpriseDecider, history).when(report(2024, '2025-02-01T02:00:00.000Z')).thenThrows('annual-report-already-submitted', 'illegal-state', { year: 2024 });
      given(enterpriseDecider, history).when(report(2025, '2025-12-31T02:00:00.000Z')).thenThrows('invalid-report-year', 'validation', { first: 2024, last: 2024 });
      given(enterpriseDecider, history).when(report(2023, '2025-02-01T02:00:00.000Z')).thenThrows('invalid-report-year', 'validation', { first: 2024, last: 2024 });
      given(enterpriseDecider, history).when(report(2024, T.report2024, otherApplicant)).thenThrows('not-own-organisation');
      given(enterpriseDecider, inAdmissionNotice())
        .when(report(2024, T.report2024))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'SubmitAnnualReport', status: 'InPublicNotice', expected: 'admitted to incubation' });
    });

    it('takes no report from a disqualified enterprise, nor records one overdue', () => {
      const disqualified = run([disqualify('2024-09-01T02:00:00.000Z')], incubating());
      given(enterpriseDecider, disqualified)
        .when(report(2024, T.report2024))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'SubmitAnnualReport', status: 'Disqualified', expected: 'admitted to incubation' });
      given(enterpriseDecider, disqualified).when(cmd('RecordAnnualReportOverdue', { year: 2024 }, office, '2025-02-01T00:00:00.000Z')).then([]);
    });

    it('records a report overdue from the first instant of 1 February Beijing time', () => {
      const overdueAt = (now: string) => cmd('RecordAnnualReportOverdue', { year: 2024 }, office, now);
      given(enterpriseDecider, incubating())
        .when(overdueAt('2025-01-31T16:00:00.000Z'))
        .then([{ type: 'AnnualReportOverdue', data: { year: 2024, due: '2025-01-31', recordedAt: '2025-01-31T16:00:00.000Z', rulesVersion: 'enterprise-2019.1' } }]);
      given(enterpriseDecider, incubating()).when(overdueAt('2025-01-31T15:59:59.999Z')).thenThrows('not-yet-due', 'illegal-state', { due: '2025-01-31' });
      given(enterpriseDecider, incubating())
        .when(cmd('RecordAnnualReportOverdue', { year: 2025 }, office, '2025-06-01T00:00:00.000Z'))
        .thenThrows('invalid-report-year', 'validation', { first: 2024, last: 2024 });
    });

    it('records a missed report once, and still accepts it late', () => {
      const overdue = cmd('RecordAnnualReportOverdue', { year: 2024 }, office, '2025-02-01T00:00:00.000Z');
      given(enterpriseDecider, incubating()).when(cmd('RecordAnnualReportOverdue', { year: 2024 }, office, '2025-01-31T12:00:00.000Z')).thenThrows('not-yet-due');
      const events = given(enterpriseDecider, incubating())
        .when(overdue)
        .then([{ type: 'AnnualReportOverdue', data: { year: 2024, due: '2025-01-31', recordedAt: '2025-02-01T00:00:00.000Z', rulesVersion: 'enterprise-2019.1' } }]);
      given(enterpriseDecider, [...incubating(), ...events]).when(overdue).then([]);
      const late = given(enterpriseDecider, [...incubating(), ...events]).when(report(2024, '2025-03-01T02:00:00.000Z')).then([expect.anything() as never]);
      expect(late[0]).toMatchObject({ data: { late: true } });
      expect(stateOf([...incubating(), ...events, ...late]).incubation?.annualReports).toEqual([{ year: 2024, status: 'submitted' }]);
      given(enterpriseDecider, run([report(2024, T.report2024)], incubating())).when(overdue).then([]);
    });
  });

  describe('ReportMaterialChange', () => {
    it('records a rename and a relocation, which moves the enterprise to the new city recommender', () => {
      const rename = cmd('ReportMaterialChange', { kind: 'rename', details: '更名', newName: '太原重工集团' }, applicant, T.recommend);
      const [renamed] = given(enterpriseDecider, submitted())
        .when(rename)
        .then([{ type: 'MaterialChangeReported', data: { kind: 'rename', details: '更名', documents: [], reportedAt: T.recommend, newName: '太原重工集团' } }]);
      expect(stateOf([...submitted(), renamed]).name).toBe('太原重工集团');

      const relocate = cmd('ReportMaterialChange', { kind: 'relocation', details: '迁址', newRegion: 'datong', documents: [doc(10)] }, applicant, T.recommend);
      const [moved] = given(enterpriseDecider, submitted())
        .when(relocate)
        .then([{ type: 'MaterialChangeReported', data: { kind: 'relocation', details: '迁址', documents: [doc(10)], reportedAt: T.recommend, newRegion: 'datong' } }]);
      given(enterpriseDecider, [...submitted(), moved]).when(recommend()).thenThrows('not-own-region');
      given(enterpriseDecider, [...submitted(), moved]).when(cmd('Recommend', { opinion: 'ok' }, foreignRecommender, T.recommend)).then([expect.anything() as never]);
    });

    it('records mergers and business changes of a certified enterprise, which keep its name and city', () => {
      const [merged] = given(enterpriseDecider, certified())
        .when(cmd('ReportMaterialChange', { kind: 'merger', details: '吸收合并' }, applicant, '2025-08-01T02:00:00.000Z'))
        .then([{ type: 'MaterialChangeReported', data: { kind: 'merger', details: '吸收合并', documents: [], reportedAt: '2025-08-01T02:00:00.000Z' } }]);
      expect(stateOf([...certified(), merged])).toMatchObject({ name: applicationData.name, region: 'taiyuan' });
      expect(Object.keys(merged.data)).toEqual(['kind', 'details', 'documents', 'reportedAt']);
    });

    it('records a new name or city reported with a change of another kind, and checks it', () => {
      const now = '2025-08-01T02:00:00.000Z';
      const change = (data: object) => cmd('ReportMaterialChange', { kind: 'business-change', details: '变更', ...data }, applicant, now);
      const [changed] = given(enterpriseDecider, certified())
        .when(change({ newName: '太原重工集团', newRegion: 'datong' }))
        .then([
          {
            type: 'MaterialChangeReported',
            data: { kind: 'business-change', details: '变更', documents: [], reportedAt: now, newName: '太原重工集团', newRegion: 'datong' },
          },
        ]);
      expect(stateOf([...certified(), changed])).toMatchObject({ name: '太原重工集团', region: 'datong' });
      given(enterpriseDecider, certified()).when(change({ newName: ' ' })).thenThrows('new-name-required', 'validation');
      given(enterpriseDecider, certified()).when(change({ newRegion: '' })).thenThrows('new-region-required', 'validation');
    });

    it('refuses a rename without a name, no details, other enterprises and closed rounds', () => {
      given(enterpriseDecider, incubating()).when(cmd('ReportMaterialChange', { kind: 'rename', details: 'x' }, applicant, T.plan)).thenThrows('new-name-required');
      given(enterpriseDecider, incubating()).when(cmd('ReportMaterialChange', { kind: 'relocation', details: 'x' }, applicant, T.plan)).thenThrows('new-region-required');
      given(enterpriseDecider, incubating()).when(cmd('ReportMaterialChange', { kind: 'merger', details: '' }, applicant, T.plan)).thenThrows('details-required');
      given(enterpriseDecider, incubating()).when(cmd('ReportMaterialChange', { kind: 'merger', details: 'x' }, otherApplicant, T.plan)).thenThrows('not-own-organisation');
      const notAdmitted = run([cmd('NotRecommend', { reason: 'r' }, recommender, T.recommend)], submitted());
      given(enterpriseDecider, notAdmitted)
        .when(cmd('ReportMaterialChange', { kind: 'merger', details: 'x' }, applicant, T.plan))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'ReportMaterialChange', status: 'NotAdmitted', expected: 'an application in progress or admitted' });
      const disqualified = run([disqualify(T.plan)], incubating());
      given(enterpriseDecider, disqualified)
        .when(cmd('ReportMaterialChange', { kind: 'merger', details: 'x' }, applicant, T.plan))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'ReportMaterialChange', status: 'Disqualified', expected: 'an application in progress or admitted' });
    });
  });

  describe('minimum incubation', () => {
    const EARLIEST = '2025-04-15T02:00:00.000Z';
    const reached = (now = EARLIEST, actor: Actor = office) => cmd('RecordMinimumIncubationReached', {}, actor, now);

    it('records the end of the minimum incubation from the earliest certification instant on', () => {
      const events = given(enterpriseDecider, withPlan())
        .when(reached())
        .then([{ type: 'MinimumIncubationReached', data: { earliestCertificationAt: EARLIEST, recordedAt: EARLIEST, rulesVersion: 'enterprise-2019.1' } }]);
      const state = stateOf([...withPlan(), ...events]);
      expect(state.status).toBe('InIncubation');
      expect(state.incubation).toMatchObject({ earliestCertificationAt: EARLIEST, minimumIncubationReached: true });
      // Certification may be requested from then on, as before.
      given(enterpriseDecider, [...withPlan(), ...events]).when(requestCertification(EARLIEST)).then([expect.objectContaining({ type: 'CertificationRequested' }) as never]);
      // Whether or not the three-year plan is in.
      given(enterpriseDecider, incubating()).when(reached('2025-05-01T00:00:00.000Z')).then([expect.objectContaining({ type: 'MinimumIncubationReached' }) as never]);
    });

    it('is not due a moment before, and is refused to others than the office', () => {
      given(enterpriseDecider, withPlan()).when(reached('2025-04-15T01:59:59.999Z')).thenThrows('not-yet-due', 'illegal-state', { earliestCertificationAt: EARLIEST });
      given(enterpriseDecider, withPlan()).when(reached(EARLIEST, applicant)).thenThrows('role-not-allowed', 'forbidden');
      given(enterpriseDecider, jointlyReviewed())
        .when(reached())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RecordMinimumIncubationReached', status: 'JointlyReviewed', expected: 'admitted to incubation' });
    });

    it('is idempotent: nothing once recorded, once certification was requested, or once disqualified', () => {
      given(enterpriseDecider, run([reached()], withPlan())).when(reached('2025-04-16T02:00:00.000Z')).then([]);
      given(enterpriseDecider, certificationRequested()).when(reached(T.evaluate)).then([]);
      given(enterpriseDecider, certified()).when(reached('2025-07-01T02:00:00.000Z')).then([]);
      given(enterpriseDecider, run([disqualify('2024-09-01T02:00:00.000Z')], incubating())).when(reached()).then([]);
    });
  });

  describe('certification', () => {
    it('refuses a request before the minimum incubation period, and without a plan', () => {
      given(enterpriseDecider, withPlan())
        .when(requestCertification('2025-04-15T01:59:59.999Z'))
        .thenThrows('incubation-too-short', 'illegal-state', { earliestCertificationAt: '2025-04-15T02:00:00.000Z' });
      given(enterpriseDecider, incubating()).when(requestCertification()).thenThrows('three-year-plan-missing', 'illegal-state');
      given(enterpriseDecider, certificationRequested())
        .when(requestCertification(T.evaluate))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RequestCertification', status: 'CertificationRequested', expected: 'InIncubation' });
      given(enterpriseDecider, withPlan()).when(cmd('RequestCertification', { documents: [] }, applicant, T.request)).thenThrows('documents-required');
      given(enterpriseDecider, withPlan()).when(cmd('RequestCertification', { documents: [doc(4)] }, otherApplicant, T.request)).thenThrows('not-own-organisation');
    });

    it('records a request, the evaluation, the notice and the certificate', () => {
      given(enterpriseDecider, withPlan())
        .when(requestCertification('2025-04-15T02:00:00.000Z'))
        .then([{ type: 'CertificationRequested', data: { kind: 'initial', documents: [doc(4, '认证申请.pdf')], requestedAt: '2025-04-15T02:00:00.000Z', rulesVersion: 'enterprise-2019.1' } }]);
      given(enterpriseDecider, certificationRequested())
        .when(evaluate())
        .then([{ type: 'CertificationEvaluationPassed', data: { kind: 'initial', assessment, reasons: [], rulesVersion: 'enterprise-2019.1' } }]);
      given(enterpriseDecider, certificationEvaluated())
        .when(openCertNotice())
        .then([
          {
            type: 'PublicNoticeOpened',
            data: {
              stage: 'certification',
              noticeNo: 2,
              startsAt: '2025-06-03T00:00:00+08:00',
              endsAt: '2025-06-10T00:00:00+08:00',
              length: 5,
              unit: 'working-days',
              calendarVersion: testCalendar.version,
              notice: null,
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
      const [event] = given(enterpriseDecider, inCertificationNotice())
        .when(certify())
        .then([
          {
            type: 'EnterpriseCertified',
            data: {
              certificateNo: 1,
              kind: 'initial',
              certifiedAt: T.certify,
              validUntil: '2028-06-10T02:00:00.000Z',
              validityYears: 3,
              renewalOf: null,
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
      expect(stateOf([...inCertificationNotice(), event])).toMatchObject({
        status: 'Certified',
        certification: null,
        certificates: [{ certificateNo: 1, validUntil: '2028-06-10T02:00:00.000Z', ended: null }],
      });
    });

    it('returns a failed evaluation to incubation, from where the enterprise may request again', () => {
      const [failed] = given(enterpriseDecider, certificationRequested())
        .when(evaluate(T.evaluate, 'failed'))
        .then([{ type: 'CertificationEvaluationFailed', data: { kind: 'initial', assessment, reasons: ['投入不足'], rulesVersion: 'enterprise-2019.1' } }]);
      const history = [...certificationRequested(), failed];
      expect(stateOf(history)).toMatchObject({ status: 'InIncubation', certification: null });
      given(enterpriseDecider, history).when(requestCertification('2025-09-01T02:00:00.000Z')).then([expect.anything() as never]);
    });

    it('refuses to evaluate, open the notice or certify out of order or by other roles', () => {
      given(enterpriseDecider, withPlan())
        .when(evaluate())
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RecordCertificationEvaluation', status: 'InIncubation', expected: 'CertificationRequested' });
      given(enterpriseDecider, certificationRequested())
        .when(cmd('RecordCertificationEvaluation', { outcome: 'passed', assessment: { opinion: '', documents: [doc(2)] }, reasons: [] }, office, T.evaluate))
        .thenThrows('assessment-required', 'validation');
      given(enterpriseDecider, certificationRequested()).when(cmd('RecordCertificationEvaluation', { outcome: 'failed', assessment, reasons: [] }, office, T.evaluate)).thenThrows('reasons-required');
      given(enterpriseDecider, certificationRequested()).when(openCertNotice()).thenThrows('invalid-transition');
      given(enterpriseDecider, certificationEvaluated()).when(certify()).thenThrows('invalid-transition');
      given(enterpriseDecider, inAdmissionNotice())
        .when(certify(T.admit))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'Certify', status: 'InPublicNotice', expected: 'InPublicNotice (certification)' });
      given(enterpriseDecider, inCertificationNotice()).when(certify('2025-06-05T02:00:00.000Z')).thenThrows('notice-not-ended');
      given(enterpriseDecider, inCertificationNotice()).when(cmd('Certify', {}, reviewer, T.certify)).thenThrows('role-not-allowed');
    });

    it('refuses the certificate while an objection is open, and upholding it returns the enterprise to incubation', () => {
      const history = run(
        [cmd('FileObjection', { objectionId: 'c-1', objector: { name: '李四', contact: 'li@example.cn' }, grounds: '虚报投入', evidence: [doc(11)] }, reviewer, '2025-06-03T02:00:00.000Z')],
        inCertificationNotice(),
      );
      given(enterpriseDecider, history).when(certify()).thenThrows('objection-open');
      const events = given(enterpriseDecider, history)
        .when(cmd('ResolveObjection', { objectionId: 'c-1', outcome: 'upheld', reason: '查实' }, office, T.certify))
        .then([
          { type: 'ObjectionUpheld', data: { objectionId: 'c-1', reason: '查实', evidence: [], rulesVersion: 'enterprise-2019.1' } },
          { type: 'CertificationRefusedAfterObjection', data: { kind: 'initial', objectionId: 'c-1', reason: '查实', rulesVersion: 'enterprise-2019.1' } },
        ]);
      expect(stateOf([...history, ...events])).toMatchObject({ status: 'InIncubation', notice: null, certification: null });
    });
  });

  describe('certificate expiry and re-certification', () => {
    const expire = (now: string) => cmd('RecordCertificateExpired', {}, office, now);
    const recertify = (now: string) => cmd('RequestRecertification', { documents: [doc(12, '复核申请.pdf')] }, applicant, now);

    it('records the expiry once the certificate has run out, once', () => {
      given(enterpriseDecider, certified()).when(expire('2028-06-10T01:59:59.999Z')).thenThrows('certificate-not-expired', 'illegal-state', { validUntil: '2028-06-10T02:00:00.000Z' });
      const events = given(enterpriseDecider, certified())
        .when(expire('2028-06-10T02:00:00.000Z'))
        .then([{ type: 'CertificateExpired', data: { certificateNo: 1, validUntil: '2028-06-10T02:00:00.000Z', recordedAt: '2028-06-10T02:00:00.000Z' } }]);
      expect(stateOf([...certified(), ...events]).status).toBe('CertificateExpired');
      given(enterpriseDecider, [...certified(), ...events]).when(expire('2028-06-11T00:00:00.000Z')).then([]);
      given(enterpriseDecider, incubating()).when(expire('2028-06-11T00:00:00.000Z')).thenThrows('no-certificate', 'illegal-state');
    });

    it('records the renewal as such through its evaluation, and a failed renewal as a renewal', () => {
      const renewing = run([recertify('2028-03-01T02:00:00.000Z')], certified());
      given(enterpriseDecider, renewing)
        .when(evaluate('2028-04-01T02:00:00.000Z'))
        .then([{ type: 'CertificationEvaluationPassed', data: { kind: 'renewal', assessment, reasons: [], rulesVersion: 'enterprise-2019.1' } }]);
      given(enterpriseDecider, renewing)
        .when(evaluate('2028-04-01T02:00:00.000Z', 'failed'))
        .then([{ type: 'CertificationEvaluationFailed', data: { kind: 'renewal', assessment, reasons: ['投入不足'], rulesVersion: 'enterprise-2019.1' } }]);
    });

    it('upholding an objection to a renewal refuses the renewal and leaves the certificate in force', () => {
      const inRenewalNotice = run(
        [
          recertify('2028-03-01T02:00:00.000Z'),
          evaluate('2028-04-01T02:00:00.000Z'),
          openCertNotice('2028-04-10T01:00:00.000Z'),
          cmd('FileObjection', { objectionId: 'r-1', objector: { name: '李四', contact: '139' }, grounds: '虚报', evidence: [doc(11)] }, reviewer, '2028-04-11T02:00:00.000Z'),
        ],
        certified(),
      );
      const events = given(enterpriseDecider, inRenewalNotice)
        .when(cmd('ResolveObjection', { objectionId: 'r-1', outcome: 'upheld', reason: '查实' }, office, '2028-04-20T02:00:00.000Z'))
        .then([
          { type: 'ObjectionUpheld', data: { objectionId: 'r-1', reason: '查实', evidence: [], rulesVersion: 'enterprise-2019.1' } },
          { type: 'CertificationRefusedAfterObjection', data: { kind: 'renewal', objectionId: 'r-1', reason: '查实', rulesVersion: 'enterprise-2019.1' } },
        ]);
      expect(stateOf([...inRenewalNotice, ...events])).toMatchObject({ status: 'Certified', notice: null, certification: null, certificates: [{ certificateNo: 1, ended: null }] });
    });

    it('re-certifies before expiry, superseding the certificate and keeping its history', () => {
      const history = run(
        [
          recertify('2028-03-01T02:00:00.000Z'),
          evaluate('2028-04-01T02:00:00.000Z'),
          openCertNotice('2028-04-10T01:00:00.000Z'),
        ],
        certified(),
      );
      expect(history[history.length - 3]).toMatchObject({ type: 'CertificationRequested', data: { kind: 'renewal' } });
      const [event] = given(enterpriseDecider, history)
        .when(certify('2028-04-20T02:00:00.000Z'))
        .then([
          {
            type: 'EnterpriseCertified',
            data: {
              certificateNo: 2,
              kind: 'renewal',
              certifiedAt: '2028-04-20T02:00:00.000Z',
              validUntil: '2031-04-20T02:00:00.000Z',
              validityYears: 3,
              renewalOf: 1,
              rulesVersion: 'enterprise-2019.1',
            },
          },
        ]);
      expect(stateOf([...history, event]).certificates).toEqual([
        { certificateNo: 1, certifiedAt: T.certify, validUntil: '2028-06-10T02:00:00.000Z', ended: { reason: 'superseded', at: '2028-04-20T02:00:00.000Z' } },
        { certificateNo: 2, certifiedAt: '2028-04-20T02:00:00.000Z', validUntil: '2031-04-20T02:00:00.000Z', ended: null },
      ]);
    });

    it('re-certifies after expiry', () => {
      const expired = run([expire('2028-06-11T00:00:00.000Z')], certified());
      const history = run(
        [
          recertify('2028-07-01T02:00:00.000Z'),
          evaluate('2028-08-01T02:00:00.000Z'),
          openCertNotice('2028-08-07T01:00:00.000Z'),
          certify('2028-08-15T02:00:00.000Z'),
        ],
        expired,
      );
      const state = stateOf(history);
      expect(state.status).toBe('Certified');
      expect(state.certificates.map((c) => c.ended?.reason ?? 'in force')).toEqual(['expired', 'in force']);
    });

    it('leaves a valid certificate in force when a renewal fails, and an expired one expired', () => {
      const renewing = run([recertify('2028-03-01T02:00:00.000Z')], certified());
      const failed = run([evaluate('2028-04-01T02:00:00.000Z', 'failed')], renewing);
      expect(stateOf(failed)).toMatchObject({ status: 'Certified', certification: null });
      const expiredWhileRenewing = run([expire('2028-06-10T02:00:00.000Z')], renewing);
      expect(stateOf(expiredWhileRenewing).status).toBe('CertificationRequested');
      expect(stateOf(run([evaluate('2028-07-01T02:00:00.000Z', 'failed')], expiredWhileRenewing)).status).toBe('CertificateExpired');
    });

    it('refuses re-certification of an enterprise not certified, and of another enterprise', () => {
      given(enterpriseDecider, withPlan())
        .when(recertify(T.request))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'RequestRecertification', status: 'InIncubation', expected: 'Certified | CertificateExpired' });
      given(enterpriseDecider, certified()).when(cmd('RequestRecertification', { documents: [doc(12)] }, otherApplicant, '2028-01-01T00:00:00.000Z')).thenThrows('not-own-organisation');
      given(enterpriseDecider, run([recertify('2028-03-01T02:00:00.000Z')], certified())).when(recertify('2028-03-02T02:00:00.000Z')).thenThrows('invalid-transition');
    });
  });

  describe('Disqualify', () => {
    const evidence = [doc(9, '调查报告.pdf')];

    it.each(DISQUALIFICATION_GROUNDS.map((ground, i) => [ground, [submitted, jointlyReviewed, incubating, certified][i]] as const))(
      'disqualifies on the ground %s, banning a new application for 5 years',
      (ground, history) => {
        const now = '2025-09-01T02:00:00.000Z';
        const before = history();
        const wasCertified = stateOf(before).status === 'Certified';
        const [event] = given(enterpriseDecider, before)
          .when(cmd('Disqualify', { ground, reason: `理由: ${ground}`, evidence }, office, now))
          .then([
            {
              type: 'EnterpriseDisqualified',
              data: {
                ground,
                reason: `理由: ${ground}`,
                evidence,
                disqualifiedAt: now,
                bannedUntil: '2030-09-01T02:00:00.000Z',
                banYears: 5,
                revokedCertificateNo: wasCertified ? 1 : null,
                rulesVersion: 'enterprise-2019.1',
              },
            },
          ]);
        const after = [...before, event];
        const state = stateOf(after);
        expect(state).toMatchObject({ status: 'Disqualified', disqualification: { ground, bannedUntil: '2030-09-01T02:00:00.000Z' } });
        expect(state.certificates.every((c) => c.ended !== null)).toBe(true);
        if (wasCertified) expect(state.certificates[0].ended).toEqual({ reason: 'revoked', at: now });

        given(enterpriseDecider, after).when(apply('2030-09-01T01:59:59.000Z')).thenThrows('applicant-banned');
        const [reapplied] = given(enterpriseDecider, after)
          .when(apply('2030-09-01T02:00:00.000Z'))
          .then([expect.objectContaining({ type: 'IncubationApplicationSubmitted' }) as never]);
        expect(reapplied.data).toMatchObject({ applicationNo: 2 });
        expect(stateOf([...after, reapplied])).toMatchObject({ status: 'Submitted', incubation: null });
      },
    );

    it('revokes nothing when the certificate has already expired, which stays on record as expired', () => {
      const expired = run([cmd('RecordCertificateExpired', {}, office, '2028-06-10T02:00:00.000Z')], certified());
      const now = '2028-07-01T02:00:00.000Z';
      const [event] = given(enterpriseDecider, expired).when(disqualify(now)).then([expect.objectContaining({ type: 'EnterpriseDisqualified' }) as never]);
      expect(event.data).toMatchObject({ revokedCertificateNo: null });
      expect(stateOf([...expired, event]).certificates[0].ended).toEqual({ reason: 'expired', at: '2028-06-10T02:00:00.000Z' });
    });

    it('disqualifies from every non-terminal state', () => {
      for (const history of [recommended, inAdmissionNotice, withPlan, certificationRequested, certificationEvaluated, inCertificationNotice]) {
        given(enterpriseDecider, history()).when(disqualify('2025-09-01T02:00:00.000Z', 'major-accident')).then([expect.anything() as never]);
      }
    });

    it('refuses without evidence or a reason, in terminal states, and to others than the office', () => {
      given(enterpriseDecider, incubating()).when(cmd('Disqualify', { ground: 'fraud', reason: 'r', evidence: [] }, office, T.plan)).thenThrows('evidence-required');
      given(enterpriseDecider, incubating()).when(cmd('Disqualify', { ground: 'fraud', reason: '', evidence }, office, T.plan)).thenThrows('reason-required');
      given(enterpriseDecider, run([disqualify(T.plan)], incubating()))
        .when(disqualify(T.plan))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'Disqualify', status: 'Disqualified', expected: 'a non-terminal state' });
      const notAdmitted = run([cmd('NotRecommend', { reason: 'r' }, recommender, T.recommend)], submitted());
      given(enterpriseDecider, notAdmitted)
        .when(disqualify(T.plan))
        .thenThrows('invalid-transition', 'illegal-state', { command: 'Disqualify', status: 'NotAdmitted', expected: 'a non-terminal state' });
      given(enterpriseDecider, []).when(disqualify(T.plan)).thenThrows('enterprise-not-found');
      given(enterpriseDecider, incubating()).when(cmd('Disqualify', { ground: 'fraud', reason: 'r', evidence }, recommender, T.plan)).thenThrows('role-not-allowed');
    });
  });

  it('walks from application through incubation to certification and re-certification', () => {
    const history = run([
      apply(),
      recommend(),
      jointReview(),
      openNotice(),
      admit(),
      publishPlan(),
      cmd('SubmitAnnualReport', { year: 2024, report: doc(8) }, applicant, T.report2024),
      requestCertification(),
      evaluate(),
      openCertNotice(),
      certify(),
      cmd('SubmitAnnualReport', { year: 2025, report: doc(8) }, applicant, '2026-01-10T02:00:00.000Z'),
      cmd('RecordCertificateExpired', {}, office, '2028-06-10T02:00:00.000Z'),
      cmd('RequestRecertification', { documents: [doc(12)] }, applicant, '2028-06-20T02:00:00.000Z'),
      evaluate('2028-07-20T02:00:00.000Z'),
      openCertNotice('2028-08-01T01:00:00.000Z'),
      certify('2028-08-10T02:00:00.000Z'),
    ]);
    expect(history.map((e) => e.type)).toEqual([
      'IncubationApplicationSubmitted',
      'IncubationApplicationRecommended',
      'JointReviewPassed',
      'PublicNoticeOpened',
      'AdmittedToIncubation',
      'ThreeYearPlanPublished',
      'AnnualReportSubmitted',
      'CertificationRequested',
      'CertificationEvaluationPassed',
      'PublicNoticeOpened',
      'EnterpriseCertified',
      'AnnualReportSubmitted',
      'CertificateExpired',
      'CertificationRequested',
      'CertificationEvaluationPassed',
      'PublicNoticeOpened',
      'EnterpriseCertified',
    ]);
    const state = stateOf(history);
    expect(state).toMatchObject({ status: 'Certified', noticeCount: 3 });
    expect(state.certificates).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(history))).toEqual(history);
  });

  it('records a deadline reminder from the office, and none once the deadline has come', () => {
    const reminder = { obligation: 'certificate 1', dueAt: '2028-06-10T02:00:00.000Z', dueOn: '2028-06-09' };
    given(enterpriseDecider, certified())
      .when(cmd('RemindDeadline', reminder, office, '2028-05-10T02:00:00.000Z'))
      .then([{ type: 'DeadlineReminded', data: { ...reminder, daysLeft: 31, remindedAt: '2028-05-10T02:00:00.000Z' } }]);
    given(enterpriseDecider, certified()).when(cmd('RemindDeadline', reminder, office, reminder.dueAt)).then([]);
  });

  describe('evolve, on events out of their order', () => {
    const never: EnterpriseEvent[] = [
      { type: 'ThreeYearPlanPublished', data: { plan: doc(3), publishedAt: T.plan, due: T.plan, late: false } },
      { type: 'ThreeYearPlanOverdue', data: { due: T.plan, recordedAt: T.plan } },
      { type: 'MinimumIncubationReached', data: { earliestCertificationAt: T.request, recordedAt: T.request, rulesVersion: 'v' } },
      { type: 'AnnualReportSubmitted', data: { year: 2024, report: doc(8), submittedAt: T.report2024, due: '2025-01-31', late: false, rulesVersion: 'v' } },
      { type: 'AnnualReportOverdue', data: { year: 2024, due: '2025-01-31', recordedAt: T.report2024, rulesVersion: 'v' } },
    ];

    it.each(never.map((event) => [event.type, event] as const))('leaves an enterprise never admitted as it was on %s', (_, event) => {
      const state = stateOf(submitted());
      expect(enterpriseDecider.evolve(state, event)).toBe(state);
    });

    it.each([
      ['an incubating enterprise incubating', incubating, 'InIncubation'],
      ['a certified enterprise certified', certified, 'Certified'],
      ['an enterprise whose certificate ran out with it expired', () => run([cmd('RecordCertificateExpired', {}, office, '2028-06-10T02:00:00.000Z')], certified()), 'CertificateExpired'],
    ] as const)('takes a refused certification with no request on record to leave %s', (_, history, status) => {
      const refusal: EnterpriseEvent = { type: 'CertificationEvaluationFailed', data: { kind: 'initial', assessment, reasons: ['r'], rulesVersion: 'v' } };
      expect(enterpriseDecider.evolve(stateOf(history()), refusal).status).toBe(status);
    });

    it('expires only the certificate it names, and only while that one is in force', () => {
      const renewed = run(
        [
          cmd('RequestRecertification', { documents: [doc(12)] }, applicant, '2028-03-01T02:00:00.000Z'),
          evaluate('2028-04-01T02:00:00.000Z'),
          openCertNotice('2028-04-10T01:00:00.000Z'),
          certify('2028-04-20T02:00:00.000Z'),
        ],
        certified(),
      );
      const state = stateOf(renewed);
      const expiry = (certificateNo: number): EnterpriseEvent => ({ type: 'CertificateExpired', data: { certificateNo, validUntil: '2028-06-10T02:00:00.000Z', recordedAt: '2028-06-10T02:00:00.000Z' } });
      expect(enterpriseDecider.evolve(state, expiry(1)).certificates).toEqual(state.certificates);
      expect(enterpriseDecider.evolve(state, expiry(3)).certificates).toEqual(state.certificates);
    });
  });

  it('never throws in evolve, whatever the order of events', () => {
    const history = certified();
    const shuffled = [...history].reverse();
    expect(() => fold(enterpriseDecider, shuffled)).not.toThrow();
    expect(() => fold(enterpriseDecider, [{ type: 'Unknown', data: {} } as never, ...history])).not.toThrow();
  });

  // -------------------------------------------------------------------------------------------
  describe('generated command sequences', () => {
    /** mulberry32: a small deterministic PRNG, so a failing seed can be replayed. */
    function prng(seed: number) {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    const TYPES = Object.keys(ENTERPRISE_COMMANDS) as EnterpriseCommandType[];
    const DAY = 24 * 60 * 60 * 1000;
    const NEXT: Record<EnterpriseState['status'], readonly EnterpriseCommandType[]> = {
      None: ['ApplyForIncubation'],
      Submitted: ['Recommend', 'Recommend', 'Recommend', 'NotRecommend'],
      Recommended: ['RecordJointReview'],
      JointlyReviewed: ['OpenPublicNotice'],
      InPublicNotice: ['FileObjection', 'ResolveObjection', 'AdmitToIncubation', 'Certify'],
      InIncubation: ['PublishThreeYearPlan', 'RequestCertification', 'SubmitAnnualReport', 'RecordThreeYearPlanOverdue', 'RecordMinimumIncubationReached'],
      CertificationRequested: ['RecordCertificationEvaluation'],
      CertificationEvaluated: ['OpenCertificationNotice'],
      Certified: ['RecordCertificateExpired', 'SubmitAnnualReport', 'RecordAnnualReportOverdue'],
      CertificateExpired: ['RequestRecertification'],
      NotAdmitted: ['ApplyForIncubation'],
      Disqualified: ['ApplyForIncubation'],
    };

    function assertValid(state: EnterpriseState): void {
      const s = state;
      const problem = (what: string) => {
        throw new Error(`invalid state (${what}): ${JSON.stringify(s)}`);
      };
      if ((s.status === 'None') !== (s.enterpriseId === null)) problem('enterprise id');
      if (s.status !== 'None' && (s.name === null || s.creditCode === null || s.region === null || s.applicationNo < 1)) problem('identity');
      if ((s.status === 'InPublicNotice') !== (s.notice !== null)) problem('notice');
      const incubating = ['InIncubation', 'CertificationRequested', 'CertificationEvaluated', 'Certified', 'CertificateExpired'].includes(s.status);
      if (incubating && s.incubation === null) problem('incubation');
      if (s.notice?.stage === 'admission' && s.incubation !== null) problem('admission notice while incubating');
      if (s.notice?.stage === 'certification' && (s.incubation === null || s.certification === null)) problem('certification notice');
      const requesting = ['CertificationRequested', 'CertificationEvaluated'].includes(s.status) || s.notice?.stage === 'certification';
      if (requesting !== (s.certification !== null)) problem('certification request');
      const inForce = s.certificates.filter((c) => c.ended === null);
      if (inForce.length > 1) problem('two certificates in force');
      if (inForce.length === 1 && inForce[0] !== s.certificates[s.certificates.length - 1]) problem('older certificate in force');
      if (!s.certificates.every((c, i) => c.certificateNo === i + 1 && c.validUntil > c.certifiedAt)) problem('certificate numbering');
      if (s.status === 'Certified' && inForce.length !== 1) problem('certified without certificate');
      if (s.status === 'CertificateExpired' && (inForce.length !== 0 || s.certificates.length === 0)) problem('expired');
      if (s.certification?.kind === 'renewal' && s.certificates.length === 0) problem('renewal without certificate');
      if (s.status === 'Disqualified' && (s.disqualification === null || inForce.length > 0)) problem('disqualified');
      if (s.status === 'NotAdmitted' && s.notAdmittedAt === null) problem('not admitted without stage');
      if (new Set(s.objections.map((o) => o.objectionId)).size !== s.objections.length) problem('objection ids');
      if (s.objections.some((o) => o.noticeNo < 1 || o.noticeNo > s.noticeCount)) problem('objection notice');
      const years = s.incubation?.annualReports.map((r) => r.year) ?? [];
      if (new Set(years).size !== years.length) problem('annual report years');
    }

    function randomCommand(random: () => number, state: EnterpriseState, now: string): EnterpriseCommand {
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      // Half the time, a command that fits the state, so sequences get deep enough to certify and expire.
      // Disqualification is kept rare, or few sequences would live long enough to see a certificate expire.
      let type = random() < 0.5 ? pick(NEXT[state.status]) : pick(TYPES);
      if (type === 'Disqualify' && random() < 0.7) type = pick(NEXT[state.status]);
      const role: Role = random() < 0.9 ? pick(ENTERPRISE_COMMANDS[type]) : pick(ROLES);
      const actor: Actor = {
        id: `u-${role}`,
        role,
        org: random() < 0.92 ? ENT : 'ent-2',
        region: role === 'office' ? undefined : random() < 0.92 ? state.region ?? 'taiyuan' : 'datong',
      } as Actor;
      const ok = random() < 0.9;
      const docs = ok ? [doc(1 + Math.floor(random() * 20))] : [];
      const objectionIds = state.objections.map((o) => o.objectionId);
      const year = Number(now.slice(0, 4)) - 1 - Math.floor(random() * 2);
      const ctx: EnterpriseContext = random() < 0.1 ? { ...context, bans: [{ until: addMonths(now, Math.floor(random() * 24) - 12) }] } : context;
      const data: Record<EnterpriseCommandType, () => unknown> = {
        ApplyForIncubation: () => ({
          ...applicationData,
          declarations: random() < 0.85 ? ALL_TRUE : { ...ALL_TRUE, [pick(Object.keys(ALL_TRUE))]: false },
          documents: docs,
        }),
        Recommend: () => ({ opinion: ok ? '同意' : '' }),
        NotRecommend: () => ({ reason: '不符合' }),
        RecordJointReview: () => ({ outcome: random() < 0.75 ? 'passed' : 'failed', departments: ['省教育厅'], expertAssessment: assessment, reasons: ok ? ['理由'] : [] }),
        OpenPublicNotice: () => ({ startsOn: ok ? chinaDateOf(now) : chinaDateOf(addMonths(now, -1)) }),
        FileObjection: () => ({
          objectionId: random() < 0.8 ? `obj-${Math.floor(random() * 1e6)}` : pick(['obj-dup', ...objectionIds]),
          objector: ok ? { name: '王五', contact: '139' } : { name: '', contact: '' },
          grounds: '异议',
          evidence: docs,
        }),
        ResolveObjection: () => ({ objectionId: pick(['missing', ...objectionIds]), outcome: random() < 0.7 ? 'dismissed' : 'upheld', reason: '核查' }),
        AdmitToIncubation: () => ({}),
        PublishThreeYearPlan: () => ({ plan: doc(3) }),
        RecordThreeYearPlanOverdue: () => ({}),
        RemindDeadline: () => ({ obligation: 'three-year-plan', dueOn: chinaDateOf(addMonths(now, 1)), dueAt: addMonths(now, ok ? 1 : -1) }),
        RecordMinimumIncubationReached: () => ({}),
        SubmitAnnualReport: () => ({ year, report: doc(8) }),
        RecordAnnualReportOverdue: () => ({ year }),
        ReportMaterialChange: () => pick([
          { kind: 'rename', details: '更名', newName: '新名称' },
          { kind: 'relocation', details: '迁址', newRegion: pick(['taiyuan', 'datong']) },
          { kind: 'merger', details: '合并' },
          { kind: 'business-change', details: ok ? '变更' : '' },
        ]),
        RequestCertification: () => ({ documents: docs }),
        RecordCertificationEvaluation: () => ({ outcome: random() < 0.75 ? 'passed' : 'failed', assessment, reasons: ['理由'] }),
        OpenCertificationNotice: () => ({ startsOn: chinaDateOf(now) }),
        Certify: () => ({}),
        RequestRecertification: () => ({ documents: docs }),
        RecordCertificateExpired: () => ({}),
        Disqualify: () => ({ ground: pick(DISQUALIFICATION_GROUNDS), reason: '查实', evidence: docs }),
      };
      return { type, data: data[type](), actor, now, context: ctx } as EnterpriseCommand;
    }

    it('folds every event decide produces, keeps the state valid and enforces the role table', () => {
      const reached = new Set<string>();
      const codes = new Set<string>();
      for (let seed = 1; seed <= 300; seed++) {
        const random = prng(seed);
        let t = Date.parse('2024-01-01T00:00:00.000Z');
        let events: EnterpriseEvent[] = [];
        let state = enterpriseDecider.initialState;
        for (let step = 0; step < 80; step++) {
          t += Math.floor(random() * (random() < 0.7 ? 20 : 200)) * DAY + Math.floor(random() * DAY);
          const command = randomCommand(random, state, new Date(t).toISOString());
          let produced: EnterpriseEvent[];
          try {
            produced = enterpriseDecider.decide(command, state);
          } catch (error) {
            if (!(error instanceof DomainError)) throw new Error(`seed ${seed} step ${step}: ${String(error)}`);
            codes.add(error.code);
            continue;
          }
          if (!ENTERPRISE_COMMANDS[command.type].includes(command.actor.role)) throw new Error(`seed ${seed}: ${command.type} accepted from ${command.actor.role}`);
          for (const event of produced) {
            const path = nonJsonPath(event);
            if (path) throw new Error(`seed ${seed}: ${event.type} is not plain JSON at ${path}`);
            state = enterpriseDecider.evolve(state, event);
            assertValid(state);
            reached.add(state.status);
          }
          events = [...events, ...produced];
        }
        // What a store gives back folds to the very state built step by step.
        expect(fold(enterpriseDecider, JSON.parse(JSON.stringify(events)) as EnterpriseEvent[])).toEqual(state);
      }
      expect([...reached].sort()).toEqual(
        [
          'Submitted',
          'Recommended',
          'JointlyReviewed',
          'InPublicNotice',
          'InIncubation',
          'CertificationRequested',
          'CertificationEvaluated',
          'Certified',
          'CertificateExpired',
          'NotAdmitted',
          'Disqualified',
        ].sort(),
      );
      expect(codes.has('role-not-allowed') && codes.has('invalid-transition') && codes.has('applicant-banned')).toBe(true);
      // The statuses a file is listed by are those it can reach, and the unwritten stream's.
      expect([...ENTERPRISE_STATUSES].sort()).toEqual(['None', ...reached].sort());
    });
  });
});
