import { Clock } from '../../src/application/clock';
import { ENTERPRISE_COMMANDS, EnterpriseCommandType } from '../../src/domain/enterprise/enterprise.commands';
import { ROLES, SignedInRole } from '../../src/domain/messages';
import { Who } from '../support/accounts';
import { client, HttpResult } from '../support/http';
import { RunningApp, startTestApp } from '../support/test-app';

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('产教融合型企业申报材料 '.repeat(40))]);

/** Valid unified social credit codes (GB 32100 check character). */
const TAIZHONG = '91140100MA0GRXXX15';
const BANNED = '91140100MA0K8TQ2A7';
const NEVER_APPLIED = '91140200MA0HC5B3DY';

/** A clock the test moves forward. */
class TestClock implements Clock {
  private current: Date;
  constructor(iso: string) {
    this.current = new Date(iso);
  }
  now(): Date {
    return this.current;
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
}

type DocumentRef = { sha256: string; name: string; size: number; mediaType: string };

describe('enterprise certification over HTTP', () => {
  const clock = new TestClock('2025-03-03T09:00:00+08:00');
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  let doc: DocumentRef;
  const tokens: Record<string, string> = {};

  const CLAIMS: Record<string, Who> = {
    taizhong: { sub: 'tz-1', role: 'applicant', org: TAIZHONG, orgName: '太原重工股份有限公司', region: '太原市', grants: ['enterprise-admin'] },
    banned: { sub: 'bn-1', role: 'applicant', org: BANNED, orgName: '某某科技有限公司', region: '太原市', grants: ['enterprise-admin'] },
    otherEnterprise: { sub: 'ot-1', role: 'applicant', org: NEVER_APPLIED, orgName: '某公司', region: '太原市', grants: ['enterprise-admin'] },
    school: { sub: 'school-admin-1', role: 'applicant', org: '太原职业技术学院', region: '太原市', schoolKind: '高职' },
    recommender: { sub: 'rec-ty', role: 'recommender', org: '太原市发展改革委', region: '太原市' },
    otherRecommender: { sub: 'rec-dt', role: 'recommender', org: '大同市发展改革委', region: '大同市' },
    reviewer: { sub: 'rev-1', role: 'reviewer', org: '专家库' },
    office: { sub: 'office-1', role: 'office', org: '山西省发展改革委' },
    auditor: { sub: 'aud-1', role: 'auditor', org: '省审计厅' },
  };

  const applyBody = (creditCode: string, name: string) => ({
    creditCode,
    name,
    region: '太原市',
    declarations: { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true },
    documents: [doc],
  });
  const jointReview = () => ({ outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: { opinion: '同意', documents: [doc] } });

  /** Every enterprise command's route (under /enterprises/{id}, but for the application) with a valid body. */
  const ROUTES: { path: string; type: EnterpriseCommandType; body: () => object }[] = [
    { path: '', type: 'ApplyForIncubation', body: () => applyBody(TAIZHONG, '太原重工股份有限公司') },
    { path: '/recommend', type: 'Recommend', body: () => ({ opinion: '同意推荐' }) },
    { path: '/not-recommend', type: 'NotRecommend', body: () => ({ reason: '不符合条件' }) },
    { path: '/joint-review', type: 'RecordJointReview', body: jointReview },
    { path: '/open-notice', type: 'OpenPublicNotice', body: () => ({ startsOn: '2099-01-05' }) },
    { path: '/objections', type: 'FileObjection', body: () => ({ objector: { name: '李四', contact: 'lisi@example.com' }, grounds: '材料不实', evidence: [doc] }) },
    { path: '/objections/objection-1/resolve', type: 'ResolveObjection', body: () => ({ outcome: 'upheld', reason: '异议成立' }) },
    { path: '/admit', type: 'AdmitToIncubation', body: () => ({}) },
    { path: '/three-year-plan', type: 'PublishThreeYearPlan', body: () => ({ plan: doc }) },
    { path: '/three-year-plan-overdue', type: 'RecordThreeYearPlanOverdue', body: () => ({}) },
    { path: '/minimum-incubation-reached', type: 'RecordMinimumIncubationReached', body: () => ({}) },
    { path: '/annual-reports', type: 'SubmitAnnualReport', body: () => ({ year: 2026, report: doc }) },
    { path: '/annual-report-overdue', type: 'RecordAnnualReportOverdue', body: () => ({ year: 2026 }) },
    { path: '/material-changes', type: 'ReportMaterialChange', body: () => ({ kind: 'business-change', details: '增加经营范围' }) },
    { path: '/request-certification', type: 'RequestCertification', body: () => ({ documents: [doc] }) },
    { path: '/certification-evaluation', type: 'RecordCertificationEvaluation', body: () => ({ outcome: 'failed', assessment: { opinion: '不通过', documents: [doc] }, reasons: ['未达标'] }) },
    { path: '/open-certification-notice', type: 'OpenCertificationNotice', body: () => ({ startsOn: '2099-01-05' }) },
    { path: '/certify', type: 'Certify', body: () => ({}) },
    { path: '/request-recertification', type: 'RequestRecertification', body: () => ({ documents: [doc] }) },
    { path: '/certificate-expired', type: 'RecordCertificateExpired', body: () => ({}) },
    { path: '/disqualify', type: 'Disqualify', body: () => ({ ground: 'major-accident', reason: '重大安全事故', evidence: [doc] }) },
  ];

  /** A command that must succeed with exactly these events; on failure the problem is shown. */
  async function decided(path: string, token: string, body: unknown, events: string[], headers?: Record<string, string>): Promise<HttpResult> {
    const result = await http.post(path, token, body, headers);
    expect([result.status, result.body.events ?? result.body]).toEqual([path === '/enterprises' ? 201 : 200, events]);
    return result;
  }
  const refused = async (result: Promise<HttpResult>, status: number, code: string) => {
    const { status: actual, body } = await result;
    expect([actual, body.code]).toEqual([status, code]);
  };
  const read = (id: string, token = tokens.office) => http.get(`/enterprises/${id}`, token);

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    for (const [name, claims] of Object.entries(CLAIMS)) tokens[name] = await http.token(claims);
    const form = new FormData();
    form.append('file', new Blob([PDF], { type: 'application/pdf' }), '申报书.pdf');
    doc = (await http.request('POST', '/documents', { token: tokens.taizhong, raw: form })).body;
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  afterAll(() => running.stop());

  describe('from application to certification, each step by its role', () => {
    const at = (path = '') => `/enterprises/${TAIZHONG}${path}`;
    let objectionId: string;

    it('applies (201 at the credit code), is recommended by its city and passes the joint review', async () => {
      const applied = await decided('/enterprises', tokens.taizhong, applyBody(TAIZHONG, '太原重工股份有限公司'), ['IncubationApplicationSubmitted']);
      expect(applied.headers.get('location')).toBe(at());
      expect(applied.headers.get('etag')).toBe('"0"');
      expect(applied.body.stream).toBe(`enterprise-${TAIZHONG}`);
      await decided(at('/recommend'), tokens.recommender, { opinion: '同意推荐', documents: [doc] }, ['IncubationApplicationRecommended']);
      await decided(at('/joint-review'), tokens.office, jointReview(), ['JointReviewPassed']);

      const state = await read(TAIZHONG);
      expect(state.status).toBe(200);
      expect(state.headers.get('etag')).toBe('"2"');
      expect(state.body).toMatchObject({ id: TAIZHONG, revision: 2, status: 'JointlyReviewed', enterpriseId: TAIZHONG, creditCode: TAIZHONG, region: '太原市', applicationNo: 1 });
    });

    it('opens the admission notice for 5 working days and takes an objection under real name', async () => {
      await refused(http.post(at('/open-notice'), tokens.office, { startsOn: '2025-03-02' }), 400, 'notice-start-in-past');
      await decided(at('/open-notice'), tokens.office, { startsOn: '2025-03-03', notice: doc }, ['PublicNoticeOpened']);
      expect((await read(TAIZHONG)).body.notice).toEqual({ stage: 'admission', noticeNo: 1, startsAt: '2025-03-03T00:00:00+08:00', endsAt: '2025-03-08T00:00:00+08:00' });

      clock.set('2025-03-04T10:00:00+08:00');
      const objection = { objector: { name: '张三', contact: '13800000000' }, grounds: '合作院校数量不实', evidence: [doc] };
      const filed = await decided(at('/objections'), tokens.reviewer, objection, ['ObjectionFiled'], { 'idempotency-key': 'objection-1' });
      objectionId = filed.body.objectionId;
      const retried = await http.post(at('/objections'), tokens.reviewer, objection, { 'idempotency-key': 'objection-1' });
      expect(retried.body).toMatchObject({ repeated: true, objectionId });
    });

    it('names the objector to the office only', async () => {
      const office = await read(TAIZHONG);
      expect(office.body.objections).toEqual([
        { objectionId, noticeNo: 1, stage: 'admission', status: 'open', objector: { name: '张三', contact: '13800000000' } },
      ]);
      for (const token of [tokens.taizhong, tokens.recommender, tokens.auditor]) {
        const other = await read(TAIZHONG, token);
        expect(other.status).toBe(200);
        expect(other.body.objections).toEqual([{ objectionId, noticeNo: 1, stage: 'admission', status: 'open', objector: { redacted: true } }]);
        expect(JSON.stringify(other.body)).not.toMatch(/张三|13800000000/);
      }
    });

    it('admits to incubation once the notice ended and the objection was dismissed', async () => {
      clock.set('2025-03-10T09:00:00+08:00');
      await refused(http.post(at('/admit'), tokens.office, {}), 409, 'objection-open');
      await decided(at(`/objections/${objectionId}/resolve`), tokens.office, { outcome: 'dismissed', reason: '经核查属实' }, ['ObjectionDismissed']);
      await decided(at('/admit'), tokens.office, {}, ['AdmittedToIncubation']);
      expect((await read(TAIZHONG)).body).toMatchObject({
        status: 'InIncubation',
        incubation: { admittedAt: '2025-03-10T01:00:00.000Z', threeYearPlanDue: '2025-06-10T01:00:00.000Z', earliestCertificationAt: '2026-03-10T01:00:00.000Z' },
      });
    });

    it('incubates: three-year plan, a material change and the annual report of the finished year', async () => {
      await decided(at('/three-year-plan'), tokens.taizhong, { plan: doc }, ['ThreeYearPlanPublished']);
      await decided(at('/material-changes'), tokens.taizhong, { kind: 'rename', details: '经核准更名', newName: '太原重工集团股份有限公司', documents: [doc] }, ['MaterialChangeReported']);
      clock.set('2026-01-15T09:00:00+08:00');
      await decided(at('/annual-reports'), tokens.taizhong, { year: 2025, report: doc }, ['AnnualReportSubmitted']);
      expect((await read(TAIZHONG)).body).toMatchObject({
        name: '太原重工集团股份有限公司',
        incubation: { threeYearPlan: { late: false }, annualReports: [{ year: 2025, status: 'submitted' }] },
      });
    });

    it('is certified after a year: request, evaluation, certification notice, certificate', async () => {
      clock.set('2026-03-09T09:00:00+08:00');
      await refused(http.post(at('/request-certification'), tokens.taizhong, { documents: [doc] }), 409, 'incubation-too-short');
      clock.set('2026-03-11T09:00:00+08:00');
      await decided(at('/request-certification'), tokens.taizhong, { documents: [doc] }, ['CertificationRequested']);
      await decided(at('/certification-evaluation'), tokens.office, { outcome: 'passed', assessment: { opinion: '培育成效显著', documents: [doc] } }, ['CertificationEvaluationPassed']);
      await decided(at('/open-certification-notice'), tokens.office, { startsOn: '2026-03-11' }, ['PublicNoticeOpened']);
      await refused(http.post(at('/certify'), tokens.office, {}), 409, 'notice-not-ended');
      clock.set('2026-03-18T09:00:00+08:00');
      await decided(at('/certify'), tokens.office, {}, ['EnterpriseCertified']);

      const certified = await read(TAIZHONG);
      expect(certified.body).toMatchObject({ status: 'Certified', certificates: [{ certificateNo: 1, validUntil: '2029-03-18T01:00:00.000Z', ended: null }] });
      await decided(at('/request-recertification'), tokens.taizhong, { documents: [doc] }, ['CertificationRequested']);
    });
  });

  describe('disqualification and the five-year ban', () => {
    const at = (path = '') => `/enterprises/${BANNED}${path}`;

    it('disqualifies an incubating enterprise and refuses its application until the ban ends', async () => {
      clock.set('2026-03-18T09:00:00+08:00');
      await decided('/enterprises', tokens.banned, applyBody(BANNED, '某某科技有限公司'), ['IncubationApplicationSubmitted']);
      await decided(at('/recommend'), tokens.recommender, { opinion: '同意推荐' }, ['IncubationApplicationRecommended']);
      await decided(at('/joint-review'), tokens.office, jointReview(), ['JointReviewPassed']);
      await decided(at('/open-notice'), tokens.office, { startsOn: '2026-03-18' }, ['PublicNoticeOpened']);
      clock.set('2026-03-25T09:00:00+08:00');
      await decided(at('/admit'), tokens.office, {}, ['AdmittedToIncubation']);
      clock.set('2026-07-01T09:00:00+08:00');
      await decided(at('/three-year-plan-overdue'), tokens.office, {}, ['ThreeYearPlanOverdue']);
      await decided(at('/disqualify'), tokens.office, { ground: 'fraud', reason: '年度报告数据造假', evidence: [doc] }, ['EnterpriseDisqualified']);

      const disqualified = await read(BANNED);
      expect(disqualified.body).toMatchObject({ status: 'Disqualified', disqualification: { ground: 'fraud', bannedUntil: '2031-07-01T01:00:00.000Z' } });

      clock.set('2031-06-30T09:00:00+08:00');
      await refused(http.post('/enterprises', tokens.banned, applyBody(BANNED, '某某科技有限公司')), 409, 'applicant-banned');
      expect((await read(BANNED)).headers.get('etag')).toBe(disqualified.headers.get('etag'));

      clock.set('2031-07-02T09:00:00+08:00');
      const again = await decided('/enterprises', tokens.banned, applyBody(BANNED, '某某科技有限公司'), ['IncubationApplicationSubmitted']);
      expect(again.headers.get('location')).toBe(at());
      expect((await read(BANNED)).body).toMatchObject({ status: 'Submitted', applicationNo: 2, disqualification: { bannedUntil: '2031-07-01T01:00:00.000Z' } });
    });
  });

  describe('documents', () => {
    const unknown = () => ({ sha256: 'a'.repeat(64), name: '伪造.pdf', size: 1000, mediaType: 'application/pdf' });

    it('refuses a command citing a document never uploaded, writing nothing', async () => {
      const before = await read(TAIZHONG);
      await refused(http.post(`/enterprises/${TAIZHONG}/material-changes`, tokens.taizhong, { kind: 'merger', details: '吸收合并', documents: [unknown()] }), 400, 'unknown-document');
      await refused(http.post(`/enterprises/${TAIZHONG}/material-changes`, tokens.taizhong, { kind: 'merger', details: '吸收合并', documents: [{ ...doc, size: 1 }] }), 400, 'document-mismatch');
      expect((await read(TAIZHONG)).headers.get('etag')).toBe(before.headers.get('etag'));

      await refused(http.post('/enterprises', tokens.otherEnterprise, { ...applyBody(NEVER_APPLIED, '某公司'), documents: [unknown()] }), 400, 'unknown-document');
      await refused(read(NEVER_APPLIED), 404, 'enterprise-not-found');
    });
  });

  describe('who may do what', () => {
    const urlOf = (path: string) => (path === '' ? '/enterprises' : `/enterprises/${TAIZHONG}${path}`);
    const tokenOf: Record<SignedInRole, () => string> = {
      applicant: () => tokens.taizhong,
      recommender: () => tokens.recommender,
      reviewer: () => tokens.reviewer,
      office: () => tokens.office,
      auditor: () => tokens.auditor,
    };
    let etag: string | null;

    beforeAll(async () => {
      etag = (await read(TAIZHONG)).headers.get('etag');
    });

    it('covers every enterprise command a person may issue', () => {
      // Reminders are the deadline scheduler's alone: there is nothing for a person to remind of by hand.
      const withoutRoute = ['RemindDeadline'];
      expect([...ROUTES.map((r) => r.type), ...withoutRoute].sort()).toEqual(Object.keys(ENTERPRISE_COMMANDS).sort());
    });

    it.each(ROUTES)('POST $path ($type): 401 without a token, 403 role-not-allowed for every other role', async ({ path, type, body }) => {
      await refused(http.post(urlOf(path), undefined, body()), 401, 'unauthenticated');
      const wrongRoles = ROLES.filter((role) => !ENTERPRISE_COMMANDS[type].includes(role));
      expect(wrongRoles.length).toBeGreaterThan(0);
      for (const role of wrongRoles) {
        const result = await http.post(urlOf(path), tokenOf[role](), body());
        expect([role, result.status, result.body.code]).toEqual([role, 403, 'role-not-allowed']);
      }
    });

    it('wrote nothing for any refused command', async () => {
      expect((await read(TAIZHONG)).headers.get('etag')).toBe(etag);
    });

    it('refuses an applicant of another organisation and a recommender of another region, for commands and reads', async () => {
      await refused(http.post(`/enterprises/${TAIZHONG}/annual-reports`, tokens.otherEnterprise, { year: 2026, report: doc }), 403, 'not-own-organisation');
      await refused(read(TAIZHONG, tokens.otherEnterprise), 403, 'not-own-organisation');
      await refused(http.post(`/enterprises/${TAIZHONG}/not-recommend`, tokens.otherRecommender, { reason: '不符合条件' }), 403, 'not-own-region');
      await refused(read(TAIZHONG, tokens.otherRecommender), 403, 'not-own-region');
      await refused(read(TAIZHONG, tokens.reviewer), 403, 'role-not-allowed');
      await refused(http.get(`/enterprises/${TAIZHONG}`), 401, 'unauthenticated');
      await refused(http.post('/enterprises', tokens.taizhong, { ...applyBody(NEVER_APPLIED, '某公司'), region: '大同市' }), 403, 'not-own-region');
    });
  });

  describe('validation', () => {
    const fieldsOf = (result: HttpResult) => [...new Set(result.body.errors.map((e: { field: string }) => e.field))];

    it('refuses unknown fields and wrong types, naming each field', async () => {
      const body = applyBody(NEVER_APPLIED, '某公司');
      const result = await http.post('/enterprises', tokens.otherEnterprise, {
        ...body,
        enterpriseId: 'someone-else',
        declarations: { ...body.declarations, goodCredit: 'yes' },
        documents: [{ ...doc, size: 'big' }],
      });
      expect([result.status, result.body.code]).toEqual([400, 'validation-failed']);
      expect(fieldsOf(result)).toEqual(expect.arrayContaining(['enterpriseId', 'declarations.goodCredit', 'documents.0.size']));

      const review = await http.post(`/enterprises/${TAIZHONG}/joint-review`, tokens.office, { outcome: 'maybe', departments: '省教育厅' });
      expect(review.status).toBe(400);
      expect(fieldsOf(review)).toEqual(expect.arrayContaining(['outcome', 'departments', 'expertAssessment']));

      const objection = await http.post(`/enterprises/${TAIZHONG}/objections`, tokens.reviewer, { objector: { name: '王五' }, grounds: '不实', evidence: [doc] });
      expect(fieldsOf(objection)).toEqual(['objector.contact']);

      const admit = await http.post(`/enterprises/${TAIZHONG}/admit`, tokens.office, { reason: 'x' });
      expect(fieldsOf(admit)).toEqual(['reason']);
    });

    it('takes an application only from an enterprise of the registry, under its own credit code, and writes nothing otherwise', async () => {
      const before = (await http.get('/health')).body.store.lastPosition;
      // Taizhong's admin applying under another enterprise's (valid) code.
      await refused(http.post('/enterprises', tokens.taizhong, applyBody(NEVER_APPLIED, '某公司')), 403, 'not-own-credit-code');
      // A school's admin is an applicant too, but not an enterprise.
      await refused(http.post('/enterprises', tokens.school, applyBody(NEVER_APPLIED, '某公司')), 403, 'not-an-enterprise');
      expect((await http.get('/health')).body.store.lastPosition).toBe(before);
      expect((await http.get(`/enterprises/${NEVER_APPLIED}`, tokens.office)).status).toBe(404);
    });

    it('refuses a credit code whose check character is wrong', async () => {
      await refused(http.post('/enterprises', tokens.otherEnterprise, applyBody('91140200MA0HC5B3D1', '某公司')), 400, 'invalid-credit-code');
    });

    it('documents every route and its nested bodies in OpenAPI', async () => {
      const { paths, components } = (await http.get('/docs-json')).body;
      const commandPaths = Object.keys(paths).filter((path) => path.startsWith('/enterprises') && paths[path].post);
      expect(commandPaths.sort()).toEqual(ROUTES.map((r) => (r.path ? `/enterprises/{id}${r.path.replace('objection-1', '{objectionId}')}` : '/enterprises')).sort());
      expect(paths['/enterprises'].post.responses).toHaveProperty('201');
      expect(components.schemas.ApplyForIncubationDto.properties.declarations).toEqual({ $ref: '#/components/schemas/EligibilityDeclarationsDto' });
      expect(components.schemas.JointReviewDto.required).toEqual(expect.arrayContaining(['outcome', 'departments', 'expertAssessment']));
    });

    it('answers 404 for an enterprise that never applied', async () => {
      await refused(read(NEVER_APPLIED), 404, 'enterprise-not-found');
      await refused(http.post(`/enterprises/${NEVER_APPLIED}/recommend`, tokens.recommender, { opinion: '同意' }), 404, 'enterprise-not-found');
    });
  });
});
