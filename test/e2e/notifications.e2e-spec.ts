import { addCalendarDays } from '../../src/domain/beijing-time';
import { notificationsProjection } from '../../src/infrastructure/read-models/notifications/notifications.projection';
import { DeadlinesService } from '../../src/infrastructure/scheduling/deadlines.service';
import { ReadModels } from '../../src/infrastructure/read-models/read-models';
import { Accounts, Account } from '../support/accounts';
import { expectOk, FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

interface Notification {
  id: string;
  kind: string;
  subject: string;
  recordId: string;
  title: string | null;
  outcome: string | null;
  dueOn: string | null;
  at: string;
  read: boolean;
}

/** A project played from submission to approval; each person told what concerns them, once, also after a rebuild. */
describe('notifications', () => {
  const clock = new FakeClock(on('2027-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let projectId: string;
  let school: Account;
  let liaison: Account;
  let expert: Account;
  let objector: Account;
  let stranger: Account;
  let position = '0';
  const CYCLE = 'notify-2027';
  const TITLE = '机电一体化技术 通知';

  const post = async (path: string, token: string, body: unknown) => {
    const answer = expectOk(await flow.http.post(path, token, body), path);
    position = answer.position ?? position;
    return answer;
  };
  const notificationsOf = async (token: string, query = '') => {
    const answer = await flow.http.get(`/notifications?after=${position}${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body as { items: Notification[]; total: number; unread: number };
  };
  const ofProject = (page: { items: Notification[] }) => page.items.filter((n) => n.recordId === projectId).map((n) => [n.kind, n.outcome]);

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    const accounts = await Accounts.of(running);
    const recommender = await accounts.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const experts = await Promise.all([1, 2, 3].map((n) => accounts.account({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` })));
    expert = experts[0];
    school = await accounts.account({ sub: 'notify-school-admin', role: 'applicant', org: '太原市通知职业学校', region: '太原市' });
    objector = await accounts.account({ sub: 'notify-objector', role: 'applicant', org: '太原市另一职业学校', region: '太原市' });
    stranger = await accounts.account({ sub: 'notify-stranger', role: 'applicant', org: '大同市职业学校', region: '大同市' });

    await flow.openCycle(CYCLE, 'brand-major', 2027);
    clock.set(on('2027-09-02'));
    projectId = await flow.draft(school.token, CYCLE, 'brand-major', TITLE);
    // A liaison of this one project, given by the school's admin before it is submitted.
    liaison = await accounts.account({ sub: 'notify-liaison', role: 'applicant', org: '太原市通知职业学校', region: '太原市', grants: ['liaison'], projectId, grantedBy: school });

    clock.set(on('2027-09-05'));
    await post(`/projects/${projectId}/submit`, school.token, flow.submitBody());
    await post(`/projects/${projectId}/return-for-revision`, flow.office, { reason: '材料不全' });
    clock.set(on('2027-09-06'));
    await post(`/projects/${projectId}/submit`, school.token, flow.submitBody());
    clock.set(on('2027-09-20'));
    await post(`/projects/${projectId}/formal-check`, recommender, { result: 'passed' });
    await post(`/projects/${projectId}/recommend`, recommender, { rank: 1 });
    for (const e of experts) await post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId: e.personId, reviewerOrg: e.org, declaredRelations: [] });
    clock.set(on('2027-10-10'));
    for (const [n, e] of experts.entries()) await post(`/projects/${projectId}/scores`, e.token, { score: 80 + n, comments: '良' });
    clock.set(on('2027-10-15'));
    await post(`/cycles/${CYCLE}/shortlist`, flow.office, { shortlisted: [{ projectId }], notSelected: [], reason: '评审会议纪要' });
    const { noticeId } = await flow.openNotice(CYCLE, '2027-10-16');
    clock.set(on('2027-10-17'));
    const filed = await post(`/projects/${projectId}/objections`, objector.token, { objector: { name: '王某', contact: '13800000000' }, grounds: '申报数据不实', evidence: [flow.docs.evidence] });
    clock.set(on('2027-10-18'));
    await post(`/projects/${projectId}/objections/${filed.objectionId}/resolve`, flow.office, { outcome: 'dismissed', reason: '经核查不属实' });
    clock.set(on('2027-10-31'));
    await post(`/cycles/${CYCLE}/end-notice`, flow.office, { noticeId });
    await post(`/cycles/${CYCLE}/approve`, flow.office, { projectIds: [projectId], reason: '公示无异议，予以立项' });
    // The approval reaches the project by the reactor, after the cycle's command answered.
    for (let tries = 0; (await flow.status(projectId)) !== 'Approved'; tries += 1) {
      if (tries > 100) throw new Error('the approval never reached the project');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    position = (await flow.lastPosition()) ?? position;
  });
  afterAll(() => running.stop());

  const SCHOOL_SEES = [
    ['approval', 'approved'],
    ['objection-resolved', 'dismissed'],
    ['objection-filed', null],
    ['selection', 'shortlisted'],
    ['recommendation', 'recommended'],
    ['formal-check', 'passed'],
    ['application-returned', null],
  ];

  it('tells the school’s admin and the project’s liaison each step, newest first, linking to the project with its title', async () => {
    for (const person of [school, liaison]) {
      const page = await notificationsOf(person.token);
      expect(ofProject(page)).toEqual(SCHOOL_SEES);
      expect(page.items.filter((n) => n.recordId === projectId).every((n) => n.subject === 'project' && n.title === TITLE && !n.read)).toBe(true);
      const approval = page.items.find((n) => n.kind === 'approval')!;
      expect(approval.at).toBe(new Date(on('2027-10-31')).toISOString());
    }
  });

  it('never names the objector to the school', async () => {
    const page = await notificationsOf(school.token);
    const text = JSON.stringify(page);
    for (const secret of ['王某', '13800000000', objector.personId, objector.org]) expect(text).not.toContain(secret);
  });

  it('tells the expert of the assignment, and the people of their own grants', async () => {
    const page = await notificationsOf(expert.token);
    expect(ofProject(page)).toEqual([['reviewer-assigned', null]]);
    expect(page.items.find((n) => n.kind === 'reviewer-assigned')).toMatchObject({ subject: 'project', recordId: projectId, title: TITLE });
    expect(page.items.filter((n) => n.subject === 'person').map((n) => [n.kind, n.outcome, n.recordId])).toEqual([['grant-given', 'expert', expert.personId]]);
    expect((await notificationsOf(liaison.token)).items.find((n) => n.kind === 'grant-given')).toMatchObject({ outcome: 'liaison', recordId: liaison.personId });
  });

  it('tells no one else, the office and the objector included', async () => {
    for (const person of [stranger.token, objector.token, flow.office]) {
      expect(ofProject(await notificationsOf(person))).toEqual([]);
    }
  });

  it('pages newest first and counts the unread', async () => {
    const all = await notificationsOf(school.token);
    const first = await notificationsOf(school.token, '&limit=2&offset=0');
    expect(first).toMatchObject({ total: all.total, unread: all.total, limit: 2, offset: 0 });
    expect(first.items).toEqual(all.items.slice(0, 2));
  });

  it('marks one read, then all, and refuses a body that names neither, or not ids, naming the field', async () => {
    const before = await notificationsOf(school.token);
    const approval = before.items.find((n) => n.kind === 'approval')!;
    const marked = await flow.http.post('/notifications/read', school.token, { ids: [approval.id] });
    expect([marked.status, marked.body]).toEqual([200, { marked: 1, unread: before.unread - 1 }]);
    const after = await notificationsOf(school.token);
    expect(after.unread).toBe(before.unread - 1);
    expect(after.items.find((n) => n.id === approval.id)!.read).toBe(true);
    // Marking is the person's own: the liaison's copy of the same notice stays unread.
    expect((await notificationsOf(liaison.token)).items.find((n) => n.id === approval.id)!.read).toBe(false);
    // Another person's id marks nothing.
    const theirs = (await notificationsOf(expert.token)).items[0];
    expect((await flow.http.post('/notifications/read', stranger.token, { ids: [theirs.id] })).body).toMatchObject({ marked: 0 });
    expect((await notificationsOf(expert.token)).items[0].read).toBe(false);

    for (const [body, field] of [[{}, 'ids'], [{ ids: ['x'] }, 'ids'], [{ ids: [] }, 'ids'], [{ all: false }, 'all'], [{ ids: [approval.id], all: true }, 'ids']] as const) {
      const refused = await flow.http.post('/notifications/read', school.token, body);
      expect([refused.status, refused.headers.get('content-type')]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const liaisonBefore = await notificationsOf(liaison.token);
    const markedAll = await flow.http.post('/notifications/read', liaison.token, { all: true });
    expect(markedAll.body).toEqual({ marked: liaisonBefore.total, unread: 0 });
    expect((await notificationsOf(liaison.token)).items.every((n) => n.read)).toBe(true);
  });

  it('reminds the school 30, 7 and 1 days before its construction plan is due, once each however often the scheduler looks, then tells it is overdue', async () => {
    const readModels = running.app.get(ReadModels);
    const scheduler = running.app.get(DeadlinesService).scheduler;
    const lookAt = async (day: string) => {
      clock.set(on(day));
      for (let look = 0; look < 2; look += 1) {
        await readModels.reach((await readModels.store.status()).lastPosition);
        await scheduler.tick();
      }
      position = (await flow.lastPosition()) ?? position;
    };
    const due = (expectOk(await flow.http.get(`/projects/${projectId}`, flow.office), 'project').approval as { constructionPlanDueOn: string }).constructionPlanDueOn;
    const duesOf = async (token: string) => (await notificationsOf(token)).items.filter((n) => n.recordId === projectId && (n.kind === 'deadline-ahead' || n.kind === 'overdue'));

    // Approved on 31 October and due 30 days later, by the end of 30 November: 30 days ahead is the start of 1 November.
    await lookAt('2027-10-31');
    expect(await duesOf(school.token)).toEqual([]);
    await lookAt('2027-11-01');
    expect((await duesOf(school.token)).map((n) => n.kind)).toEqual(['deadline-ahead']);
    await lookAt(addCalendarDays(due, -20));
    await lookAt(addCalendarDays(due, -6));
    await lookAt(due);
    await lookAt(addCalendarDays(due, 1));
    await lookAt(addCalendarDays(due, 2));

    const told = (await duesOf(school.token)).map((n) => [n.kind, n.outcome, n.dueOn]);
    expect(told).toEqual([
      ['overdue', 'construction-plan', due],
      ['deadline-ahead', 'construction-plan', due],
      ['deadline-ahead', 'construction-plan', due],
      ['deadline-ahead', 'construction-plan', due],
    ]);
    // The project's own lead is told too; the expert who reviewed it is not.
    expect((await duesOf(liaison.token)).map((n) => [n.kind, n.outcome, n.dueOn])).toEqual(told);
    expect(await duesOf(expert.token)).toEqual([]);
    // The reminders are the project's history: given by the scheduler acting as the office, each with the days left.
    const history = expectOk(await flow.http.get(`/audit/streams/project-${projectId}/history`, flow.office), 'history').events as { type: string; data: { daysLeft: number; dueOn: string }; actor: { id: string } }[];
    const reminders = history.filter((e) => e.type === 'DeadlineReminded');
    expect(reminders.map((e) => [e.data.daysLeft, e.data.dueOn, e.actor.id])).toEqual([
      [30, due, 'scheduler'],
      [7, due, 'scheduler'],
      [1, due, 'scheduler'],
    ]);
    expect(history.filter((e) => e.type === 'ConstructionPlanOverdue')).toHaveLength(1);
  });

  it('writes the same rows, once each, after the read models are rebuilt, and keeps what was read', async () => {
    const { db } = running.app.get(ReadModels);
    const dump = () => db.prepare('SELECT * FROM notifications ORDER BY person_id, event_id, kind').all();
    const live = dump();
    const schoolBefore = await notificationsOf(school.token);
    const rebuilt = await flow.http.post('/read-models/rebuild', flow.office, {});
    expect(rebuilt.status).toBe(200);
    expect(dump()).toEqual(live);
    const schoolAfter = await notificationsOf(school.token);
    expect(schoolAfter).toEqual(schoolBefore);
    expect(schoolAfter.unread).toBe(schoolAfter.total - 1);
    // The liaison read all before the three reminders and the overdue notice came.
    expect((await notificationsOf(liaison.token)).unread).toBe(4);
    // A second delivery of every event (the runner's checkpoint lost) writes nothing more.
    const events = await running.app.get(ReadModels).store.readAll({});
    db.transaction(() => notificationsProjection.apply(db, events))();
    expect(dump()).toEqual(live);
  });
});
