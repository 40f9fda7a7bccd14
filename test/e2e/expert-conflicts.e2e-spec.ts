import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * The conflict-of-interest check on assigning a reviewer who is a person of the service: the registry
 * says their organisation, their expert profile the organisations they declared a relation with, and
 * only people in the reviewer pool (an expert grant) review — whatever the office typed.
 */
describe('assigning experts of the reviewer pool', () => {
  const clock = new FakeClock(on('2025-09-01'));
  const SCHOOL = '12140100MB1000001K';
  const UNIVERSITY = '12140100MB1000002N';
  let running: RunningApp;
  let flow: ProjectFlow;
  let projectId: string;
  let admin: string;

  /** A person of the university, in the reviewer pool unless `expert` is false, with the affiliations they declared. */
  async function expert(name: string, affiliations: string[], inPool = true): Promise<string> {
    const registered = await flow.ok(flow.http.post('/people', admin, { name, organisationId: UNIVERSITY }), `register ${name}`);
    const personId = registered.body.personId as string;
    if (inPool) {
      await flow.ok(flow.http.post(`/people/${personId}/grants`, admin, { kind: 'expert', reason: '入选评审专家库' }), `grant ${name}`);
      const own = await flow.accounts.signIn(personId);
      await flow.ok(flow.http.post(`/people/${personId}/expert-profile`, own, { fields: ['装备制造'], affiliations }), `profile ${name}`);
    }
    return personId;
  }

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
    // The office's first admin, set up with the first start's link.
    admin = flow.accounts.admin.token;
    await flow.ok(flow.http.post('/organisations', admin, { kind: 'school', creditCode: UNIVERSITY, name: '山西大学', city: '太原市', schoolKind: '本科' }), 'register the university');

    await flow.openCycle('experts-2025', 'brand-major', 2025);
    const applicant = await flow.token({ sub: 'school-lead', role: 'applicant', org: SCHOOL, region: '太原市' });
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    projectId = await flow.draft(applicant, 'experts-2025', 'brand-major', '机电一体化技术品牌专业');
    await flow.review(2025, [{ id: projectId, applicant }], recommender, []);
    expect(await flow.status(projectId)).toBe('Recommended');
  });
  afterAll(() => running.stop());

  const assign = (reviewerId: string, reviewerOrg = 'typed-by-the-office') => flow.http.post(`/projects/${projectId}/reviewers`, flow.office, { reviewerId, reviewerOrg, declaredRelations: [] });

  it('refuses an expert whose profile declares a relation with the applicant, though the office declared none', async () => {
    const related = await expert('李教授', [SCHOOL]);
    const refused = await assign(related);
    expect([refused.status, refused.body.code]).toEqual([409, 'conflict-of-interest']);
  });

  it('refuses a registered person who is not in the reviewer pool', async () => {
    const outsider = await expert('王老师', [], false);
    const refused = await assign(outsider);
    expect([refused.status, refused.body.code]).toEqual([409, 'not-an-expert']);
  });

  it('assigns an expert with the registry’s organisation and their declared affiliations on record', async () => {
    const impartial = await expert('赵教授', ['91140100MA0K12345Y']);
    const assigned = await assign(impartial);
    expect(assigned.status).toBe(200);
    const project = await flow.project(projectId);
    expect(project.body.reviewers).toEqual([expect.objectContaining({ reviewerId: impartial, reviewerOrg: UNIVERSITY, recused: false })]);
    const history = await flow.http.get(`/audit/streams/project-${projectId}/history`, flow.office);
    const event = (history.body.events as { type: string; data: unknown }[]).find((e) => e.type === 'ReviewerAssigned');
    expect(event?.data).toMatchObject({ reviewerId: impartial, reviewerOrg: UNIVERSITY, declaredRelations: ['91140100MA0K12345Y'] });
  });
});
