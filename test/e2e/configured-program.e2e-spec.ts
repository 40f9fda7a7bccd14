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

describe('a program type added by configuration alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'als-catalog-'));
  const file = join(dir, 'catalog.json');
  const clock = new FakeClock(on('2025-09-01'));
  let running: RunningApp;

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify([{ ...STUDIO, defaultRules: { ...STUDIO.defaultRules, quota: 100 } }]));
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
