import { DomainError } from '../errors';
import {
  defaultCatalog,
  findProgramType,
  isProjectProgramType,
  ProgramCatalog,
  ProgramType,
  ProjectProgramType,
  validateCycleRules,
  validateProgramType,
  withCatalogEntry,
  withProgramType,
} from './program-catalog';
import { CycleRules } from './program-rules';

const project = (code: string): ProjectProgramType => {
  const programType = findProgramType(defaultCatalog, code);
  if (!isProjectProgramType(programType)) throw new Error(`${code} is not a school-side program`);
  return programType;
};

const errorOf = (f: () => unknown): { kind: string; code: string } | null => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return { kind: e.kind, code: e.code };
    throw e;
  }
  return null;
};

const studio: ProjectProgramType = {
  code: 'ideology-studio',
  name: { zh: '省级思政教育工作室', en: 'Ideological education studio' },
  seedClause: '(一)',
  target: 100,
  objectAppliedFor: { zh: '职业院校的思政教育工作室', en: 'an ideological education studio of a vocational school' },
  responsibleUnits: ['省教育厅', '省人社厅'],
  rulesVersion: 'ideology-studio/2020.1',
  lifecycle: 'project',
  defaultRules: { ...project('brand-major').defaultRules, quota: 100 },
};

describe('program catalog', () => {
  it('holds the program types of the 2020 plan with their seed targets', () => {
    const summary = Object.values(defaultCatalog).map((p) => [p.code, p.seedClause, p.target, p.lifecycle, p.parent ?? null]);
    expect(summary).toEqual([
      ['secondary-school', '(二)', 60, 'project', null],
      ['higher-college', '(五)', 10, 'project', null],
      ['specialty-group', '(五)', null, 'project', 'higher-college'],
      ['brand-major', '(九)', 200, 'project', null],
      ['quality-course', '(十)', 200, 'project', null],
      ['enterprise', '(十六)', null, 'enterprise', null],
    ]);
    for (const [code, programType] of Object.entries(defaultCatalog)) expect(programType.code).toBe(code);
  });

  it('keeps every default program type valid', () => {
    for (const programType of Object.values(defaultCatalog)) {
      expect(() => validateProgramType(programType, defaultCatalog)).not.toThrow();
    }
  });

  it('is plain data that survives a JSON round trip', () => {
    expect(JSON.parse(JSON.stringify(defaultCatalog))).toEqual(defaultCatalog);
  });

  it('names the responsible units of the seed', () => {
    expect(findProgramType(defaultCatalog, 'secondary-school').responsibleUnits).toEqual([
      '省教育厅', '省发展改革委', '省财政厅', '省人社厅', '市县人民政府',
    ]);
    expect(findProgramType(defaultCatalog, 'higher-college').responsibleUnits).toEqual(['省教育厅', '省发展改革委', '省财政厅', '省人社厅']);
    expect(findProgramType(defaultCatalog, 'specialty-group').responsibleUnits).toEqual(['省教育厅', '省发展改革委', '省财政厅', '省人社厅']);
    expect(findProgramType(defaultCatalog, 'brand-major').responsibleUnits).toEqual(['省教育厅', '省人社厅']);
    expect(findProgramType(defaultCatalog, 'quality-course').responsibleUnits).toEqual(['省教育厅', '省人社厅']);
    expect(findProgramType(defaultCatalog, 'enterprise').responsibleUnits).toEqual([
      '市人民政府', '省发展改革委', '省教育厅', '省财政厅', '省人社厅', '省国资委', '省工信厅', '省自然资源厅', '省税务局',
    ]);
  });

  it('carries the default rules of the domain reference', () => {
    const secondary = project('secondary-school').defaultRules;
    expect(secondary).toMatchObject({ quota: 60, constructionMonths: 36, perRecommenderLimit: 4, formalCheckDays: 28 });
    expect(secondary.publicNotice).toEqual({ length: 5, unit: 'working-days' });
    expect(secondary.gradeScale.barring).toEqual(['差']);

    const college = project('higher-college').defaultRules;
    expect(college).toMatchObject({ quota: 10, constructionMonths: 60, tiers: [] });

    const groups = project('specialty-group').defaultRules;
    expect(groups.perApplicantLimit).toBe(2);
    expect(groups.specialtyGroup).toEqual({ minMajors: 3, maxMajors: 5 });

    const major = project('brand-major').defaultRules;
    expect(major.constructionMonths).toBe(36);
    expect(major.annualReportDue).toEqual({ month: 3, day: 31 });
    expect(major.gradeScale.grades).toEqual(['优秀', '良好', '通过', '不通过']);

    const course = project('quality-course').defaultRules;
    expect(course.constructionMonths).toBeLessThanOrEqual(12);
    expect(course.course).toEqual({ minClassHours: 32, minSemestersTaught: 2, serviceYears: 5 });
    expect(course.gradeScale).toEqual({ grades: ['通过', '暂缓通过', '不通过'], passing: ['通过'], deferring: ['暂缓通过'], barring: [] });

    const enterprise = findProgramType(defaultCatalog, 'enterprise');
    expect(enterprise.lifecycle).toBe('enterprise');
    expect(enterprise.defaultRules).toMatchObject({ minIncubationMonths: 12, annualReportDue: { month: 1, day: 31 }, disqualificationBanYears: 5 });
  });

  it('adds a program type of the same shape by configuration, without changing the original catalog', () => {
    const extended = withProgramType(defaultCatalog, studio);
    expect(findProgramType(extended, 'ideology-studio')).toBe(studio);
    expect(Object.keys(extended)).toHaveLength(7);
    expect(Object.keys(defaultCatalog)).toHaveLength(6);
  });

  it('adds a child program under an existing parent', () => {
    const group: ProgramType = { ...studio, code: 'studio-member', parent: 'ideology-studio', target: null };
    const catalog = withProgramType(withProgramType(defaultCatalog, studio), group);
    expect(catalog['studio-member'].parent).toBe('ideology-studio');
    expect(errorOf(() => withProgramType(defaultCatalog, group))).toEqual({ kind: 'validation', code: 'unknown-parent-program' });
  });

  it('rejects a duplicate code and an unknown lookup', () => {
    expect(errorOf(() => withProgramType(defaultCatalog, { ...studio, code: 'brand-major' }))).toEqual({
      kind: 'validation',
      code: 'duplicate-program-type',
    });
    expect(errorOf(() => findProgramType(defaultCatalog, 'nope'))).toEqual({ kind: 'not-found', code: 'unknown-program-type' });
    expect(errorOf(() => findProgramType(defaultCatalog, 'toString'))).toEqual({ kind: 'not-found', code: 'unknown-program-type' });
  });

  it.each<[string, Partial<ProjectProgramType>, Partial<CycleRules>, string]>([
    ['a non-kebab code', { code: 'Ideology_Studio' }, {}, 'invalid-program-type'],
    ['a negative target', { target: -1 }, {}, 'invalid-target'],
    ['a fractional target', { target: 2.5 }, {}, 'invalid-target'],
    ['no responsible unit', { responsibleUnits: [] }, {}, 'invalid-program-type'],
    ['a zero quota', {}, { quota: 0 }, 'invalid-quota'],
    ['tier quotas above the quota', {}, { quota: 10, tiers: [{ name: 'A', quota: 6 }, { name: 'B', quota: 5 }] }, 'tier-quotas-exceed-quota'],
    ['a duplicate tier', {}, { tiers: [{ name: 'A', quota: 1 }, { name: 'A', quota: 1 }] }, 'invalid-tiers'],
    ['a zero tier quota', {}, { tiers: [{ name: 'A', quota: 0 }] }, 'invalid-tiers'],
    ['no day to score', {}, { reviewDays: 0 }, 'invalid-rules'],
    ['a fractional review period', {}, { reviewDays: 2.5 }, 'invalid-rules'],
    ['a passing grade outside the scale', {}, { gradeScale: { grades: ['通过', '不通过'], passing: ['优秀'], deferring: [], barring: [] } }, 'invalid-grade-scale'],
    ['a grade both passing and barring', {}, { gradeScale: { grades: ['优', '差'], passing: ['优', '差'], deferring: [], barring: ['差'] } }, 'invalid-grade-scale'],
    ['no passing grade', {}, { gradeScale: { grades: ['差'], passing: [], deferring: [], barring: ['差'] } }, 'invalid-grade-scale'],
    ['duplicate grades', {}, { gradeScale: { grades: ['优', '优'], passing: ['优'], deferring: [], barring: [] } }, 'invalid-grade-scale'],
    ['a zero-day notice', {}, { publicNotice: { length: 0, unit: 'working-days' } }, 'invalid-notice'],
    ['an unknown notice unit', {}, { publicNotice: { length: 5, unit: 'weeks' as never } }, 'invalid-notice'],
    ['a per-applicant limit of 0', {}, { perApplicantLimit: 0 }, 'invalid-rules'],
    ['a report due on 30 February', {}, { annualReportDue: { month: 2, day: 30 } }, 'invalid-rules'],
    ['a mid-term after the construction ends', {}, { constructionMonths: 12, midtermAfterMonths: 12 }, 'invalid-rules'],
    ['inverted major counts', {}, { specialtyGroup: { minMajors: 5, maxMajors: 3 } }, 'invalid-rules'],
    ['no school kinds', {}, { schoolKinds: [] }, 'invalid-rules'],
    ['a school kind the registry does not know', {}, { schoolKinds: ['大学' as never] }, 'invalid-rules'],
    ['a school kind named twice', {}, { schoolKinds: ['中职', '中职'] }, 'invalid-rules'],
    ['an applicant kind the rules do not know', {}, { applicantKinds: ['bureau' as never] }, 'invalid-rules'],
    ['no applicant kinds', {}, { applicantKinds: [] }, 'invalid-rules'],
    ['a government as a partner', {}, { partners: { min: 1, max: 3, kinds: ['government' as never] } }, 'invalid-rules'],
    ['more partners required than allowed', {}, { partners: { min: 4, max: 2, kinds: ['enterprise'] } }, 'invalid-rules'],
    ['no partners allowed', {}, { partners: { min: 0, max: 0, kinds: ['enterprise'] } }, 'invalid-rules'],
    ['withoutRecommendation not a boolean', {}, { withoutRecommendation: 'yes' as never }, 'invalid-rules'],
    ['a rubric whose maxima add up to 80', {}, { rubric: { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 80 }] }] } }, 'invalid-rubric'],
    ['an aggregate rule it does not know', {}, { aggregate: 'median' as never }, 'invalid-rules'],
    ['a cut-off above 100', {}, { cutOff: 101 }, 'invalid-rules'],
  ])('rejects a program type with %s', (_label, fields, rules, code) => {
    const candidate = { ...studio, ...fields, defaultRules: { ...studio.defaultRules, ...rules } } as ProjectProgramType;
    expect(errorOf(() => withProgramType(defaultCatalog, candidate))).toEqual({ kind: 'validation', code });
  });

  it('lets each program take the schools of its kinds: 中职 and 技工学校 the secondary schools, 高职 the colleges and their groups', () => {
    expect(project('secondary-school').defaultRules.schoolKinds).toEqual(['中职', '技工学校']);
    expect(project('higher-college').defaultRules.schoolKinds).toEqual(['高职']);
    expect(project('specialty-group').defaultRules.schoolKinds).toEqual(['高职']);
    expect(project('brand-major').defaultRules.schoolKinds).toEqual(['中职', '技工学校', '高职', '本科']);
    expect(project('quality-course').defaultRules.schoolKinds).toEqual(['中职', '技工学校', '高职', '本科']);
  });

  it('accepts tiers whose quotas add up to at most the quota', () => {
    const rules: CycleRules = { ...project('higher-college').defaultRules, tiers: [{ name: 'A', quota: 3 }, { name: 'B', quota: 3 }, { name: 'C', quota: 4 }] };
    expect(() => validateCycleRules(rules)).not.toThrow();
  });

  it('validates an enterprise scheme of the same shape', () => {
    const base = findProgramType(defaultCatalog, 'enterprise');
    const catalog: ProgramCatalog = withProgramType(defaultCatalog, { ...base, code: 'city-enterprise', rulesVersion: 'city-enterprise/2024.1' });
    expect(catalog['city-enterprise'].lifecycle).toBe('enterprise');
    expect(
      errorOf(() => withProgramType(defaultCatalog, { ...base, code: 'bad-enterprise', defaultRules: { ...base.defaultRules, certificateValidityYears: 0 } } as ProgramType)),
    ).toEqual({ kind: 'validation', code: 'invalid-rules' });
  });

  it('given a catalog file restating built-in types, when it is read, then their rules change under a rules version of their own, the rest kept', () => {
    const restated = withCatalogEntry(
      withCatalogEntry(defaultCatalog, { code: 'enterprise', rulesVersion: 'enterprise/2027.1', defaultRules: { certificateValidityYears: 4 } }),
      {
        code: 'brand-major',
        rulesVersion: 'brand-major/2027.1',
        target: 240,
        defaultRules: { bans: { suspensionYears: 100, revocationYears: 3 }, gradeScale: { grades: ['合格', '不合格'], passing: ['合格'], deferring: [], barring: ['不合格'] } },
      },
    );
    expect(restated.enterprise.defaultRules).toEqual({ ...defaultCatalog.enterprise.defaultRules, certificateValidityYears: 4 });
    expect(restated.enterprise.rulesVersion).toBe('enterprise/2027.1');
    const major = restated['brand-major'] as ProjectProgramType;
    expect([major.target, major.rulesVersion, major.defaultRules.bans.revocationYears, major.defaultRules.gradeScale.barring]).toEqual([240, 'brand-major/2027.1', 3, ['不合格']]);
    expect(major.defaultRules.constructionMonths).toBe(project('brand-major').defaultRules.constructionMonths);
    expect(defaultCatalog['brand-major'].rulesVersion).toBe('brand-major/2026.2');
    // A target alone is no rule: it keeps the rules version.
    expect(withCatalogEntry(defaultCatalog, { code: 'quality-course', target: 300 })['quality-course']).toMatchObject({ target: 300, rulesVersion: 'quality-course/2026.2' });
    // An entry with a new code adds a program type, as before.
    expect(Object.keys(withCatalogEntry(defaultCatalog, studio))).toContain('ideology-studio');
  });

  it('refuses a restatement under the same rules version, of a field that is not a rule, target or name, or with rules that do not fit', () => {
    expect(errorOf(() => withCatalogEntry(defaultCatalog, { code: 'enterprise', rulesVersion: 'enterprise/2020.1', defaultRules: { certificateValidityYears: 4 } }))).toEqual({
      kind: 'validation',
      code: 'rules-version-required',
    });
    expect(errorOf(() => withCatalogEntry(defaultCatalog, { code: 'brand-major', rulesVersion: 'x/1', lifecycle: 'enterprise' } as never))).toEqual({
      kind: 'validation',
      code: 'invalid-program-type',
    });
    expect(errorOf(() => withCatalogEntry(defaultCatalog, { code: 'enterprise', rulesVersion: 'enterprise/2027.1', defaultRules: { certificateValidityYears: 0 } }))).toEqual({
      kind: 'validation',
      code: 'invalid-rules',
    });
    expect(errorOf(() => withCatalogEntry(defaultCatalog, { code: 'brand-major', rulesVersion: 'brand-major/2027.1', defaultRules: { midtermAfterMonths: 40 } }))).toEqual({
      kind: 'validation',
      code: 'invalid-rules',
    });
  });
});
