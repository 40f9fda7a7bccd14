import { Role, ROLES, SignedInRole } from '../../src/domain/messages';
import { PROJECT_COMMANDS, ProjectCommandType } from '../../src/domain/project/project.commands';
import { creditCodeFor, Who } from '../support/accounts';
import { HttpResult } from '../support/http';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow, Reviewer } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * Who may call which route, over real HTTP: every project route and every cycle route, against
 * every role of the domain's table (PROJECT_COMMANDS), against another organisation, another region,
 * a reviewer not assigned; every refusal leaves the project's stream — and the whole store — as it was.
 */
describe('project and cycle routes: role × route × organisation', () => {
  const clock = new FakeClock(on('2025-09-01'));
  const CYCLE = 'matrix-2025';
  const SPARE = 'matrix-spare-2025';
  const SCHOOL = 'matrix-school';
  /** The school as the registry holds it. */
  const SCHOOL_CODE = creditCodeFor(SCHOOL);
  let running: RunningApp;
  let flow: ProjectFlow;
  let projectId: string;
  let objectionId: string;
  const tokens: Record<string, string> = {};

  const CLAIMS: Record<string, Who> = {
    applicant: { sub: 'matrix-user', role: 'applicant', org: SCHOOL, region: '太原市' },
    otherApplicant: { sub: 'other-user', role: 'applicant', org: 'other-school', region: '太原市' },
    recommender: { sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' },
    otherRecommender: { sub: 'dt-1', role: 'recommender', org: '大同市教育局', region: '大同市' },
    reviewer: { sub: 'expert-1', role: 'reviewer', org: 'university-1' },
    reviewer2: { sub: 'expert-2', role: 'reviewer', org: 'university-2' },
    reviewer3: { sub: 'expert-3', role: 'reviewer', org: 'university-3' },
    otherReviewer: { sub: 'expert-9', role: 'reviewer', org: 'university-9' },
    /**
     * An expert of the applicant's own school: never assignable (the registry says their school), so
     * never in scope; the domain's impartiality refusal of an assigned one is access.spec.ts's.
     */
    ownOrgReviewer: { sub: 'expert-8', role: 'reviewer', org: SCHOOL },
    office: { sub: 'office-1', role: 'office', org: '山西省教育厅' },
    auditor: { sub: 'aud-1', role: 'auditor', org: '省审计厅' },
  };
  /** Each role by a user the project is in scope for (own organisation, own region, assigned): only the role can refuse it. */
  const inScope: Record<SignedInRole, () => string> = {
    applicant: () => tokens.applicant,
    recommender: () => tokens.recommender,
    reviewer: () => tokens.reviewer,
    office: () => tokens.office,
    auditor: () => tokens.auditor,
  };

  const http = () => flow.http;
  const refused = async (result: Promise<HttpResult>, status: number, code: string, who = '') => {
    const { status: actual, body } = await result;
    expect([who, actual, body?.code]).toEqual([who, status, code]);
  };
  /**
   * Passed authentication and authorisation: the domain then decided — done (200), or refused for the
   * project's state or data (404/409, a domain 400) — never 401/403, a 500 or a body the DTO refused.
   */
  const passedAuthorization = (result: HttpResult, who: string) => {
    expect([who, [200, 400, 404, 409].includes(result.status)]).toEqual([who, true]);
    expect([who, result.body?.code]).not.toEqual([who, 'validation-failed']);
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    for (const [name, claims] of Object.entries(CLAIMS)) tokens[name] = await flow.token(claims);
    tokens.garbage = 'not-a-token';
    await flow.openCycle(CYCLE, 'secondary-school', 2025);
    await flow.openCycle(SPARE, 'secondary-school', 2025);
    clock.set(on('2025-09-02'));
    projectId = await flow.draft(tokens.applicant, CYCLE, 'secondary-school', '矩阵学校高水平中职申报');
    const reviewers: Reviewer[] = [1, 2, 3].map((n) => ({ id: `expert-${n}`, org: `university-${n}`, token: tokens[n === 1 ? 'reviewer' : `reviewer${n}`] }));
    await flow.review(2025, [{ id: projectId, applicant: tokens.applicant }], tokens.recommender, reviewers);
  });
  afterAll(() => running.stop());

  describe('project routes', () => {
    it('refuses at assignment a reviewer of the applicant’s organisation or related to it (conflict-of-interest), writing nothing', async () => {
      // expert-8 is of the school itself; expert-10 of a university, the office declaring a relation with the school.
      await flow.accounts.registerPerson({ sub: 'expert-10', role: 'reviewer', org: 'university-8' });
      expect(await flow.status(projectId)).toBe('UnderReview');
      const etag = await flow.etag(projectId);
      const position = await flow.lastPosition();
      await refused(
        http().post(`/projects/${projectId}/reviewers`, tokens.office, { reviewerId: 'expert-8', reviewerOrg: SCHOOL, declaredRelations: [] }),
        409,
        'conflict-of-interest',
      );
      await refused(
        http().post(`/projects/${projectId}/reviewers`, tokens.office, { reviewerId: 'expert-10', reviewerOrg: 'university-8', declaredRelations: ['太原理工大学', SCHOOL_CODE] }),
        409,
        'conflict-of-interest',
      );
      expect(await flow.etag(projectId)).toBe(etag);
      expect(await flow.lastPosition()).toBe(position);
      expect((await flow.project(projectId)).body.reviewers.map((r: { reviewerId: string }) => r.reviewerId)).toEqual(['expert-1', 'expert-2', 'expert-3']);
    });

    describe('on a project in its public notice, with an objection', () => {
      /** Every project command's route under /projects/{id} (but the draft), with a body the DTO accepts. */
      const ROUTES: { template: string; type: ProjectCommandType; body: () => object }[] = [];
      const route = (template: string, type: ProjectCommandType, body: () => object) => ROUTES.push({ template, type, body });
      const doc = () => flow.docs.evidence;
      route('', 'DraftApplication', () => flow.draftBody(CYCLE, 'secondary-school', '另一份申报'));
      route('/edit', 'EditApplication', () => ({ title: '修订后的标题' }));
      route('/documents', 'AttachApplicationDocuments', () => ({ applicationForm: flow.docs.form, attachments: [] }));
      route('/submit', 'SubmitApplication', () => flow.submitBody());
      route('/withdraw', 'WithdrawApplication', () => ({ reason: '暂不申报' }));
      route('/return-for-revision', 'ReturnForRevision', () => ({ reason: '材料不全' }));
      route('/formal-check', 'RecordFormalCheck', () => ({ result: 'passed' }));
      route('/recommend', 'Recommend', () => ({ rank: 2 }));
      route('/not-recommend', 'NotRecommend', () => ({ reason: '不符合条件' }));
      route('/reviewers', 'AssignReviewer', () => ({ reviewerId: 'expert-7', reviewerOrg: 'university-7', declaredRelations: [] }));
      route('/declare-conflict', 'DeclareConflict', () => ({ reason: '曾任兼职教师' }));
      route('/scores', 'ScoreReview', () => ({ score: 90, comments: '良好' }));
      route('/scores/draft', 'SaveScoreDraft', () => ({ score: 88, comments: '草稿' }));
      route('/scores/correct', 'CorrectScore', () => ({ reviewerId: 'expert-1', score: 95, reason: '分项合计有误' }));
      route('/objections', 'FileObjection', () => ({ objector: { name: '王五', contact: '13900000000' }, grounds: '数据不实', evidence: [doc()] }));
      route('/objections/{objectionId}/resolve', 'ResolveObjection', () => ({ outcome: 'dismissed', reason: '经核查属实' }));
      route('/construction-plan', 'SubmitConstructionPlan', () => ({ plan: doc(), taskBook: doc() }));
      route('/construction-plan/accept', 'AcceptConstructionPlan', () => ({}));
      route('/construction-plan/reject', 'RejectConstructionPlan', () => ({ reasons: ['任务未量化'] }));
      route('/annual-reports', 'SubmitAnnualReport', () => ({ year: 2025, report: doc() }));
      route('/annual-reports/grade', 'GradeAnnualReport', () => ({ year: 2025, grade: '良', reason: '专家组意见', report: doc() }));
      route('/change-requests', 'RequestChange', () => ({ description: '调整建设内容', documents: [doc()] }));
      route('/change-requests/{changeId}/decide', 'DecideChange', () => ({ decision: 'approved', reason: '同意变更', expertReview: doc() }));
      route('/midterm-evaluation', 'RecordMidtermEvaluation', () => ({
        findings: { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' },
        grade: '良',
        tasksCompletedPercent: 60,
        report: doc(),
      }));
      route('/rectification', 'OrderRectification', () => ({ findings: ['进度滞后'], deadline: '2026-06-30' }));
      route('/rectification/submit', 'SubmitRectification', () => ({ report: doc() }));
      route('/rectification/accept', 'AcceptRectification', () => ({ reason: '整改到位' }));
      route('/rectification/fail', 'FailRectification', () => ({ reason: '整改未完成' }));
      route('/suspend', 'Suspend', () => ({ reason: '任务完成率过低' }));
      route('/final-self-assessment', 'SubmitFinalSelfAssessment', () => ({ report: doc() }));
      route('/extension', 'GrantExtension', () => ({ newEndsOn: '2029-06-30', reason: '延期', request: doc() }));
      route('/final-evaluation', 'RecordFinalEvaluation', () => ({ grade: '优', findings: '完成建设任务', report: doc() }));
      route('/accredit', 'Accredit', () => ({}));
      route('/course-updates', 'SubmitCourseUpdate', () => ({ academicYear: 2025, summary: '更新视频', documents: [doc()] }));
      route('/revoke', 'RevokeProject', () => ({ reason: 'fraud', explanation: '材料造假', evidence: [doc()] }));
      route('/fund-recovery', 'OrderFundRecovery', () => ({ amount: 1000, deadline: '2026-12-31', reason: '收回资金' }));
      route('/fund-recovery/recovered', 'RecordFundsRecovered', () => ({ amount: 1000, recoveredOn: '2025-10-17', reference: '缴款书 0001' }));

      const urlOf = (template: string) =>
        template === '' ? '/projects' : `/projects/${projectId}${template.replace('{objectionId}', objectionId).replace('{changeId}', 'change-1')}`;
      /** The organisation checks that apply to a route, from the roles the table allows on it (objections are open to anyone identified). */
      const scoped = (type: ProjectCommandType, role: Role) => PROJECT_COMMANDS[type].includes(role) && type !== 'FileObjection' && type !== 'DraftApplication';

      beforeAll(async () => {
        clock.set(on('2025-10-15'));
        await flow.ok(http().post(`/cycles/${CYCLE}/shortlist`, tokens.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
        await flow.openNotice(CYCLE, '2025-10-16');
        clock.set(on('2025-10-17'));
        const filed = await flow.ok(
          http().post(`/projects/${projectId}/objections`, tokens.otherApplicant, { objector: { name: '张三', contact: '13800000000' }, grounds: '师资数据不实', evidence: [flow.docs.evidence] }),
          'objection',
        );
        expect(filed.body.events).toEqual(['ObjectionFiled']);
        objectionId = filed.body.objectionId;
        expect(await flow.status(projectId)).toBe('InPublicNotice');
      });

      it('covers every project command a person issues, and every project route OpenAPI documents', async () => {
        const withoutRoute: ProjectCommandType[] = [
          // carried from the cycle's decisions by the reactions
          'RecordSelection',
          'RecordPublicNotice',
          'RecordRemovalFromList',
          'RecordApproval',
          // recorded by the deadline scheduler
          'RecordConstructionPlanOverdue',
          'RecordAnnualReportOverdue',
          'RecordCourseUpdateOverdue',
          'RecordRectificationOverdue',
          'RecordConstructionPeriodEnded',
          'RecordFundRecoveryOverdue',
          // given by the deadline scheduler before an obligation falls due
          'RemindDeadline',
        ];
        expect([...ROUTES.map((r) => r.type), ...withoutRoute].sort()).toEqual(Object.keys(PROJECT_COMMANDS).sort());
        const { paths } = (await http().get('/docs-json')).body;
        const documented = Object.keys(paths).filter((p) => p.startsWith('/projects') && paths[p].post);
        expect(documented.sort()).toEqual(ROUTES.map((r) => (r.template === '' ? '/projects' : `/projects/{id}${r.template}`)).sort());
      });

      it.each(ROUTES.map((r) => [r.template || '(draft)', r] as const))(
        'POST %s: 401 without a valid token, 403 for each role the table refuses and for users out of scope; nothing written',
        async (_name, { template, type, body }) => {
          const url = urlOf(template);
          const etag = await flow.etag(projectId);
          const position = await flow.lastPosition();

          await refused(http().post(url, undefined, body()), 401, 'unauthenticated', 'no token');
          await refused(http().post(url, tokens.garbage, body()), 401, 'unauthenticated', 'bad token');
          const wrongRoles = ROLES.filter((role) => !PROJECT_COMMANDS[type].includes(role));
          expect(wrongRoles.length).toBeGreaterThan(0);
          for (const role of wrongRoles) await refused(http().post(url, inScope[role](), body()), 403, 'role-not-allowed', role);
          if (scoped(type, 'applicant')) await refused(http().post(url, tokens.otherApplicant, body()), 403, 'not-own-organisation', 'applicant of another school');
          if (scoped(type, 'recommender')) await refused(http().post(url, tokens.otherRecommender, body()), 403, 'not-own-region', 'recommender of another city');
          if (scoped(type, 'reviewer')) {
            await refused(http().post(url, tokens.otherReviewer, body()), 403, 'not-assigned-reviewer', 'reviewer not assigned');
            await refused(http().post(url, tokens.ownOrgReviewer, body()), 403, 'not-assigned-reviewer', 'reviewer of the applicant');
          }

          expect(await flow.etag(projectId)).toBe(etag);
          expect(await flow.lastPosition()).toBe(position);
        },
      );

      it('checks organisation and region on exactly the applicant, recommender and reviewer routes', () => {
        const scope = (role: Role) => ROUTES.filter((r) => scoped(r.type, role)).map((r) => r.template);
        expect(scope('recommender')).toEqual(['/formal-check', '/recommend', '/not-recommend']);
        expect(scope('reviewer')).toEqual(['/declare-conflict', '/scores', '/scores/draft']);
        expect(scope('applicant')).toEqual(
          expect.arrayContaining(['/edit', '/submit', '/withdraw', '/construction-plan', '/annual-reports', '/change-requests', '/rectification/submit', '/final-self-assessment', '/course-updates']),
        );
      });

      it('lets the project be read by its school, its city, its assigned reviewers, the office and auditors — no one else', async () => {
        await refused(http().get(`/projects/${projectId}`), 401, 'unauthenticated', 'no token');
        for (const who of ['applicant', 'recommender', 'reviewer', 'reviewer2', 'office', 'auditor']) {
          const read = await http().get(`/projects/${projectId}`, tokens[who]);
          expect([who, read.status, read.body.id, read.headers.get('etag')]).toEqual([who, 200, projectId, await flow.etag(projectId)]);
        }
        await refused(http().get(`/projects/${projectId}`, tokens.otherApplicant), 403, 'not-own-organisation', 'applicant of another school');
        await refused(http().get(`/projects/${projectId}`, tokens.otherRecommender), 403, 'not-own-region', 'recommender of another city');
        await refused(http().get(`/projects/${projectId}`, tokens.otherReviewer), 403, 'not-assigned-reviewer', 'reviewer not assigned');
      });

      it('names the objector to the office only', async () => {
        const office = await http().get(`/projects/${projectId}`, tokens.office);
        expect(office.body.objections).toEqual([expect.objectContaining({ objectionId, status: 'open', objector: { name: '张三', contact: '13800000000' } })]);
        for (const who of ['applicant', 'recommender', 'reviewer', 'auditor']) {
          const read = await http().get(`/projects/${projectId}`, tokens[who]);
          expect([who, read.body.objections]).toEqual([who, [expect.objectContaining({ objectionId, status: 'open', objector: { redacted: true } })]]);
          expect(JSON.stringify(read.body)).not.toMatch(/张三|13800000000/);
        }
        // The school that objected does not read the project at all.
        expect((await http().get(`/projects/${projectId}`, tokens.otherApplicant)).status).toBe(403);
      });

      it.each(ROUTES.map((r) => [r.template || '(draft)', r] as const))('POST %s: each role the table allows passes authorisation', async (_name, { template, type, body }) => {
        // The public's one command, an objection, is filed through the public pages (public.e2e-spec.ts).
        for (const role of PROJECT_COMMANDS[type].filter((r): r is SignedInRole => r !== 'public')) {
          const result = await http().post(urlOf(template), inScope[role](), body());
          passedAuthorization(result, `${role}: ${result.status} ${result.body?.code ?? result.body?.events}`);
        }
      });
    });
  });

  describe('cycle routes', () => {
    /** Every cycle command decides as the office alone (the cycle decider's requireRole('office')). */
    const CYCLE_ROLE: Role = 'office';
    const ROUTES: { path: string; body: (cycleId: string) => object }[] = [
      {
        path: '',
        body: (cycleId) => ({
          id: cycleId,
          programType: 'secondary-school',
          name: '矩阵',
          label: '2025',
          opensAt: '2025-09-01T00:00:00+08:00',
          closesAt: '2025-09-15T00:00:00+08:00',
        }),
      },
      { path: '/close-window', body: () => ({ reason: '提前截止' }) },
      { path: '/shortlist', body: () => ({ shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' }) },
      { path: '/open-notice', body: () => ({ startsOn: '2025-10-20' }) },
      { path: '/end-notice', body: () => ({ noticeId: 'notice-1' }) },
      { path: '/remove-from-list', body: () => ({ projectId, reason: '异议成立' }) },
      { path: '/approve', body: () => ({ projectIds: [projectId], reason: '公示无异议' }) },
      { path: '/close', body: () => ({ reason: '本批次结束' }) },
      // The cycle's money, on its own stream: the office's too.
      { path: '/funds/budget', body: () => ({ source: 'provincial', amount: 1_000_000, reason: '专项资金' }) },
      { path: '/funds/grants', body: () => ({ projectId, year: 2026, source: 'provincial', amount: 100_000, reason: '年度资金' }) },
      { path: '/funds/grants/{grantId}/disburse', body: () => ({ amount: 1000, disbursedOn: '2025-10-01' }) },
      // Expert panels: formed on the cycle's stream, assigned through each project's door.
      { path: '/panels', body: () => ({ panelId: 'matrix-panel', field: '装备制造', experts: ['expert-1'] }) },
      { path: '/panels/{panelId}/assign', body: () => ({ projectIds: [projectId], perProject: 1 }) },
    ];
    const urlOf = (path: string, cycleId: string) => (path === '' ? '/cycles' : `/cycles/${cycleId}${path.replace('{grantId}', 'grant-1').replace('{panelId}', 'matrix-panel')}`);

    it('covers every cycle route OpenAPI documents', async () => {
      const { paths } = (await http().get('/docs-json')).body;
      const documented = Object.keys(paths).filter((p) => p.startsWith('/cycles') && paths[p].post);
      expect(documented.sort()).toEqual(ROUTES.map((r) => (r.path === '' ? '/cycles' : `/cycles/{id}${r.path}`)).sort());
    });

    it.each(ROUTES.map((r) => [r.path || '(open)', r] as const))('POST %s: 401 without a token, 403 role-not-allowed for every role but the office; nothing written', async (_name, { path, body }) => {
      const etag = await flow.cycleEtag(CYCLE);
      const position = await flow.lastPosition();
      // Opening names a new cycle, which must still not exist afterwards; the others act on the running cycle.
      const cycleId = path === '' ? 'matrix-refused' : CYCLE;
      await refused(http().post(urlOf(path, cycleId), undefined, body(cycleId)), 401, 'unauthenticated', 'no token');
      for (const role of ROLES.filter((r) => r !== CYCLE_ROLE)) {
        await refused(http().post(urlOf(path, cycleId), inScope[role](), body(cycleId)), 403, 'role-not-allowed', role);
      }
      await refused(http().post(urlOf(path, cycleId), tokens.otherApplicant, body(cycleId)), 403, 'role-not-allowed', 'another applicant');
      expect(await flow.cycleEtag(CYCLE)).toBe(etag);
      expect(await flow.lastPosition()).toBe(position);
      expect((await http().get('/cycles/matrix-refused', tokens.office)).status).toBe(404);
    });

    it.each(ROUTES.map((r) => [r.path || '(open)', r] as const))('POST %s: the office passes authorisation', async (_name, { path, body }) => {
      // On a spare cycle, so whatever the command does cannot disturb the rest.
      const result = await http().post(urlOf(path, SPARE), tokens.office, body(SPARE));
      passedAuthorization(result, `office: ${result.status} ${result.body?.code ?? result.body?.events}`);
    });

    it('lets every identified user read a cycle and its dashboard, and no one without a token', async () => {
      for (const path of [`/cycles/${CYCLE}`, `/cycles/${CYCLE}/dashboard`]) {
        await refused(http().get(path), 401, 'unauthenticated', path);
        for (const who of ['applicant', 'otherApplicant', 'recommender', 'otherRecommender', 'reviewer', 'otherReviewer', 'office', 'auditor']) {
          expect([path, who, (await http().get(path, tokens[who])).status]).toEqual([path, who, 200]);
        }
      }
    });
  });
});
