import { CLOCK } from '../../src/application/clock';
import { creditCodeFor } from '../support/accounts';
import { CROSS_STREAM_EFFECTS } from '../../src/application/cross-stream-effects';
import { CITED_DOCUMENTS } from '../../src/application/documents';
import { EVENT_STORE, EventStore } from '../../src/application/event-store';
import { FoldedStreams } from '../../src/application/folded-streams';
import { APPLICANT_RECORD, DecideProject, DecideProjectHandler } from '../../src/application/project.commands';
import { handleCommand } from '../../src/application/handle-command';
import { cycleStream, projectStream } from '../../src/application/streams';
import { Actor } from '../../src/domain/messages';
import { ProjectCommand } from '../../src/domain/project/project.commands';
import { projectDecider } from '../../src/domain/project/project.decider';
import { HttpResult } from '../support/http';
import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * What a command's answer promises holds: an Idempotency-Key names one request, a refused command
 * keeps no place on its cycle, If-Match compares strongly, and a project taken off its cycle's list
 * says so on its own stream and in every read model.
 */
describe('commands keep their promises over HTTP', () => {
  const clock = new FakeClock(on('2031-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;
  let store: EventStore;
  const http = () => flow.http;
  const tokens: Record<string, string> = {};
  /** The school's person, as the service establishes them: their id, and the registry's code and city of their school. */
  const school: Actor = { id: 'keys-user', role: 'applicant', org: creditCodeFor('keys-school'), region: '太原市' };
  const CYCLE = 'integrity-2031';

  const refused = (result: HttpResult, status: number, code: string) => expect([result.status, result.body?.code]).toEqual([status, code]);
  const typesOf = async (stream: string) => (await store.readStream(stream)).map((e) => e.type);
  const applications = async () => Object.keys((await http().get(`/cycles/${CYCLE}`, tokens.office)).body.applications);

  /** Runs `act` the moment the cycle takes a registration: between the registration and the project's append. */
  const onRegistration = (act: (projectId: string) => Promise<unknown>) => {
    const original = store.append.bind(store);
    let armed = true;
    jest.spyOn(store, 'append').mockImplementation(async (stream, events, expected) => {
      const result = await original(stream, events, expected);
      if (armed && stream === cycleStream(CYCLE) && events.some((e) => e.type === 'ApplicationRegistered')) {
        armed = false;
        await act(String((events[0].data as { projectId: string }).projectId));
      }
      return result;
    });
  };

  /** Another process's command on the same project (its own cache and queue, as a second service would have), run at the registration. */
  const interleave = (command: Pick<ProjectCommand, 'type' | 'data'>, actor: Actor = school) => {
    const elsewhere = new FoldedStreams(store);
    onRegistration(async (projectId) => {
      const decided = { ...command, actor, now: clock.now().toISOString(), context: {} } as ProjectCommand;
      await handleCommand(elsewhere, projectDecider, projectStream(projectId), decided, { commandId: `elsewhere-${projectId}`, actor, now: decided.now });
    });
  };

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    store = running.app.get(EVENT_STORE);
    flow = await ProjectFlow.start(running, clock);
    tokens.office = flow.office;
    tokens.school = await flow.token({ sub: school.id, role: 'applicant', org: 'keys-school', region: school.region });
    await flow.openCycle(CYCLE, 'brand-major', 2031);
    clock.set(on('2031-09-02'));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => running.stop());

  describe('an Idempotency-Key is bound to its request', () => {
    let project: string;
    beforeAll(async () => {
      project = await flow.draft(tokens.school, CYCLE, 'brand-major', '草稿');
    });

    it('answers the same request repeated with the first outcome, writing nothing more', async () => {
      const subject = { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' };
      const first = await http().post(`/projects/${project}/edit`, tokens.school, { title: '第一次的标题', subject }, { 'idempotency-key': 'edit-1' });
      expect([first.status, first.body.repeated, first.body.events]).toEqual([200, false, ['ApplicationEdited']]);
      const position = await flow.lastPosition();
      // The same body with its keys in another order is the same request.
      const again = await http().post(`/projects/${project}/edit`, tokens.school, { subject: { majorName: '机电一体化技术', majorCode: '460301', kind: 'major' }, title: '第一次的标题' }, { 'idempotency-key': 'edit-1' });
      expect([again.status, again.body.repeated, again.body.revision, again.body.position]).toEqual([200, true, first.body.revision, first.body.position]);
      expect(await flow.lastPosition()).toBe(position);
    });

    it('refuses the key with another body or on another route: 422 idempotency-key-reused, nothing written', async () => {
      const position = await flow.lastPosition();
      const otherBody = await http().post(`/projects/${project}/edit`, tokens.school, { title: '完全不同的标题' }, { 'idempotency-key': 'edit-1' });
      refused(otherBody, 422, 'idempotency-key-reused');
      expect(otherBody.headers.get('content-type')).toMatch(/application\/problem\+json/);
      refused(await flow.submit(tokens.school, project, { 'idempotency-key': 'edit-1' }), 422, 'idempotency-key-reused');
      expect(await flow.lastPosition()).toBe(position);
      const stored = (await flow.project(project)).body;
      expect([stored.title, stored.status]).toEqual(['第一次的标题', 'Draft']);
      expect(await applications()).not.toContain(project);
    });

    it('keys are per person: another applicant’s same key is another request', async () => {
      const other = await flow.token({ sub: 'keys-user-2', role: 'applicant', org: 'keys-school', region: '太原市' });
      const theirs = await http().post(`/projects/${project}/edit`, other, { title: '同校同事的标题' }, { 'idempotency-key': 'edit-1' });
      expect([theirs.status, theirs.body.repeated]).toEqual([200, false]);
    });

    it('writes once for concurrent repeats, and refuses the concurrent different ones', async () => {
      const same = Array.from({ length: 8 }, () => http().post(`/projects/${project}/edit`, tokens.school, { title: '并发的标题' }, { 'idempotency-key': 'edit-2' }));
      const results = await Promise.all(same);
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(new Set(results.map((r) => r.body.revision)).size).toBe(1);
      expect(results.filter((r) => !r.body.repeated).length).toBeLessThanOrEqual(1);
      const types = await typesOf(projectStream(project));
      expect(types.filter((t) => t === 'ApplicationEdited')).toHaveLength(3);
      refused(await http().post(`/projects/${project}/edit`, tokens.school, { title: '另一个' }, { 'idempotency-key': 'edit-2' }), 422, 'idempotency-key-reused');
    });
  });

  describe('If-Match compares strongly (RFC 9110)', () => {
    it('a weak tag never matches: 412, nothing written', async () => {
      const project = await flow.draft(tokens.school, CYCLE, 'brand-major', '弱标签');
      expect(await flow.etag(project)).toBe('"0"');
      const position = await flow.lastPosition();
      const weak = await http().post(`/projects/${project}/edit`, tokens.school, { title: '改' }, { 'if-match': 'W/"0"' });
      refused(weak, 412, 'revision-mismatch');
      expect(weak.body.currentRevision).toBe(0);
      expect(await flow.lastPosition()).toBe(position);
      const strong = await http().post(`/projects/${project}/edit`, tokens.school, { title: '改' }, { 'if-match': '"0"' });
      expect(strong.status).toBe(200);
    });
  });

  describe('a refused submission keeps no registration on its cycle', () => {
    it('412: the project moved on after the registration; the registration is given back', async () => {
      const project = await flow.draft(tokens.school, CYCLE, 'brand-major', '并发修改');
      interleave({ type: 'EditApplication', data: { title: '另一个进程的修改' } });
      const submitted = await flow.submit(tokens.school, project, { 'if-match': '"0"' });
      refused(submitted, 412, 'revision-mismatch');
      expect(await flow.status(project)).toBe('Draft');
      expect(await applications()).not.toContain(project);
      const types = await typesOf(cycleStream(CYCLE));
      expect(types.slice(-2)).toEqual(['ApplicationRegistered', 'RegistrationReleased']);
      // The project can still be submitted, and takes its place then.
      jest.restoreAllMocks();
      expect((await flow.submit(tokens.school, project, { 'if-match': '"1"' })).status).toBe(200);
      expect(await applications()).toContain(project);
    });

    it('a domain refusal after deciding again (the project was withdrawn meanwhile): 409, the registration given back', async () => {
      const project = await flow.draft(tokens.school, CYCLE, 'brand-major', '撤回');
      interleave({ type: 'WithdrawApplication', data: { reason: '学校决定撤回' } });
      const submitted = await flow.submit(tokens.school, project);
      expect(submitted.status).toBe(409);
      expect(await flow.status(project)).toBe('Withdrawn');
      expect(await applications()).not.toContain(project);
    });

    it('a place another process’s submission came to rely on is kept: 409 for the loser, the project Submitted and registered', async () => {
      const project = await flow.draft(tokens.school, CYCLE, 'brand-major', '两个进程同时提交');
      const before = (await typesOf(cycleStream(CYCLE))).length;
      // The other process's handler: a cache and queue of its own over the same store.
      const elsewhere = new FoldedStreams(store);
      const handler = new DecideProjectHandler(elsewhere, running.app.get(CLOCK), running.app.get(APPLICANT_RECORD), running.app.get(CROSS_STREAM_EFFECTS), running.app.get(CITED_DOCUMENTS));
      // The other process submits the same project on the registration this request just made.
      onRegistration((projectId) => handler.execute(new DecideProject(projectId, { type: 'SubmitApplication', data: flow.submitBody() }, { actor: school, commandId: 'elsewhere-submit' })));
      const loser = await flow.submit(tokens.school, project);
      refused(loser, 409, 'invalid-transition');
      expect(await flow.status(project)).toBe('Submitted');
      expect(await applications()).toContain(project);
      expect((await typesOf(cycleStream(CYCLE))).slice(before)).toEqual(['ApplicationRegistered']);
    });

    it('the places given back count for the per-applicant limit', async () => {
      const limited = await flow.token({ sub: 'limit-user', role: 'applicant', org: 'limit-school', region: '太原市' });
      const limit: number = (await http().get(`/cycles/${CYCLE}`, tokens.office)).body.rules.perApplicantLimit;
      const drafts: string[] = [];
      for (let n = 0; n < limit; n += 1) drafts.push(await flow.draft(limited, CYCLE, 'brand-major', `限额 ${n}`));
      // The first is refused after registering (412); the limit's places are still all free.
      interleave({ type: 'EditApplication', data: { title: '被改' } }, { ...school, id: 'limit-user', org: creditCodeFor('limit-school') });
      refused(await flow.submit(limited, drafts[0], { 'if-match': '"0"' }), 412, 'revision-mismatch');
      jest.restoreAllMocks();
      for (const id of drafts) expect((await flow.submit(limited, id)).status).toBe(200);
      const extra = await flow.draft(limited, CYCLE, 'brand-major', '超出限额');
      refused(await flow.submit(limited, extra), 409, 'applicant-limit-reached');
    });
  });

  describe('a project removed from the list', () => {
    const SELECTION = 'removal-2032';
    let kept: string;
    let removed: string;

    beforeAll(async () => {
      const recommender = await flow.token({ sub: 'ty-2', role: 'recommender', org: '太原市教育局', region: '太原市' });
      const reviewers = await Promise.all([1, 2, 3].map(async (n) => ({ id: `expert-${n}`, org: `university-${n}`, token: await flow.token({ sub: `expert-${n}`, role: 'reviewer', org: `university-${n}` }) })));
      const applicants = await Promise.all(['a', 'b'].map((x) => flow.token({ sub: `removal-${x}`, role: 'applicant', org: `removal-school-${x}`, region: '太原市' })));
      await flow.openCycle(SELECTION, 'brand-major', 2032, { rules: { quota: 1 }, rulesVersion: 'brand-major/2032-quota-1' });
      clock.set(on('2032-09-02'));
      kept = await flow.draft(applicants[0], SELECTION, 'brand-major', '保留');
      removed = await flow.draft(applicants[1], SELECTION, 'brand-major', '移出');
      await flow.review(2032, [{ id: removed, applicant: applicants[1] }, { id: kept, applicant: applicants[0] }], recommender, reviewers);
      clock.set(on('2032-10-15'));
      await flow.ok(http().post(`/cycles/${SELECTION}/shortlist`, tokens.office, { shortlisted: [{ projectId: removed }], notSelected: [], reason: '评审会议纪要' }), 'shortlist');
      await flow.openNotice(SELECTION, '2032-10-16');
    });

    it('reaches its removed state on its own stream, and every read model agrees', async () => {
      expect(await flow.status(removed)).toBe('InPublicNotice');
      const answer = await flow.ok(http().post(`/cycles/${SELECTION}/remove-from-list`, tokens.office, { projectId: removed, reason: '公示期间核实材料不实' }), 'remove');
      expect(await flow.status(removed)).toBe('RemovedFromList');
      expect(await typesOf(projectStream(removed))).toContain('RemovalFromListRecorded');
      const listed = (await http().get(`/projects?cycleId=${SELECTION}&after=${answer.body.position}`, tokens.office)).body.items;
      expect(listed.find((p: { id: string }) => p.id === removed).status).toBe('RemovedFromList');
      const dashboard = (await http().get(`/cycles/${SELECTION}/dashboard?after=${answer.body.position}`, tokens.office)).body;
      expect(dashboard.projectsPerStage).toEqual({ RemovedFromList: 1, UnderReview: 1 });
      // The place is free again: the next in line can be shortlisted within the quota of one.
      const next = await http().post(`/cycles/${SELECTION}/shortlist`, tokens.office, { shortlisted: [{ projectId: kept }], notSelected: [], reason: '递补' });
      expect(next.status).toBe(200);
      expect(await flow.status(kept)).toBe('Shortlisted');
    });

    it('removing it again changes nothing', async () => {
      const position = await flow.lastPosition();
      const again = await http().post(`/cycles/${SELECTION}/remove-from-list`, tokens.office, { projectId: removed, reason: '公示期间核实材料不实' });
      expect([again.status, again.body.events]).toEqual([200, []]);
      expect(await flow.lastPosition()).toBe(position);
      expect(await flow.status(removed)).toBe('RemovedFromList');
    });
  });
});
