import { Accounts, creditCodeFor } from '../support/accounts';
import { client, HttpResult } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { ProjectFlow, Reviewer } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * What the console's pages ask of the service beyond the commands: the to-do list per role, a draft's
 * documents kept until the head submits them, and the public pages (objections under real name with
 * their receipt, the published results), over HTTP against the real service.
 */
describe('to-do lists, draft documents and the public pages', () => {
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let http: ReturnType<typeof client>;
  const CYCLE = 'bm-public-2025';
  let lead: string;
  let head: string;
  let recommender: string;
  let reviewers: Reviewer[];
  let projectId: string;
  let otherId: string;
  let noticeId: string;
  let after = '0';

  const ok = async (result: Promise<HttpResult>, step: string) => {
    const answer = expectOk(await result, step);
    after = answer.position ?? after;
    return answer;
  };
  const todo = async (token: string) => (await http.get(`/todo?after=${after}`, token)).body.items as { subject: string; kind: string; count: number; dueOn: string | null; status: string | null }[];
  const objection = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    http.post('/notices/objections', undefined, { projectId, objector: { name: '李四', organisation: '太原市某企业', contact: '13900000000' }, statement: '专业招生人数与申报不符', ...body }, headers);

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    flow = await ProjectFlow.start(running, clock);
    const accounts = await Accounts.of(running);
    const admin = await accounts.account({ sub: 'admin-1', role: 'applicant', org: 'school-pub', region: '太原市', grants: ['school-admin'] });
    lead = await accounts.token({ sub: 'lead-1', role: 'applicant', org: 'school-pub', region: '太原市', grants: ['project-lead'], grantedBy: admin });
    head = await accounts.token({ sub: 'head-1', role: 'applicant', org: 'school-pub', region: '太原市', grants: ['school-head'], grantedBy: admin });
    recommender = await accounts.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    reviewers = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const account = await accounts.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` });
        return { id: account.personId, org: account.org, token: account.token };
      }),
    );
    await flow.openCycle(CYCLE, 'brand-major', 2025);
    clock.set(on('2025-09-02'));
    projectId = await flow.draft(lead, CYCLE, 'brand-major', '机电一体化技术品牌专业');
    otherId = await flow.draft(lead, CYCLE, 'brand-major', '工业机器人技术品牌专业');
    after = (await flow.lastPosition()) ?? after;
  });
  afterAll(() => running.stop());

  it('lists a school’s drafts as due when the window closes, and nothing for roles with nothing waiting', async () => {
    expect(await todo(lead)).toEqual([{ subject: 'project', kind: 'submit-application', count: 2, dueOn: '2025-09-15', status: 'Draft' }]);
    expect(await todo(recommender)).toEqual([]);
    expect(await todo(reviewers[0]!.token)).toEqual([]);
  });

  it('keeps the documents the lead attaches to the draft, and the head submits them', async () => {
    await ok(http.post(`/projects/${projectId}/documents`, lead, { applicationForm: flow.docs.form, attachments: [flow.docs.evidence] }), 'attach');
    const draft = (await http.get(`/projects/${projectId}`, head)).body;
    expect(draft.documents).toEqual({ applicationForm: flow.docs.form, attachments: [flow.docs.evidence] });
    // The lead may not sign off; the head submits what the draft keeps, with the declarations.
    const refused = await http.post(`/projects/${projectId}/submit`, lead, flow.submitBody());
    expect([refused.status, refused.body.code]).toEqual([403, 'sign-off-required']);
    await ok(
      http.post(`/projects/${projectId}/submit`, head, {
        applicationForm: draft.documents.applicationForm,
        attachments: draft.documents.attachments,
        declarations: { authenticity: flow.docs.authenticity, commitment: flow.docs.commitment },
      }),
      'submit',
    );
    const bad = await http.post(`/projects/${otherId}/documents`, lead, { applicationForm: { sha256: 'x', name: 'a.pdf', size: 1 }, attachments: [] });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'applicationForm.sha256']);
    const missing = await http.post(`/projects/${otherId}/documents`, lead, { attachments: [] });
    expect([missing.status, missing.body.errors?.[0]?.field]).toEqual([400, 'applicationForm']);
    const submitted = await http.post(`/projects/${projectId}/documents`, lead, { applicationForm: null, attachments: [] });
    expect([submitted.status, submitted.body.code]).toEqual([409, 'invalid-transition']);
  });

  it('gives the city its formal checks with their last day, then the office and the reviewers theirs', async () => {
    expect(await todo(lead)).toEqual([{ subject: 'project', kind: 'submit-application', count: 1, dueOn: '2025-09-15', status: 'Draft' }]);
    // The formal check ends the catalog's 28 days after the window closed on 15 September.
    expect(await todo(recommender)).toEqual([{ subject: 'project', kind: 'formal-check', count: 1, dueOn: '2025-10-13', status: 'Submitted' }]);
    clock.set(on('2025-09-20'));
    await ok(http.post(`/projects/${projectId}/formal-check`, recommender, { result: 'passed' }), 'check');
    expect(await todo(recommender)).toEqual([{ subject: 'project', kind: 'recommend', count: 1, dueOn: null, status: 'FormallyChecked' }]);
    await ok(http.post(`/projects/${projectId}/recommend`, recommender, { rank: 1 }), 'recommend');
    expect(await todo(flow.office)).toEqual([{ subject: 'project', kind: 'assign-reviewers', count: 1, dueOn: null, status: 'Recommended' }]);
    for (const r of reviewers) await ok(http.post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: r.id, reviewerOrg: r.org, declaredRelations: [] }), 'assign');
    expect(await todo(reviewers[0]!.token)).toEqual([{ subject: 'project', kind: 'score-review', count: 1, dueOn: null, status: null }]);
    clock.set(on('2025-10-10'));
    for (const [n, r] of reviewers.entries()) await ok(http.post(`/projects/${projectId}/scores`, r.token, { score: 85 + n, comments: '良好' }), 'score');
    expect(await todo(reviewers[0]!.token)).toEqual([]);
    clock.set(on('2025-10-15'));
    await ok(http.post(`/cycles/${CYCLE}/shortlist`, flow.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
    ({ noticeId } = await flow.openNotice(CYCLE, '2025-10-16'));
    after = (await flow.lastPosition()) ?? after;
  });

  it('takes a member of the public’s objection with evidence, without signing in, and answers a receipt', async () => {
    const form = new FormData();
    form.append('file', new Blob(['%PDF-1.4\n招生名单\n%%EOF'], { type: 'application/pdf' }), '证据.pdf');
    const evidence = expectOk(await http.request('POST', '/notices/evidence', { raw: form }), 'evidence');
    expect(evidence).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), name: '证据.pdf', mediaType: 'application/pdf' });
    const filed = await objection({ evidence: [evidence] }, { 'idempotency-key': 'objection-1' });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ projectId, admissible: true, reasons: [], receipt: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    // A retry with the same key is the same objection.
    const again = await objection({ evidence: [evidence] }, { 'idempotency-key': 'objection-1' });
    expect([again.body.receipt, again.body.repeated]).toEqual([filed.body.receipt, true]);
    // The same key with another statement is refused, and a malformed key is told, as on the signed-in routes.
    const reused = await objection({ evidence: [evidence], statement: '另一项异议' }, { 'idempotency-key': 'objection-1' });
    expect([reused.status, reused.body.code]).toEqual([422, 'idempotency-key-reused']);
    const malformed = await objection({ evidence: [evidence] }, { 'idempotency-key': 'a key with spaces' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'invalid-idempotency-key']);

    // Without evidence it is recorded, and inadmissible with the reason.
    const bare = await objection({ evidence: [] });
    expect(bare.body).toMatchObject({ admissible: false, reasons: ['no-evidence'] });

    // The office alone is told who objected; the notice shows the count, never the name.
    const project = (await http.get(`/projects/${projectId}`, flow.office)).body;
    expect(project.objections.find((o: { objectionId: string }) => o.objectionId === filed.body.receipt).objector).toEqual({ name: '李四', organisation: '太原市某企业', contact: '13900000000' });
    const seenByApplicant = (await http.get(`/projects/${projectId}`, lead)).body;
    expect(JSON.stringify(seenByApplicant)).not.toContain('李四');
    const notices = (await http.get(`/notices?after=${filed.body.position ?? after}`)).body;
    expect(notices.items[0]).toMatchObject({ noticeId, objections: 2 });
    expect(JSON.stringify(notices)).not.toContain('李四');
  });

  it('refuses a malformed objection with the field, and one on a project not in notice', async () => {
    const unnamed = await http.post('/notices/objections', undefined, { projectId, objector: { contact: '1' }, statement: 'x', evidence: [] });
    expect([unnamed.status, unnamed.body.errors?.[0]?.field, unnamed.headers.get('content-type')]).toEqual([400, 'objector.name', expect.stringMatching(/problem\+json/)]);
    const notInNotice = await http.post('/notices/objections', undefined, { projectId: otherId, objector: { name: '王五', contact: '1' }, statement: 'x', evidence: [] });
    expect([notInNotice.status, notInNotice.body.code]).toEqual([409, 'invalid-transition']);
  });

  it('publishes the approved projects per cycle, by applicant name', async () => {
    clock.set(on('2025-10-31'));
    const resolve = await http.get(`/projects/${projectId}`, flow.office);
    for (const o of resolve.body.objections.filter((x: { status: string }) => x.status === 'open')) {
      await ok(http.post(`/projects/${projectId}/objections/${o.objectionId}/resolve`, flow.office, { outcome: 'dismissed', reason: '经核查不属实' }), 'resolve');
    }
    await ok(http.post(`/cycles/${CYCLE}/end-notice`, flow.office, { noticeId }), 'end notice');
    await ok(http.post(`/cycles/${CYCLE}/approve`, flow.office, { projectIds: [projectId], reason: '公示无异议，予以立项' }), 'approve');
    const results = (await http.get(`/results?after=${after}`)).body;
    expect(results.total).toBe(1);
    expect(results.items[0]).toMatchObject({ cycleId: CYCLE, programType: 'brand-major', approvedOn: '2025-10-31', projectCount: 1 });
    expect(results.items[0].projects).toEqual([
      expect.objectContaining({ id: projectId, title: '机电一体化技术品牌专业', applicantName: 'school-pub', approvedOn: '2025-10-31', revoked: false }),
    ]);
    // The approved project's construction plan is now due for the school, and the list of what is due shows it alone.
    expect((await todo(lead)).map((i) => i.kind)).toEqual(expect.arrayContaining(['construction-plan-due']));
    const owing = (await http.get(`/projects?due=construction-plan-due&after=${after}`, lead)).body;
    expect([owing.total, owing.items.map((p: { id: string }) => p.id)]).toEqual([1, [projectId]]);
    expect((await http.get('/projects?due=annual-report-due', lead)).body.total).toBe(0);
    const bad = await http.get('/projects?due=tomorrow', lead);
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'due']);
  });

  it('lets one address file 20 objections and uploads an hour, then 429', async () => {
    let refused: HttpResult | undefined;
    let answered = 0;
    for (let i = 0; i < 25 && !refused; i += 1) {
      const answer = await objection({ evidence: [] });
      if (answer.status === 429) refused = answer;
      else answered += 1;
    }
    // Seven writes went before: an upload and six objections (a repeat, a reused key, a malformed key, one on a project not in notice).
    expect(answered).toBe(13);
    expect([refused?.status, refused?.body.code]).toEqual([429, 'rate-limited']);
  });
});

describe('enterprise work on the to-do lists, and an enterprise’s timeline', () => {
  const clock = new FakeClock(on('2025-03-03'));
  let running: RunningApp;
  let http: ReturnType<typeof client>;
  const TAIZHONG = creditCodeFor('太原重工股份有限公司', '91');
  let enterprise: string;
  let recommender: string;
  let office: string;
  let after = '0';
  const todo = async (token: string) => (await http.get(`/todo?after=${after}`, token)).body.items as { subject: string; kind: string; count: number; status: string | null }[];

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    http = client(running);
    const accounts = await Accounts.of(running);
    office = await accounts.token({ sub: 'office-1', role: 'office', org: '山西省教育厅' });
    enterprise = await accounts.token({ sub: 'tz-1', role: 'applicant', org: TAIZHONG, orgName: '太原重工股份有限公司', region: '太原市', grants: ['enterprise-admin'] });
    recommender = await accounts.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const doc = await upload(running, enterprise, '申请书.pdf');
    const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
    after = expectOk(await http.post('/enterprises', enterprise, { creditCode: TAIZHONG, name: '太原重工股份有限公司', region: '太原市', declarations, documents: [doc] }), 'apply').position;
  });
  afterAll(() => running.stop());

  it('gives the city the enterprise to recommend, then the office its joint review', async () => {
    expect(await todo(recommender)).toEqual([{ subject: 'enterprise', kind: 'recommend-enterprise', count: 1, dueOn: null, status: 'Submitted' }]);
    expect(await todo(office)).toEqual([]);
    after = expectOk(await http.post(`/enterprises/${TAIZHONG}/recommend`, recommender, { opinion: '同意推荐' }), 'recommend').position;
    expect(await todo(recommender)).toEqual([]);
    expect(await todo(office)).toEqual([{ subject: 'enterprise', kind: 'joint-review', count: 1, dueOn: null, status: 'Recommended' }]);
  });

  it('tells the enterprise’s history with each actor’s organisation by name, to whoever may read it', async () => {
    const timeline = (await http.get(`/enterprises/${TAIZHONG}/timeline`, enterprise)).body;
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual(['IncubationApplicationSubmitted', 'IncubationApplicationRecommended']);
    expect(timeline.events[0].actor).toMatchObject({ role: 'applicant', org: TAIZHONG, orgName: '太原重工股份有限公司' });
    expect(timeline.due).toEqual([]);
    const stranger = await (await Accounts.of(running)).token({ sub: 'dt-1', role: 'recommender', org: '大同市教育局', region: '大同市' });
    expect((await http.get(`/enterprises/${TAIZHONG}/timeline`, stranger)).status).toBe(403);
    expect((await http.get('/enterprises/91140100MA0GXXXX00/timeline', office)).body.code).toBe('enterprise-not-found');
  });
});
