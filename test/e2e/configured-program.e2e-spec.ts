import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { addCalendarDays } from '../../src/domain/calendar';
import { defaultCatalog, ProjectProgramType } from '../../src/domain/catalog/program-catalog';
import { addMonthsOn } from '../../src/domain/project/project.decider';
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

describe('a program type added by configuration alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'als-catalog-'));
  const file = join(dir, 'catalog.json');
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify([{ ...STUDIO, defaultRules: { ...STUDIO.defaultRules, quota: 100 } }, GROUPS]));
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
    const start = await construct(running, clock, tokens, projectId, 'studio-school', 2025);
    const applicant = tokens['studio-school'];
    const report = await upload(running, applicant, '自评报告.pdf');
    const end = addMonthsOn(start, STUDIO.defaultRules.constructionMonths);
    clock.set(on(addCalendarDays(end, 5)));
    expectOk(await http.post(`/projects/${projectId}/final-self-assessment`, applicant, { report }), 'self-assessment');
    clock.set(on(addCalendarDays(end, 20)));
    expectOk(await http.post(`/projects/${projectId}/final-evaluation`, tokens.office, { grade: '优', findings: '完成建设任务', report }), 'evaluation');
    clock.set(on(addCalendarDays(end, 30)));
    expectOk(await http.post(`/projects/${projectId}/accredit`, tokens.office, {}), 'accredit');
    expect((await http.get(`/projects/${projectId}`, tokens.office)).body).toMatchObject({ status: 'Accredited', programType: 'dual-teacher-studio' });
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
