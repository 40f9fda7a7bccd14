import { creditCodeFor, Who } from '../support/accounts';
import { HttpResult } from '../support/http';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * src/domain/access.spec.ts over real HTTP: every kind of actor against a project, an enterprise and a
 * program cycle, each as the service answers it — the single GET (200, or 403 with the refusal's code
 * and wording), the list (the record is listed exactly when the GET answers it), and the audit view of
 * the record's stream (an objection's objector named to the office alone). The expected answers are
 * written out below, not read from the policies, so that a change of policy fails here. Every actor is a
 * person of the registry: a recommender always has its bureau's city, and an expert of the applicant's
 * organisation is refused at assignment, so the city-less recommender and the assigned reviewer of the
 * applicant of access.spec.ts cannot occur here (a reviewer of the applicant is one never assigned).
 */

const KINDS = [
  'own organisation',
  'other organisation',
  'own city',
  'other city',
  'assigned reviewer',
  'recused reviewer',
  'unassigned reviewer',
  'reviewer of the applicant',
  'office',
  'auditor',
] as const;
type Kind = (typeof KINDS)[number];

/**
 * The same people as access.spec.ts; the record's organisation is `org` (a school's name, or an
 * enterprise's credit code with its rival's), in 太原市.
 */
const actorsFor = (org: string, other: string, enterprise: boolean): Record<Kind, Who> => ({
  'own organisation': { sub: `${org.toLowerCase()}-user`, role: 'applicant', org, region: '太原市', ...(enterprise ? { grants: ['enterprise-admin'] } : {}) },
  'other organisation': { sub: `${other.toLowerCase()}-user`, role: 'applicant', org: other, region: '太原市', ...(enterprise ? { grants: ['enterprise-admin'] } : {}) },
  'own city': { sub: 'rec-ty', role: 'recommender', org: '太原市教育局', region: '太原市' },
  'other city': { sub: 'rec-dt', role: 'recommender', org: '大同市教育局', region: '大同市' },
  'assigned reviewer': { sub: 'expert-1', role: 'reviewer', org: 'univ-1' },
  'recused reviewer': { sub: 'expert-2', role: 'reviewer', org: 'univ-2' },
  'unassigned reviewer': { sub: 'expert-9', role: 'reviewer', org: 'univ-9' },
  // An expert of the project's school: the office's attempt to assign them is refused.
  'reviewer of the applicant': { sub: 'expert-3', role: 'reviewer', org: 'school-a' },
  office: { sub: 'office-1', role: 'office', org: '山西省教育厅' },
  auditor: { sub: 'audit-1', role: 'auditor', org: '省审计厅' },
});

const OK = 200;
type Answer = typeof OK | readonly [code: string, message: string];
/** The audit history of the record's stream: who filed its objection is shown, redacted, or the view refused. */
type Audit = 'named' | 'redacted' | 'refused';

const P_ORG = ['not-own-organisation', 'an applicant reads only its own organisation’s projects'] as const;
const P_REGION = ['not-own-region', 'a recommender reads only the projects of its region'] as const;
const P_RECUSED = ['reviewer-recused', 'the reviewer has recused from this project'] as const;
const P_UNASSIGNED = ['not-assigned-reviewer', 'a reviewer reads only the projects assigned to it'] as const;
const E_ORG = ['not-own-organisation', 'an enterprise reads only its own file'] as const;
const E_REGION = ['not-own-region', 'a recommender reads only the files of enterprises of its region'] as const;
const E_ROLE = ['role-not-allowed', 'reviewers do not read enterprise files'] as const;
const AUDIT_REFUSED = ['role-not-allowed', 'the audit API is for auditors and the program office'] as const;

const TABLE: Record<Kind, { project: Answer; enterprise: Answer; cycle: Answer; audit: Audit }> = {
  'own organisation': /*                    */ { project: OK, enterprise: OK, cycle: OK, audit: 'refused' },
  'other organisation': /*                  */ { project: P_ORG, enterprise: E_ORG, cycle: OK, audit: 'refused' },
  'own city': /*                            */ { project: OK, enterprise: OK, cycle: OK, audit: 'refused' },
  'other city': /*                          */ { project: P_REGION, enterprise: E_REGION, cycle: OK, audit: 'refused' },
  'assigned reviewer': /*                   */ { project: OK, enterprise: E_ROLE, cycle: OK, audit: 'refused' },
  'recused reviewer': /*                    */ { project: P_RECUSED, enterprise: E_ROLE, cycle: OK, audit: 'refused' },
  'unassigned reviewer': /*                 */ { project: P_UNASSIGNED, enterprise: E_ROLE, cycle: OK, audit: 'refused' },
  'reviewer of the applicant': /*           */ { project: P_UNASSIGNED, enterprise: E_ROLE, cycle: OK, audit: 'refused' },
  office: /*                                */ { project: OK, enterprise: OK, cycle: OK, audit: 'named' },
  auditor: /*                               */ { project: OK, enterprise: OK, cycle: OK, audit: 'redacted' },
};

const TAIZHONG = '91140100MA0GRXXX15';
const OTHER_ENTERPRISE = '91140100MA0GXXGM12';
const CYCLE = 'access-2025';
const OBJECTOR: Who = { sub: 'objector-7', role: 'applicant', org: '晋中某职业学校', region: '晋中市' };
const IDENTITY = [OBJECTOR.sub, creditCodeFor(OBJECTOR.org), '王某', '13800000000', '赵某', 'zhao@example.com'];

describe('one access policy per aggregate, over HTTP', () => {
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let projectId: string;
  let position = '0';
  /** Each aggregate's people as tokens (own organisation and the reviewer of the applicant differ by record). */
  const tokens: Record<'project' | 'enterprise' | 'cycle', Record<string, string>> = { project: {}, enterprise: {}, cycle: {} };

  const post = async (path: string, token: string, body: unknown, headers?: Record<string, string>) => {
    const answer = expectOk(await flow.http.post(path, token, body, headers), path);
    position = answer.position ?? position;
    return answer;
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    const records = [['project', 'school-a', 'school-a-other', false], ['enterprise', TAIZHONG, OTHER_ENTERPRISE, true], ['cycle', 'school-a', 'school-a-other', false]] as const;
    for (const [aggregate, org, other, enterprise] of records) {
      for (const [kind, who] of Object.entries(actorsFor(org, other, enterprise))) tokens[aggregate][kind] = await flow.token(who);
    }
    const people = tokens.project;
    const objector = await flow.token(OBJECTOR);

    // A project under review: expert-1, 4 and 5 score, expert-2 recuses, expert-3 (of the applicant) is refused.
    await flow.openCycle(CYCLE, 'secondary-school', 2025);
    clock.set(on('2025-09-02'));
    projectId = await flow.draft(people['own organisation'], CYCLE, 'secondary-school', '高水平中职 访问矩阵');
    const scorers = await Promise.all(
      [1, 4, 5].map(async (n) => ({ id: `expert-${n}`, org: `univ-${n}`, token: n === 1 ? people['assigned reviewer'] : await flow.token({ sub: `expert-${n}`, role: 'reviewer', org: `univ-${n}` }) })),
    );
    await flow.review(2025, [{ id: projectId, applicant: people['own organisation'] }], people['own city'], scorers);
    await post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: 'expert-2', reviewerOrg: 'univ-2', declaredRelations: [] });
    const ofTheApplicant = await flow.http.post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: 'expert-3', reviewerOrg: 'univ-3', declaredRelations: [] });
    expect([ofTheApplicant.status, ofTheApplicant.body.code]).toEqual([409, 'conflict-of-interest']);
    await post(`/projects/${projectId}/declare-conflict`, people['recused reviewer'], { reason: '本人近三年曾担任申报学校兼职教师' });
    // In its public notice, objected to.
    clock.set(on('2025-10-15'));
    await post(`/cycles/${CYCLE}/shortlist`, flow.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' });
    await flow.openNotice(CYCLE, '2025-10-16');
    clock.set(on('2025-10-17'));
    await post(`/projects/${projectId}/objections`, objector, { objector: { name: '王某', contact: '13800000000' }, grounds: '申报数据不实', evidence: [flow.docs.evidence] }, { 'idempotency-key': 'objection-1' });

    // An enterprise of 太原市 in its admission notice, objected to.
    const ent = tokens.enterprise;
    const doc = flow.docs.form;
    clock.set(on('2025-10-18'));
    const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
    await post('/enterprises', ent['own organisation'], { creditCode: TAIZHONG, name: '太原重工股份有限公司', region: '太原市', declarations, documents: [doc] });
    await post(`/enterprises/${TAIZHONG}/recommend`, ent['own city'], { opinion: '同意推荐', documents: [doc] });
    await post(`/enterprises/${TAIZHONG}/joint-review`, flow.office, { outcome: 'passed', departments: ['省发展改革委', '省教育厅'], expertAssessment: { opinion: '同意', documents: [doc] } });
    clock.set(on('2025-10-20'));
    await post(`/enterprises/${TAIZHONG}/open-notice`, flow.office, { startsOn: '2025-10-20', notice: doc });
    clock.set(on('2025-10-21'));
    await post(`/enterprises/${TAIZHONG}/objections`, objector, { objector: { name: '赵某', contact: 'zhao@example.com' }, grounds: '合作院校数量不实', evidence: [doc] }, { 'idempotency-key': 'objection-2' });
  });
  afterAll(() => running?.stop());

  const leaks = (body: unknown) => IDENTITY.filter((text) => JSON.stringify(body).includes(text));
  const answerOf = ({ status, body }: HttpResult) => (status === OK ? OK : [status, body?.code, body?.detail]);
  const expected = (answer: Answer) => (answer === OK ? OK : [403, ...answer]);

  /** Each aggregate's routes: its GET, its list (ids of the items), its stream. */
  const AGGREGATES = [
    {
      name: 'project' as const,
      get: () => `/projects/${projectId}`,
      list: () => `/projects?cycleId=${CYCLE}&after=${position}`,
      id: () => projectId,
      stream: () => `project-${projectId}`,
      objections: true,
    },
    { name: 'enterprise' as const, get: () => `/enterprises/${TAIZHONG}`, list: () => `/enterprises?after=${position}`, id: () => TAIZHONG, stream: () => `enterprise-${TAIZHONG}`, objections: true },
    // A cycle is a public call and takes no objections (they are filed on its projects).
    { name: 'cycle' as const, get: () => `/cycles/${CYCLE}`, list: () => `/cycles?after=${position}`, id: () => CYCLE, stream: () => `cycle-${CYCLE}`, objections: false },
  ];

  it('set up the records the table is about', async () => {
    const project = (await flow.project(projectId)).body;
    expect(project).toMatchObject({ status: 'InPublicNotice', applicantOrg: creditCodeFor('school-a'), region: '太原市' });
    expect(project.reviewers.map((r: { reviewerId: string; recused: boolean }) => [r.reviewerId, r.recused]).sort()).toEqual(
      [['expert-1', false], ['expert-2', true], ['expert-4', false], ['expert-5', false]],
    );
    expect((await flow.http.get(`/enterprises/${TAIZHONG}`, flow.office)).body).toMatchObject({ status: 'InPublicNotice', enterpriseId: TAIZHONG, region: '太原市' });
  });

  describe.each(AGGREGATES)('$name', (aggregate) => {
    it.each(KINDS)('%s', async (kind) => {
      const row = TABLE[kind];
      const token = tokens[aggregate.name][kind];

      // The single GET, in the words of access.spec.ts.
      const read = await flow.http.get(aggregate.get(), token);
      expect([kind, answerOf(read)]).toEqual([kind, expected(row[aggregate.name])]);
      if (read.status === OK && aggregate.objections) {
        // Whoever reads the record is shown its objection; who filed it, only as the office.
        expect(read.body.objections).toHaveLength(1);
        expect(read.body.objections[0].objector).toEqual(row.audit === 'named' ? expect.objectContaining({ name: expect.any(String) }) : { redacted: true });
        expect(leaks(read.body).length > 0).toBe(row.audit === 'named');
      }

      // The list names the record exactly when the GET answers it.
      const list = await flow.http.get(aggregate.list(), token);
      expect(list.status).toBe(200);
      expect([kind, list.body.items.some((item: { id: string }) => item.id === aggregate.id())]).toEqual([kind, read.status === OK]);

      // The audit view of the record's stream.
      const history = await flow.http.get(`/audit/streams/${aggregate.stream()}/history`, token);
      if (row.audit === 'refused') {
        expect([history.status, history.body.code, history.body.detail]).toEqual([403, ...AUDIT_REFUSED]);
        return;
      }
      expect(history.status).toBe(200);
      const filed = history.body.events.filter((e: { type: string }) => e.type === 'ObjectionFiled');
      expect(filed).toHaveLength(aggregate.objections ? 1 : 0);
      if (!aggregate.objections) return;
      if (row.audit === 'named') {
        expect(filed[0]).toMatchObject({ actor: { id: OBJECTOR.sub, role: 'applicant', org: creditCodeFor(OBJECTOR.org) }, data: { objector: { name: expect.any(String) } } });
      } else {
        expect(filed[0]).toMatchObject({ actor: { redacted: true }, data: { objector: { redacted: true } } });
        expect(leaks(history.body)).toEqual([]);
      }
    });
  });
});
