import { randomUUID } from 'node:crypto';
import { creditCodeFor } from '../support/accounts';
import { nameBasedUuid } from '../../src/application/ids';
import { addCalendarDays } from '../../src/domain/calendar';
import { HttpResult } from '../support/http';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The rules of the project routes over real HTTP: bad input and stale writes leave the stream as it
 * was, retries and concurrent requests resolve as some serial order would, and the cycle's limits
 * (per applicant, quota), the public notice's objections and the bans hold end to end.
 */
describe('project rules over HTTP', () => {
  const clock = new FakeClock(on('2030-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  const tokens: Record<string, string> = {};
  const http = () => flow.http;

  const applicant = (school: string) => flow.token({ sub: `${school}-user`, role: 'applicant', org: school, region: '太原市' });
  const refused = async (result: Promise<HttpResult> | HttpResult, status: number, code: string) => {
    const { status: actual, body } = await result;
    expect([actual, body?.code]).toEqual([status, code]);
    return body;
  };
  const fieldsOf = (result: HttpResult) => [...new Set(result.body.errors.map((e: { field: string }) => e.field))];
  /** Runs `act` and checks that neither the project's stream nor the store gained an event. */
  const unchanged = async (projectId: string, act: () => Promise<void>) => {
    const etag = await flow.etag(projectId);
    const position = await flow.lastPosition();
    await act();
    expect(await flow.etag(projectId)).toBe(etag);
    expect(await flow.lastPosition()).toBe(position);
  };
  const count = (results: readonly HttpResult[]) => {
    const tally: Record<string, number> = {};
    for (const r of results) {
      const key = `${r.status} ${r.status < 300 ? 'ok' : r.body?.code}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    return tally;
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    tokens.office = flow.office;
    tokens.recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    tokens.reviewer = await flow.token({ sub: 'expert-1', role: 'reviewer', org: 'university-1' });
  });
  afterAll(() => running.stop());

  describe('bad input on project routes leaves the stream unchanged', () => {
    let draft: string;

    beforeAll(async () => {
      tokens.bad = await applicant('bad-school');
      await flow.openCycle('rules-2030', 'brand-major', 2030);
      clock.set(on('2030-09-02'));
      draft = await flow.draft(tokens.bad, 'rules-2030', 'brand-major', '机电一体化技术品牌专业');
    });

    it('refuses malformed JSON: 400 malformed-json', async () => {
      await unchanged(draft, async () => {
        for (const path of [`/projects/${draft}/edit`, '/projects']) {
          const result = await http().request('POST', path, { token: tokens.bad, raw: '{"title": ', headers: { 'content-type': 'application/json' } });
          expect(result.headers.get('content-type')).toMatch(/application\/problem\+json/);
          await refused(result, 400, 'malformed-json');
        }
      });
    });

    it('refuses wrong types and unknown fields: 400 validation-failed naming every field', async () => {
      await unchanged(draft, async () => {
        const edit = await http().post(`/projects/${draft}/edit`, tokens.bad, {
          title: 42,
          subject: { kind: 'major', majorCode: 460301, majorName: '机电一体化技术', extra: true },
          applicantOrg: 'someone-else',
        });
        await refused(edit, 400, 'validation-failed');
        expect(fieldsOf(edit)).toEqual(expect.arrayContaining(['title', 'subject.majorCode', 'subject.extra', 'applicantOrg']));

        const submit = await http().post(`/projects/${draft}/submit`, tokens.bad, {
          applicationForm: { ...flow.docs.form, size: 'big' },
          declarations: { authenticity: flow.docs.authenticity },
          attachments: 'none',
          projectId: draft,
        });
        await refused(submit, 400, 'validation-failed');
        expect(fieldsOf(submit)).toEqual(expect.arrayContaining(['applicationForm.size', 'declarations.commitment', 'attachments', 'projectId']));

        const drafted = await http().post('/projects', tokens.bad, { cycleId: 5, programType: 'brand-major', title: '', subject: 'major', applicantOrg: 'someone-else' });
        await refused(drafted, 400, 'validation-failed');
        expect(fieldsOf(drafted)).toEqual(expect.arrayContaining(['cycleId', 'title', 'subject', 'applicantOrg']));

        // The body is checked before the role: a reviewer's bad score is a 400 even on a project not its own.
        const score = await http().post(`/projects/${draft}/scores`, tokens.reviewer, { score: 101, comments: '' });
        await refused(score, 400, 'validation-failed');
        expect(fieldsOf(score).sort()).toEqual(['comments', 'score']);
      });
    });

    it('refuses an oversized body: 413 payload-too-large', async () => {
      await unchanged(draft, async () => {
        await refused(http().post(`/projects/${draft}/edit`, tokens.bad, { title: 'x'.repeat(300 * 1024) }), 413, 'payload-too-large');
      });
    });

    it('refuses an invalid transition: 409 invalid-transition', async () => {
      await unchanged(draft, async () => {
        const body = await refused(http().post(`/projects/${draft}/return-for-revision`, tokens.office, { reason: '材料不全' }), 409, 'invalid-transition');
        expect(body.details).toMatchObject({ command: 'ReturnForRevision', status: 'Draft' });
        await refused(http().post(`/projects/${draft}/recommend`, tokens.recommender, { rank: 1 }), 409, 'invalid-transition');
        await refused(http().post(`/projects/${draft}/construction-plan/accept`, tokens.office, {}), 409, 'invalid-transition');
      });
    });

    it('takes a matching If-Match and refuses a stale one: 412 revision-mismatch', async () => {
      const edited = await http().post(`/projects/${draft}/edit`, tokens.bad, { title: '修订一' }, { 'if-match': '"0"' });
      expect([edited.status, edited.headers.get('etag')]).toEqual([200, '"1"']);
      await unchanged(draft, async () => {
        const stale = await refused(http().post(`/projects/${draft}/edit`, tokens.bad, { title: '修订二' }, { 'if-match': '"0"' }), 412, 'revision-mismatch');
        expect(stale.currentRevision).toBe(1);
        await refused(http().post(`/projects/${draft}/edit`, tokens.bad, { title: '修订二' }, { 'if-match': '"7"' }), 412, 'revision-mismatch');
        await refused(http().post(`/projects/${draft}/edit`, tokens.bad, { title: '修订二' }, { 'if-match': 'latest' }), 400, 'invalid-if-match');
      });
      expect((await flow.project(draft)).body.title).toBe('修订一');
    });

    it('answers 404 for a project (or cycle) that does not exist, writing nothing', async () => {
      const unknown = randomUUID();
      await unchanged(draft, async () => {
        await refused(http().get(`/projects/${unknown}`, tokens.office), 404, 'project-not-found');
        await refused(http().post(`/projects/${unknown}/edit`, tokens.bad, { title: '无' }), 404, 'project-not-found');
        await refused(flow.submit(tokens.bad, unknown), 404, 'project-not-found');
        await refused(http().post(`/projects/${unknown}/objections`, tokens.bad, { objector: { name: '李四', contact: '1' }, grounds: '不实', evidence: [flow.docs.evidence] }), 404, 'project-not-found');
        await refused(http().post(`/projects/${unknown}/revoke`, tokens.office, { reason: 'fraud', explanation: '造假', evidence: [flow.docs.evidence] }), 404, 'project-not-found');
        await refused(http().post('/projects', tokens.bad, flow.draftBody('no-such-cycle', 'brand-major', '无')), 404, 'cycle-not-found');
      });
      expect((await http().get(`/projects/${unknown}`, tokens.office)).status).toBe(404);
    });

    it('refuses a document that was never uploaded (400 unknown-document) or whose size differs (400 document-mismatch)', async () => {
      await unchanged(draft, async () => {
        const never = { sha256: 'a'.repeat(64), name: '伪造.pdf', size: 1000, mediaType: 'application/pdf' };
        await refused(http().post(`/projects/${draft}/submit`, tokens.bad, { ...flow.submitBody(), applicationForm: never }), 400, 'unknown-document');
        await refused(http().post(`/projects/${draft}/submit`, tokens.bad, { ...flow.submitBody(), attachments: [flow.docs.form, never] }), 400, 'unknown-document');
        await refused(http().post(`/projects/${draft}/submit`, tokens.bad, { ...flow.submitBody(), applicationForm: { ...flow.docs.form, size: 1 } }), 400, 'document-mismatch');
      });
      expect(await flow.status(draft)).toBe('Draft');
    });
  });

  describe('Idempotency-Key on POST /projects', () => {
    const body = () => flow.draftBody('rules-2030', 'brand-major', '幂等申报');

    it('drafts one project for a key sent twice: same Location, the second answered as a repeat', async () => {
      clock.set(on('2030-09-03'));
      const first = await http().post('/projects', tokens.bad, body(), { 'idempotency-key': 'draft-once' });
      const again = await http().post('/projects', tokens.bad, body(), { 'idempotency-key': 'draft-once' });
      expect([first.status, again.status]).toEqual([201, 201]);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect([first.body.repeated, again.body.repeated]).toEqual([false, true]);
      expect(again.body.position).toBe(first.body.position);
      const id = first.headers.get('location')!.split('/').pop()!;
      expect(await flow.eventTypes(`project-${id}`)).toEqual(['ApplicationDrafted']);
    });

    it('drafts one project for a key sent 10 times at once', async () => {
      const position = BigInt((await flow.lastPosition()) ?? '0');
      const results = await Promise.all(Array.from({ length: 10 }, () => http().post('/projects', tokens.bad, body(), { 'idempotency-key': 'draft-concurrently' })));
      expect(count(results)).toEqual({ '201 ok': 10 });
      expect(new Set(results.map((r) => r.headers.get('location'))).size).toBe(1);
      // One write: every answer names the same event. Several answers may still say repeated: false, as
      // the store (not handleCommand) recognised their identical append — reported, not asserted here.
      expect(new Set(results.map((r) => r.body.position)).size).toBe(1);
      expect(results.every((r) => r.body.revision === 0)).toBe(true);
      const id = results[0].headers.get('location')!.split('/').pop()!;
      expect(await flow.eventTypes(`project-${id}`)).toEqual(['ApplicationDrafted']);
      expect(BigInt((await flow.lastPosition())!)).toBe(position + 1n);
    });

    it('keeps keys per user: another school’s same key drafts its own project', async () => {
      const other = await applicant('other-school');
      const mine = await http().post('/projects', tokens.bad, body(), { 'idempotency-key': 'draft-once' });
      const theirs = await http().post('/projects', other, body(), { 'idempotency-key': 'draft-once' });
      expect([mine.status, theirs.status, theirs.body.repeated]).toEqual([201, 201, false]);
      expect(theirs.headers.get('location')).not.toBe(mine.headers.get('location'));
      expect((await http().get(theirs.headers.get('location')!, other)).body.applicantOrg).toBe(creditCodeFor('other-school'));
    });
  });

  describe('50 concurrent conflicting commands on one project', () => {
    let project: string;
    let edited: string;
    const N = 50;

    beforeAll(async () => {
      tokens.conc = await applicant('conc-school');
      await flow.openCycle('conc-2031', 'secondary-school', 2031);
      clock.set(on('2031-09-02'));
      project = await flow.draft(tokens.conc, 'conc-2031', 'secondary-school', '并发申报');
      edited = await flow.draft(tokens.conc, 'conc-2031', 'secondary-school', '并发修改');
    });

    it('submits once: 1 × 200 and 49 × 409 invalid-transition, one ApplicationSubmitted, one registration on the cycle', async () => {
      clock.set(on('2031-09-05'));
      const results = await Promise.all(Array.from({ length: N }, (_, i) => flow.submit(tokens.conc, project, { 'idempotency-key': `submit-${i}` })));
      expect(count(results)).toEqual({ '200 ok': 1, '409 invalid-transition': N - 1 });
      expect(await flow.eventTypes(`project-${project}`)).toEqual(['ApplicationDrafted', 'ApplicationSubmitted']);
      expect((await flow.eventTypes('cycle-conc-2031')).filter((t) => t === 'ApplicationRegistered')).toHaveLength(1);
      expect(Object.keys((await http().get('/cycles/conc-2031', tokens.office)).body.applications)).toEqual([project]);
    });

    it('edits once under the same If-Match: 1 × 200 and 49 × 412, the winner’s title kept', async () => {
      const results = await Promise.all(Array.from({ length: N }, (_, i) => http().post(`/projects/${edited}/edit`, tokens.conc, { title: `标题 ${i}` }, { 'if-match': '"0"' })));
      expect(count(results)).toEqual({ '200 ok': 1, '412 revision-mismatch': N - 1 });
      const winner = results.findIndex((r) => r.status === 200);
      expect(await flow.eventTypes(`project-${edited}`)).toEqual(['ApplicationDrafted', 'ApplicationEdited']);
      expect((await flow.project(edited)).body.title).toBe(`标题 ${winner}`);
    });

    it('assigns one reviewer once: 1 × 200 and 49 × 409 reviewer-already-assigned', async () => {
      clock.set(on('2031-09-20'));
      await flow.ok(http().post(`/projects/${project}/formal-check`, tokens.recommender, { result: 'passed' }), 'formal check');
      await flow.ok(http().post(`/projects/${project}/recommend`, tokens.recommender, { rank: 1 }), 'recommend');
      const body = { reviewerId: 'expert-1', reviewerOrg: 'university-1', declaredRelations: [] };
      const results = await Promise.all(Array.from({ length: N }, () => http().post(`/projects/${project}/reviewers`, tokens.office, body)));
      expect(count(results)).toEqual({ '200 ok': 1, '409 reviewer-already-assigned': N - 1 });
      expect((await flow.eventTypes(`project-${project}`)).filter((t) => t === 'ReviewerAssigned')).toHaveLength(1);
    });

    it('assigns 50 distinct reviewers at once: each answered 200 or a retryable 409, exactly the answered ones written', async () => {
      // The office registered the 50 experts of the pool first.
      for (let i = 0; i < N; i += 1) await flow.accounts.registerPerson({ sub: `expert-c${i}`, role: 'reviewer', org: `university-c${i}` });
      const bodyOf = (i: number) => ({ reviewerId: `expert-c${i}`, reviewerOrg: `university-c${i}`, declaredRelations: [] });
      const results = await Promise.all(Array.from({ length: N }, (_, i) => http().post(`/projects/${project}/reviewers`, tokens.office, bodyOf(i))));
      const tally = count(results);
      expect(Object.keys(tally).filter((k) => k !== '200 ok' && k !== '409 concurrency-conflict')).toEqual([]);
      const succeeded = results.flatMap((r, i) => (r.status === 200 ? [`expert-c${i}`] : []));
      expect(succeeded.length).toBeGreaterThan(0);
      // Revisions answered are distinct: the successes were appended one after another.
      expect(new Set(results.filter((r) => r.status === 200).map((r) => r.body.revision)).size).toBe(succeeded.length);
      const reviewers = () => flow.project(project).then((p) => p.body.reviewers.map((r: { reviewerId: string }) => r.reviewerId) as string[]);
      expect((await reviewers()).sort()).toEqual(['expert-1', ...succeeded].sort());
      expect((await flow.eventTypes(`project-${project}`)).filter((t) => t === 'ReviewerAssigned')).toHaveLength(1 + succeeded.length);

      // What was refused wrote nothing and succeeds when sent again.
      for (const [i, r] of results.entries()) if (r.status !== 200) await flow.ok(http().post(`/projects/${project}/reviewers`, tokens.office, bodyOf(i)), `retry ${i}`);
      expect(await reviewers()).toHaveLength(1 + N);
    });
  });

  describe('the per-applicant limit under concurrency', () => {
    it('lets one of 5 drafts of one school be submitted at once in a cycle with perApplicantLimit 1; the others 409 applicant-limit-reached; a withdrawal frees the place', async () => {
      await flow.openCycle('limit-2032', 'brand-major', 2032, { rules: { perApplicantLimit: 1 }, rulesVersion: 'brand-major/2032-limit-1' });
      const cycle = (await http().get('/cycles/limit-2032', tokens.office)).body;
      expect([cycle.rules.perApplicantLimit, cycle.rulesVersion]).toEqual([1, 'brand-major/2032-limit-1']);
      tokens.limit = await applicant('limit-school');
      clock.set(on('2032-09-02'));
      const drafts: string[] = [];
      for (let i = 0; i < 5; i += 1) drafts.push(await flow.draft(tokens.limit, 'limit-2032', 'brand-major', `品牌专业 ${i}`));

      clock.set(on('2032-09-05'));
      const results = await Promise.all(drafts.map((id) => flow.submit(tokens.limit, id)));
      expect(count(results)).toEqual({ '200 ok': 1, '409 applicant-limit-reached': 4 });
      const winner = drafts[results.findIndex((r) => r.status === 200)];
      for (const id of drafts) {
        const read = (await flow.project(id)).body;
        expect([id, read.status, read.revision]).toEqual(id === winner ? [id, 'Submitted', 1] : [id, 'Draft', 0]);
      }
      const registered = (await http().get('/cycles/limit-2032', tokens.office)).body.applications;
      expect(registered).toEqual({ [winner]: { applicantOrg: creditCodeFor('limit-school'), region: '太原市' } });

      // The limit is the school's: another school still submits.
      const other = await applicant('limit-other-school');
      clock.set(on('2032-09-06'));
      const theirs = await flow.draft(other, 'limit-2032', 'brand-major', '另一所学校');
      await flow.ok(flow.submit(other, theirs), 'other school submits');

      // A withdrawn application gives its place back: the school submits another of its drafts.
      clock.set(on('2032-09-07'));
      await flow.ok(http().post(`/projects/${winner}/withdraw`, tokens.limit, { reason: '调整申报方向' }), 'withdraw');
      const freed = (await http().get('/cycles/limit-2032', tokens.office)).body.applications;
      expect(Object.keys(freed)).not.toContain(winner);
      const next = drafts.find((id) => id !== winner)!;
      await flow.ok(flow.submit(tokens.limit, next), 'submit after the withdrawal');
      expect((await flow.project(next)).body.status).toBe('Submitted');
      await refused(flow.submit(tokens.limit, drafts.find((id) => id !== winner && id !== next)!), 409, 'applicant-limit-reached');
    });
  });

  describe('quota, objections during the public notice, approval and the ban', () => {
    const CYCLE = 'quota-2033';
    const ids: Record<string, string> = {};
    let notice: { noticeId: string; endsOn: string };
    const objections: Record<string, string> = {};
    const dashboard = async (after?: string) => (await http().get(`/cycles/${CYCLE}/dashboard${after ? `?after=${after}` : ''}`, tokens.office)).body;
    const selectionOf = async (projectId: string) => (await http().get(`/cycles/${CYCLE}`, tokens.office)).body.selections[projectId];
    const object = (projectId: string, token: string, body: object) => http().post(`/projects/${projectId}/objections`, token, body);
    const named = (name: string) => ({ objector: { name, contact: `${name}@example.com` }, grounds: '申报材料数据不实', evidence: [flow.docs.evidence] });

    beforeAll(async () => {
      await flow.openCycle(CYCLE, 'secondary-school', 2033, { rules: { quota: 2, minReviewers: 1 }, rulesVersion: 'secondary-school/2033-quota-2' });
      for (const school of ['qa', 'qb', 'qc']) tokens[school] = await applicant(`school-${school}`);
      clock.set(on('2033-09-02'));
      for (const school of ['qa', 'qb', 'qc']) ids[school] = await flow.draft(tokens[school], CYCLE, 'secondary-school', `${school} 高水平中职`);
      await flow.review(
        2033,
        ['qa', 'qb', 'qc'].map((s) => ({ id: ids[s], applicant: tokens[s] })),
        tokens.recommender,
        [{ id: 'expert-1', org: 'university-1', token: tokens.reviewer }],
      );
    });

    it('refuses a shortlist over the quota (409 quota-exceeded), writing nothing; shortlists two within it', async () => {
      clock.set(on('2033-10-15'));
      const all = { shortlisted: ['qa', 'qb', 'qc'].map((s) => ({ projectId: ids[s] })), notSelected: [], reason: '评审会议纪要' };
      const etag = await flow.cycleEtag(CYCLE);
      const position = await flow.lastPosition();
      const over = await refused(http().post(`/cycles/${CYCLE}/shortlist`, tokens.office, all), 409, 'quota-exceeded');
      expect(over.details).toEqual({ quota: 2, taken: 0, requested: 3 });
      expect(await flow.cycleEtag(CYCLE)).toBe(etag);
      expect(await flow.lastPosition()).toBe(position);
      for (const s of ['qa', 'qb', 'qc']) expect(await flow.status(ids[s])).toBe('UnderReview');

      const two = await flow.ok(http().post(`/cycles/${CYCLE}/shortlist`, tokens.office, { ...all, shortlisted: all.shortlisted.slice(0, 2) }), 'shortlist two');
      expect(two.body.events).toEqual(['ApplicationWindowClosed', 'ProjectShortlisted', 'ProjectShortlisted']);
      expect([await flow.status(ids.qa), await flow.status(ids.qb), await flow.status(ids.qc)]).toEqual(['Shortlisted', 'Shortlisted', 'UnderReview']);
      expect(await dashboard(two.body.position)).toMatchObject({ quota: 2, placesTaken: 2 });
      await refused(http().post(`/cycles/${CYCLE}/shortlist`, tokens.office, { ...all, shortlisted: [{ projectId: ids.qc }] }), 409, 'quota-exceeded');
    });

    it('records objections during the notice: named with evidence filed, anonymous or evidence-less rejected, and late ones rejected', async () => {
      notice = await flow.openNotice(CYCLE, '2033-10-17');
      expect(await flow.status(ids.qa)).toBe('InPublicNotice');
      clock.set(on('2033-10-18'));
      const filed = async (projectId: string, token: string, body: object, events: string[]) => {
        const result = await flow.ok(object(projectId, token, body), 'objection');
        expect(result.body.events).toEqual(events);
        return result.body.objectionId as string;
      };
      objections.dismissed = await filed(ids.qa, tokens.qc, named('丙校'), ['ObjectionFiled']);
      objections.upheld = await filed(ids.qa, tokens.recommender, named('市教育局'), ['ObjectionFiled']);
      objections.open = await filed(ids.qb, tokens.qc, named('丙校'), ['ObjectionFiled']);
      objections.anonymous = await filed(ids.qa, tokens.qc, { grounds: '匿名举报', evidence: [flow.docs.evidence] }, ['ObjectionRejected']);
      objections.noEvidence = await filed(ids.qa, tokens.qc, { ...named('丙校'), evidence: [] }, ['ObjectionRejected']);
      clock.set(on(addCalendarDays(notice.endsOn, 1)));
      objections.late = await filed(ids.qa, tokens.qc, named('丙校'), ['ObjectionRejected']);

      const history = (await http().get(`/audit/streams/project-${ids.qa}/history`, tokens.office)).body.events as { type: string; data: { objectionId: string; reasons?: string[] } }[];
      const reasonsOf = (id: string) => history.find((e) => e.data.objectionId === id)!.data.reasons;
      expect([reasonsOf(objections.anonymous), reasonsOf(objections.noEvidence), reasonsOf(objections.late)]).toEqual([['anonymous'], ['no-evidence'], ['late']]);
      const statuses = Object.fromEntries(((await flow.project(ids.qa)).body.objections as { objectionId: string; status: string }[]).map((o) => [o.objectionId, o.status]));
      expect(statuses).toEqual({
        [objections.dismissed]: 'open',
        [objections.upheld]: 'open',
        [objections.anonymous]: 'rejected',
        [objections.noEvidence]: 'rejected',
        [objections.late]: 'rejected',
      });
    });

    it('refuses to approve a project with an open objection (409 open-objection), writing nothing', async () => {
      await flow.ok(http().post(`/cycles/${CYCLE}/end-notice`, tokens.office, { noticeId: notice.noticeId }), 'end notice');
      expect(await selectionOf(ids.qb)).toMatchObject({ status: 'notice-ended' });
      const etag = await flow.cycleEtag(CYCLE);
      const position = await flow.lastPosition();
      await refused(http().post(`/cycles/${CYCLE}/approve`, tokens.office, { projectIds: [ids.qb], reason: '公示结束' }), 409, 'open-objection');
      expect(await flow.cycleEtag(CYCLE)).toBe(etag);
      expect(await flow.lastPosition()).toBe(position);
      expect(await flow.status(ids.qb)).toBe('InPublicNotice');
    });

    it('dismisses one objection and upholds another: the project is removed and the cycle frees its place', async () => {
      const before = await dashboard();
      expect(before.placesTaken).toBe(2);
      const dismissed = await flow.ok(http().post(`/projects/${ids.qa}/objections/${objections.dismissed}/resolve`, tokens.office, { outcome: 'dismissed', reason: '经核查属实' }), 'dismiss');
      expect(dismissed.body.events).toEqual(['ObjectionDismissed']);
      expect(await flow.status(ids.qa)).toBe('InPublicNotice');
      const upheld = await flow.ok(http().post(`/projects/${ids.qa}/objections/${objections.upheld}/resolve`, tokens.office, { outcome: 'upheld', reason: '异议成立' }), 'uphold');
      expect(upheld.body.events).toEqual(['ObjectionUpheld', 'ProjectRemovedAfterObjection']);
      expect(await flow.status(ids.qa)).toBe('RemovedAfterObjection');

      expect(await selectionOf(ids.qa)).toMatchObject({ status: 'removed' });
      const cycleHistory = (await http().get(`/audit/streams/cycle-${CYCLE}/history`, tokens.office)).body.events as { type: string; position: string; data: { projectId?: string; objectionId?: string } }[];
      const removal = cycleHistory.at(-1)!;
      expect(removal).toMatchObject({ type: 'ProjectRemovedFromList', data: { projectId: ids.qa, objectionId: objections.upheld } });
      expect(await dashboard(removal.position)).toMatchObject({ quota: 2, placesTaken: 1 });

      // The freed place takes the third project.
      const third = await flow.ok(http().post(`/cycles/${CYCLE}/shortlist`, tokens.office, { shortlisted: [{ projectId: ids.qc }], notSelected: [], reason: '递补' }), 'shortlist the third');
      expect(await dashboard(third.body.position)).toMatchObject({ placesTaken: 2 });
      expect(await flow.status(ids.qc)).toBe('Shortlisted');
    });

    it('approves the project once its objection is dismissed', async () => {
      await flow.ok(http().post(`/projects/${ids.qb}/objections/${objections.open}/resolve`, tokens.office, { outcome: 'dismissed', reason: '不成立' }), 'dismiss');
      await flow.ok(http().post(`/cycles/${CYCLE}/approve`, tokens.office, { projectIds: [ids.qb], reason: '公示无异议，予以立项' }), 'approve');
      expect(await flow.status(ids.qb)).toBe('Approved');
    });

    it('bans the school of a revoked project from drafting in a new cycle of the same program (409 applicant-banned), not of another', async () => {
      clock.set(on('2033-12-01'));
      await flow.ok(http().post(`/projects/${ids.qb}/revoke`, tokens.office, { reason: 'fraud', explanation: '申报数据造假', evidence: [flow.docs.evidence] }), 'revoke');
      const revoked = (await flow.project(ids.qb)).body;
      expect([revoked.status, revoked.ban]).toEqual(['Revoked', { until: '2038-12-01', mayReapply: true }]);

      await flow.openCycle('ban-2034', 'secondary-school', 2034);
      await flow.openCycle('ban-other-2034', 'brand-major', 2034);
      clock.set(on('2034-09-02'));
      const position = await flow.lastPosition();
      const banned = await refused(
        http().post('/projects', tokens.qb, flow.draftBody('ban-2034', 'secondary-school', '再次申报'), { 'idempotency-key': 'after-ban' }),
        409,
        'applicant-banned',
      );
      expect(banned.details).toMatchObject({ until: '2038-12-01' });
      expect(await flow.lastPosition()).toBe(position);
      expect((await flow.project(nameBasedUuid('project:school-qb-user:after-ban'))).status).toBe(404);

      await flow.draft(tokens.qb, 'ban-other-2034', 'brand-major', '品牌专业');
      await flow.draft(tokens.qc, 'ban-2034', 'secondary-school', '丙校再次申报');
    });
  });
});
