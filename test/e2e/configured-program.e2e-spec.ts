import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { addCalendarDays } from '../../src/domain/calendar';
import { defaultCatalog, ProjectProgramType } from '../../src/domain/catalog/program-catalog';
import { addMonthsOn } from '../../src/domain/project/project.decider';
import { Accounts, creditCodeFor } from '../support/accounts';
import { client } from '../support/http';
import { expectOk, FakeClock, on, upload } from '../support/lifecycle';
import { construct, select, selectionTokens } from '../support/selection';
import { RunningApp, startTestApp } from '../support/test-app';

/** 双师型名师工作室: 100 studios, of the same shape as the plan's school programs, added by a file alone. */
const STUDIO: ProjectProgramType = {
  ...(defaultCatalog['secondary-school'] as ProjectProgramType),
  code: 'dual-teacher-studio',
  name: { zh: '双师型名师工作室', en: 'Dual-qualified master teacher studio' },
  target: 100,
  objectAppliedFor: { zh: '职业院校名师工作室', en: 'a master teacher studio of a vocational school' },
  responsibleUnits: ['省教育厅', '省人社厅'],
  rulesVersion: 'dual-teacher-studio/2020.1',
};

/** A program without construction, of the seed's 15 职业教育集团 (clause 十九): selected, published and recognised (认定). */
const GROUPS: ProjectProgramType = {
  ...(defaultCatalog['secondary-school'] as ProjectProgramType),
  code: 'vocational-education-group',
  name: { zh: '省级职业教育集团', en: 'Provincial vocational education group' },
  seedClause: '(十九)',
  target: 15,
  objectAppliedFor: { zh: '职业院校牵头组建的职业教育集团', en: 'a vocational education group led by a vocational school' },
  responsibleUnits: ['省教育厅', '省人社厅', '省国资委', '省工信厅'],
  rulesVersion: 'vocational-education-group/2020.1',
  defaultRules: { ...(defaultCatalog['secondary-school'] as ProjectProgramType).defaultRules, quota: 15, withoutConstruction: true },
};

/** 应用技术协同创新中心 (clause 十六): a school builds one with enterprises of its trade, and they apply jointly (联合申报). */
const CENTRES: ProjectProgramType = {
  ...(defaultCatalog['secondary-school'] as ProjectProgramType),
  code: 'innovation-centre',
  name: { zh: '应用技术协同创新中心', en: 'Applied technology collaborative innovation centre' },
  seedClause: '(十六)',
  target: null,
  objectAppliedFor: { zh: '职业院校与行业企业共建的协同创新中心', en: 'a centre a vocational school builds with enterprises of its trade' },
  responsibleUnits: ['省教育厅', '省发展改革委', '省工信厅'],
  rulesVersion: 'innovation-centre/2020.1',
  defaultRules: { ...(defaultCatalog['secondary-school'] as ProjectProgramType).defaultRules, partners: { min: 1, max: 5, kinds: ['enterprise'] } },
};

/** 产教融合型城市试点 (clause 十六): a city's government applies, and the province designates without a city's recommendation. */
const PILOT_CITIES: ProjectProgramType = {
  ...(defaultCatalog['secondary-school'] as ProjectProgramType),
  code: 'integration-pilot-city',
  name: { zh: '省级产教融合型城市试点', en: 'Provincial industry-education integration pilot city' },
  seedClause: '(十六)',
  target: 4,
  objectAppliedFor: { zh: '设区的市人民政府', en: 'the people’s government of a prefecture-level city' },
  responsibleUnits: ['市人民政府', '省发展改革委', '省教育厅'],
  rulesVersion: 'integration-pilot-city/2020.1',
  defaultRules: {
    ...(defaultCatalog['secondary-school'] as ProjectProgramType).defaultRules,
    quota: 4,
    applicantKinds: ['government'],
    withoutRecommendation: true,
  },
};

describe('a program type added by configuration alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'als-catalog-'));
  const file = join(dir, 'catalog.json');
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify([{ ...STUDIO, defaultRules: { ...STUDIO.defaultRules, quota: 100 } }, GROUPS, CENTRES, PILOT_CITIES]));
    running = await startTestApp({ PROGRAM_CATALOG_FILE: file }, clock);
  });
  afterAll(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a studio project from application to accreditation', async () => {
    const http = client(running);
    const tokens = await selectionTokens(running);
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'dual-teacher-studio', subject: () => ({ kind: 'school' }) }, 'studio-school', ids, 2025);
    expect((await http.get(`/cycles/${ids.cycle}`, tokens.office)).body).toMatchObject({ programType: 'dual-teacher-studio', rules: { quota: 100 }, rulesVersion: 'dual-teacher-studio/2020.1' });
    await accreditAfterConstruction(tokens, projectId, 'studio-school', 2025, STUDIO);
    expect((await http.get(`/projects/${projectId}`, tokens.office)).body).toMatchObject({ status: 'Accredited', programType: 'dual-teacher-studio' });
  });

  /** Construction from 20 November of `year` for the program's months, the final self-assessment, a passing evaluation and the accreditation. */
  async function accreditAfterConstruction(tokens: Record<string, string>, projectId: string, applicantKey: string, year: number, programType: ProjectProgramType): Promise<void> {
    const http = client(running);
    const start = await construct(running, clock, tokens, projectId, applicantKey, year);
    const applicant = tokens[applicantKey];
    const report = await upload(running, applicant, '自评报告.pdf');
    const end = addMonthsOn(start, programType.defaultRules.constructionMonths);
    clock.set(on(addCalendarDays(end, 5)));
    expectOk(await http.post(`/projects/${projectId}/final-self-assessment`, applicant, { report }), 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    expectOk(await http.post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade: programType.defaultRules.gradeScale.passing[0], findings: '完成建设任务', report }), 'evaluation');
    clock.set(on(addCalendarDays(end, 30)));
    expectOk(await http.post(`/projects/${projectId}/accredit`, tokens.office, {}), 'accredit');
  }

  it('runs a joint application (联合申报) of a school and two enterprises from application to accreditation, no partner’s expert reviewing it', async () => {
    const http = client(running);
    const tokens = await selectionTokens(running);
    const accounts = await Accounts.of(running);
    const [partnerA, partnerB] = [creditCodeFor('山西智造装备有限公司', '91'), creditCodeFor('晋中数控科技有限公司', '91')];
    const expertOfPartner = await accounts.account({ sub: 'partner-expert', role: 'reviewer', org: partnerA, orgName: '山西智造装备有限公司' });
    await accounts.organisation({ role: 'applicant', org: partnerB, orgName: '晋中数控科技有限公司' });
    const ids: Record<string, string> = {};
    const projectId = await select(
      running,
      clock,
      tokens,
      {
        programType: 'innovation-centre',
        subject: () => ({ kind: 'school' }),
        draft: { partners: [partnerA, partnerB] },
        windowOpen: async (cycleId) => {
          const unknown = creditCodeFor('未登记的企业', '91');
          const refused = await http.post('/projects', tokens['centre-school'], {
            cycleId,
            programType: 'innovation-centre',
            title: '协同创新中心',
            subject: { kind: 'school' },
            partners: [partnerA, unknown],
          });
          expect([refused.status, refused.body.code, refused.body.details?.partner]).toEqual([400, 'partner-not-registered', unknown]);
          expect(refused.headers.get('content-type')).toContain('application/problem+json');
        },
        underReview: async (id) => {
          const refused = await http.post(`/projects/${id}/reviewers`, tokens.office, { reviewerId: expertOfPartner.personId, reviewerOrg: expertOfPartner.org, declaredRelations: [] });
          expect([refused.status, refused.body.code]).toEqual([409, 'conflict-of-interest']);
        },
      },
      'centre-school',
      ids,
      2027,
    );
    const project = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    expect(project.partners).toEqual([
      { org: partnerA, kind: 'enterprise', name: '山西智造装备有限公司' },
      { org: partnerB, kind: 'enterprise', name: '晋中数控科技有限公司' },
    ]);
    await accreditAfterConstruction(tokens, projectId, 'centre-school', 2027, CENTRES);
    expect((await http.get(`/projects/${projectId}`, tokens.office)).body).toMatchObject({ status: 'Accredited', programType: 'innovation-centre', partners: project.partners });
  });

  it('runs a city pilot applied for by the city’s government, designated by the province without a city’s recommendation, to accreditation', async () => {
    const http = client(running);
    const tokens = await selectionTokens(running);
    const accounts = await Accounts.of(running);
    const ids: Record<string, string> = {};
    const projectId = await select(
      running,
      clock,
      tokens,
      {
        programType: 'integration-pilot-city',
        subject: () => ({ kind: 'school' }),
        applicant: { org: '太原市人民政府', government: true, grants: ['government-admin'] },
        withoutRecommendation: true,
        windowOpen: async (cycleId) => {
          const school = await accounts.token({ sub: 'pilot-school-user', role: 'applicant', org: '太原市某职业学校' });
          const refused = await http.post('/projects', school, { cycleId, programType: 'integration-pilot-city', title: '学校申报城市试点', subject: { kind: 'school' } });
          expect([refused.status, refused.body.code, refused.body.details?.eligible]).toEqual([403, 'applicant-kind-not-eligible', ['government']]);
        },
        underReview: async (id) => {
          const refused = await http.post(`/projects/${id}/recommend`, tokens.recommender, { rank: 1 });
          expect([refused.status, refused.body.code]).toEqual([409, 'no-recommendation-step']);
        },
      },
      'pilot-city',
      ids,
      2028,
    );
    const designated = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    expect(designated).toMatchObject({ status: 'Approved', region: '太原市', recommendation: null });
    const organisation = (await http.get(`/organisations/${designated.applicantOrg}`, tokens.office)).body;
    expect(organisation).toMatchObject({ kind: 'government', name: '太原市人民政府', city: '太原市' });
    await accreditAfterConstruction(tokens, projectId, 'pilot-city', 2028, PILOT_CITIES);
    expect((await http.get(`/projects/${projectId}`, tokens.office)).body).toMatchObject({ status: 'Accredited', programType: 'integration-pilot-city' });
    const program = (await http.get('/programs/integration-pilot-city', tokens.office)).body;
    expect(program).toMatchObject({ target: 4, quotasGiven: 4, projects: { approved: 1, accredited: 1, revoked: 0 } });
  });

  it('runs a program without construction from application to its recognition (认定), where it ends', async () => {
    const http = client(running);
    const tokens = await selectionTokens(running);
    const ids: Record<string, string> = {};
    const projectId = await select(running, clock, tokens, { programType: 'vocational-education-group', subject: () => ({ kind: 'school' }) }, 'group-lead-school', ids, 2026);
    const project = (await http.get(`/projects/${projectId}`, tokens.office)).body;
    expect(project).toMatchObject({ status: 'Recognised', programType: 'vocational-education-group' });
    expect(project.approval).toBeDefined();
    const applicant = tokens['group-lead-school'];
    const [plan, taskBook] = await Promise.all([upload(running, applicant, '建设方案.pdf'), upload(running, applicant, '任务书.pdf')]);
    const refused = await http.post(`/projects/${projectId}/construction-plan`, applicant, { plan, taskBook });
    expect([refused.status, refused.body.code]).toEqual([409, 'invalid-transition']);
    const program = (await http.get('/programs/vocational-education-group', tokens.office)).body;
    expect(program).toMatchObject({ target: 15, quotasGiven: 15, projects: { approved: 1, accredited: 1, revoked: 0 } });
    const events = (await http.get(`/audit/streams/project-${projectId}/history`, tokens.office)).body.events.map((e: { type: string }) => e.type);
    expect(events.slice(-1)).toEqual(['ProjectRecognised']);
    // Nothing is due of a recognised project: no construction plan.
    expect(project.approval).toMatchObject({ constructionPlanDueOn: null });
  });

  it('stops the service at start with a message naming the variable when the file is wrong', () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ ...STUDIO, code: 'brand-major' }]));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')], {
      env: { ...process.env, PROGRAM_CATALOG_FILE: join(dir, 'bad.json'), PORT: '0' },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('configuration: PROGRAM_CATALOG_FILE');
  });
});
