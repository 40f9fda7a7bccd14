import { DomainError } from '../errors';
import {
  defaultCatalog,
  findProgramType,
  isProjectProgramType,
  ProgramCatalog,
  ProgramType,
  ProjectProgramType,
  validateCycleRules,
  validateEnterpriseRules,
  validateProgramType,
  withCatalogEntry,
  withProgramType,
} from './program-catalog';
import { expectRefusal } from '../../../test/support/decider-spec';
import { CycleRules, EnterpriseRules, MIDTERM_MIN_TASKS_PERCENT_UNSET, REVIEW_DAYS_UNSET } from './program-rules';

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

/** The rules every school-side program of the plan shares, as the domain reference states them. */
const PLAN_COMMON = {
  performance: {
    consequences: [
      { poorYears: 1, actions: ['warning', 'reduced-grant'] },
      { poorYears: 2, actions: ['rectification'] },
      { poorYears: 3, actions: ['removal'] },
    ],
    grantReductionPercent: 20,
  },
  tiers: [],
  formalCheckDays: 28,
  minReviewers: 3,
  reviewDays: 14,
  publicNotice: { length: 5, unit: 'working-days' },
  constructionPlanDueDays: 30,
  annualReportDue: { month: 3, day: 31 },
  maxRectificationMonths: 24,
  bans: { suspensionYears: 100, revocationYears: 5 },
};
const FOUR_LEVELS = { grades: ['优', '良', '中', '差'], passing: ['优', '良', '中'], deferring: [], barring: ['差'] };
const EVERY_SCHOOL = ['中职', '技工学校', '高职', '本科'];

describe('the seed catalog’s default rules', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['secondary-school', 'secondary-school/2026.1', {
      quota: 60, perApplicantLimit: 1, perRecommenderLimit: 4, schoolKinds: ['中职', '技工学校'], constructionMonths: 36, midtermAfterMonths: 18, gradeScale: FOUR_LEVELS,
    }],
    ['higher-college', 'higher-college/2026.1', {
      quota: 10, perApplicantLimit: 1, perRecommenderLimit: 4, schoolKinds: ['高职'], constructionMonths: 60, midtermAfterMonths: 30, gradeScale: FOUR_LEVELS,
      specialtyGroup: { minMajors: 3, maxMajors: 5 },
    }],
    ['specialty-group', 'specialty-group/2026.1', {
      quota: 20, perApplicantLimit: 2, perRecommenderLimit: 8, schoolKinds: ['高职'], constructionMonths: 60, midtermAfterMonths: 30, gradeScale: FOUR_LEVELS,
      specialtyGroup: { minMajors: 3, maxMajors: 5 },
    }],
    ['brand-major', 'brand-major/2026.2', {
      quota: 200, perApplicantLimit: 3, perRecommenderLimit: 20, schoolKinds: EVERY_SCHOOL, reapplication: { identity: 'major' }, constructionMonths: 36, midtermAfterMonths: 18,
      gradeScale: { grades: ['优秀', '良好', '通过', '不通过'], passing: ['优秀', '良好', '通过'], deferring: [], barring: [] },
    }],
    ['quality-course', 'quality-course/2026.2', {
      quota: 200, perApplicantLimit: 5, perRecommenderLimit: 20, schoolKinds: EVERY_SCHOOL, reapplication: { identity: 'course' }, constructionMonths: 12, midtermAfterMonths: 6,
      maxRectificationMonths: 12, gradeScale: { grades: ['通过', '暂缓通过', '不通过'], passing: ['通过'], deferring: ['暂缓通过'], barring: [] },
      course: { minClassHours: 32, minSemestersTaught: 2, serviceYears: 5 },
    }],
  ])('gives %s the rules of the plan, under version %s', (code, rulesVersion, own) => {
    const programType = project(code);
    expect(programType.rulesVersion).toBe(rulesVersion);
    expect(programType.defaultRules).toEqual({ ...PLAN_COMMON, ...own });
  });

  it('gives the enterprise scheme its certification rules, under version enterprise/2020.1', () => {
    const enterprise = findProgramType(defaultCatalog, 'enterprise');
    expect(isProjectProgramType(enterprise)).toBe(false);
    expect(isProjectProgramType(project('brand-major'))).toBe(true);
    expect(enterprise.rulesVersion).toBe('enterprise/2020.1');
    expect(enterprise.defaultRules).toEqual({
      threeYearPlanDueMonths: 3,
      minIncubationMonths: 12,
      annualReportDue: { month: 1, day: 31 },
      disqualificationBanYears: 5,
      certificateValidityYears: 3,
      publicNotice: { length: 5, unit: 'working-days' },
    });
  });
});

describe('a cycle’s rules', () => {
  /** The brand majors' rules with some changed: performance and reapplication set, no specialty group, no course. */
  const rulesWith = (changes: Record<string, unknown>): CycleRules => ({ ...project('brand-major').defaultRules, ...changes }) as CycleRules;
  const accepts = (changes: Record<string, unknown>) => expect(() => validateCycleRules(rulesWith(changes))).not.toThrow();
  const refuses = (changes: Record<string, unknown>, code: string, details?: Record<string, unknown>) =>
    expectRefusal(() => validateCycleRules(rulesWith(changes)), code, 'validation', details);

  it('refuses a quota that is not a positive whole number, and accepts a quota of one', () => {
    for (const quota of [0, -1, 2.5, '5']) refuses({ quota }, 'invalid-quota', { quota });
    accepts({ quota: 1 });
  });

  it.each(['perApplicantLimit', 'perRecommenderLimit', 'minReviewers', 'maxRectificationMonths', 'midtermAfterMonths', 'reviewDays'])(
    'requires %s to be a whole number of at least one',
    (field) => {
      for (const value of [0, -1, 1.5]) refuses({ [field]: value }, 'invalid-rules', { field, value });
      accepts({ [field]: 1 });
    },
  );

  it.each(['formalCheckDays', 'constructionPlanDueDays', 'midtermMinTasksPercent'])('requires %s to be a whole number of zero or more', (field) => {
    for (const value of [-1, 0.5]) refuses({ [field]: value }, 'invalid-rules', { field, value });
    accepts({ [field]: 0 });
  });

  it('uses two weeks to score where rules predate the review period, and the default percentage of tasks done', () => {
    accepts({ reviewDays: undefined, midtermMinTasksPercent: undefined });
    expect(REVIEW_DAYS_UNSET).toBe(14);
    expect(MIDTERM_MIN_TASKS_PERCENT_UNSET).toBe(30);
  });

  it('takes the mid-term share of tasks done as a percentage: 100 at most', () => {
    accepts({ midtermMinTasksPercent: 100 });
    refuses({ midtermMinTasksPercent: 101 }, 'invalid-rules', { value: 101 });
  });

  it('needs the construction to last a whole number of months, the mid-term falling within it', () => {
    for (const value of [0, 1.5]) refuses({ constructionMonths: value }, 'invalid-rules', { field: 'constructionMonths', value });
    accepts({ constructionMonths: 19, midtermAfterMonths: 18 });
    refuses({ constructionMonths: 18, midtermAfterMonths: 18 }, 'invalid-rules', { midtermAfterMonths: 18, constructionMonths: 18 });
    refuses({ constructionMonths: 17, midtermAfterMonths: 18 }, 'invalid-rules', { midtermAfterMonths: 18, constructionMonths: 17 });
  });

  it.each([
    [1, 1], [1, 31], [2, 28], [4, 30], [6, 30], [9, 30], [11, 30], [12, 31], [7, 31],
  ])('accepts annual reports due on %i/%i, a day every year has', (month, day) => {
    accepts({ annualReportDue: { month, day } });
  });

  it.each([
    [0, 1], [13, 1], [1, 0], [1, 32], [2, 29], [4, 31], [6, 31], [9, 31], [11, 31], [1.5, 1], [3, 1.5],
  ])('refuses annual reports due on %s/%s, a day not every year has', (month, day) => {
    refuses({ annualReportDue: { month, day } }, 'invalid-rules', { field: 'annualReportDue' });
  });

  it('refuses rules without an annual report day', () => {
    refuses({ annualReportDue: null }, 'invalid-rules', { field: 'annualReportDue' });
  });

  it('needs a public notice of a positive whole number of working or calendar days', () => {
    accepts({ publicNotice: { length: 1, unit: 'calendar-days' } });
    accepts({ publicNotice: { length: 1, unit: 'working-days' } });
    for (const publicNotice of [{ length: 0, unit: 'working-days' }, { length: 1.5, unit: 'calendar-days' }, { length: 5, unit: 'weeks' }]) {
      refuses({ publicNotice }, 'invalid-notice', publicNotice);
    }
    refuses({ publicNotice: null }, 'invalid-notice', {});
  });

  it('needs tiers as a list of named tiers, each once, with positive whole quotas adding up to at most the quota', () => {
    refuses({ tiers: 'A' }, 'invalid-tiers');
    refuses({ tiers: [{ name: ' ', quota: 1 }] }, 'invalid-tiers');
    refuses({ tiers: [{ quota: 1 }] }, 'invalid-tiers');
    refuses({ tiers: [{ name: 'A', quota: 1 }, { name: 'A', quota: 1 }] }, 'invalid-tiers', { tier: 'A' });
    refuses({ tiers: [{ name: 'A', quota: 1.5 }] }, 'invalid-tiers', { tier: 'A' });
    accepts({ quota: 3, tiers: [{ name: 'A', quota: 1 }, { name: 'B', quota: 2 }] });
    refuses({ quota: 3, tiers: [{ name: 'A', quota: 2 }, { name: 'B', quota: 2 }] }, 'tier-quotas-exceed-quota', { total: 4, quota: 3 });
  });

  it('needs both ban lengths, of zero years or more', () => {
    expectRefusal(() => validateCycleRules(rulesWith({ bans: undefined })), 'invalid-rules');
    accepts({ bans: { suspensionYears: 0, revocationYears: 0 } });
    refuses({ bans: { suspensionYears: -1, revocationYears: 0 } }, 'invalid-rules', { field: 'bans.suspensionYears', value: -1 });
    refuses({ bans: { suspensionYears: 0, revocationYears: -1 } }, 'invalid-rules', { field: 'bans.revocationYears', value: -1 });
  });

  it('needs a specialty group of at least one major, at most as many as its maximum, standalone or not', () => {
    accepts({ specialtyGroup: { minMajors: 1, maxMajors: 1 } });
    accepts({ specialtyGroup: { minMajors: 3, maxMajors: 5, standaloneGroups: true } });
    accepts({ specialtyGroup: { minMajors: 3, maxMajors: 5, standaloneGroups: false } });
    refuses({ specialtyGroup: { minMajors: 0, maxMajors: 5 } }, 'invalid-rules', { field: 'specialtyGroup.minMajors', value: 0 });
    refuses({ specialtyGroup: { minMajors: 1, maxMajors: 0 } }, 'invalid-rules', { field: 'specialtyGroup.maxMajors', value: 0 });
    refuses({ specialtyGroup: { minMajors: 3, maxMajors: 5, standaloneGroups: 'yes' } }, 'invalid-rules', { field: 'specialtyGroup.standaloneGroups' });
    refuses({ specialtyGroup: { minMajors: 4, maxMajors: 3 } }, 'invalid-rules', { minMajors: 4, maxMajors: 3 });
  });

  it('takes school kinds and applicant kinds as lists of known kinds, each once', () => {
    accepts({ schoolKinds: undefined, applicantKinds: undefined });
    accepts({ schoolKinds: ['本科'], applicantKinds: ['school', 'enterprise', 'government'] });
    for (const schoolKinds of [[], '中职', ['中职', '中职'], ['大学']]) refuses({ schoolKinds }, 'invalid-rules', { field: 'schoolKinds', schoolKinds });
    for (const applicantKinds of [[], ['school', 'school'], ['bureau']]) refuses({ applicantKinds }, 'invalid-rules', { field: 'applicantKinds', applicantKinds });
  });

  it.each(['withoutConstruction', 'withoutRecommendation'])('takes %s as true or false', (flag) => {
    accepts({ [flag]: true });
    accepts({ [flag]: false });
    refuses({ [flag]: 'yes' }, 'invalid-rules', { field: flag });
    refuses({ [flag]: 1 }, 'invalid-rules', { field: flag });
  });

  it('scores by a valid rubric, or by a single score when there is none', () => {
    accepts({ rubric: null });
    accepts({ rubric: undefined });
    accepts({ rubric: { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 100 }] }] } });
    refuses({ rubric: { dimensions: [] } }, 'invalid-rubric');
  });

  it('aggregates by the mean or the trimmed mean, and cuts off at a score from 0 to 100 or not at all', () => {
    for (const aggregate of [undefined, 'mean', 'trimmed-mean']) accepts({ aggregate });
    refuses({ aggregate: 'median' }, 'invalid-rules', { field: 'aggregate' });
    for (const cutOff of [undefined, null, 0, 60.5, 100]) accepts({ cutOff });
    for (const cutOff of [-0.5, 100.5, '60']) refuses({ cutOff }, 'invalid-rules', { field: 'cutOff' });
  });

  it('admits joint applications with zero or more partners of known kinds, up to a positive maximum', () => {
    accepts({ partners: null });
    accepts({ partners: { min: 0, max: 1, kinds: ['school', 'enterprise'] } });
    accepts({ partners: { min: 2, max: 2, kinds: ['enterprise'] } });
    refuses({ partners: { min: 0, max: 1, kinds: [] } }, 'invalid-rules', { field: 'partners.kinds', 'partners.kinds': [] });
    refuses({ partners: { min: -1, max: 1, kinds: ['school'] } }, 'invalid-rules', { field: 'partners.min', value: -1 });
    refuses({ partners: { min: 0, max: 0, kinds: ['school'] } }, 'invalid-rules', { field: 'partners.max', value: 0 });
    refuses({ partners: { min: 3, max: 2, kinds: ['school'] } }, 'invalid-rules', { min: 3, max: 2, kinds: ['school'] });
  });

  it('keeps a selected major or course from applying again, by major or by course', () => {
    for (const reapplication of [null, undefined, { identity: 'major' }, { identity: 'course' }]) accepts({ reapplication });
    refuses({ reapplication: { identity: 'school' } }, 'invalid-rules', { field: 'reapplication.identity' });
  });

  it('needs a quality course’s class hours and service years to be positive, its semesters taught zero or more', () => {
    const course = { minClassHours: 32, minSemestersTaught: 2, serviceYears: 5 };
    accepts({ course: { minClassHours: 1, minSemestersTaught: 0, serviceYears: 1 } });
    refuses({ course: { ...course, minClassHours: 0 } }, 'invalid-rules', { field: 'course.minClassHours', value: 0 });
    refuses({ course: { ...course, minSemestersTaught: -1 } }, 'invalid-rules', { field: 'course.minSemestersTaught', value: -1 });
    refuses({ course: { ...course, serviceYears: 0 } }, 'invalid-rules', { field: 'course.serviceYears', value: 0 });
  });
});

describe('a cycle’s yearly performance rules', () => {
  /** The secondary schools' rules (优/良/中/差) with other performance rules. */
  const withPerformance = (performance: Record<string, unknown>): CycleRules =>
    ({ ...project('secondary-school').defaultRules, performance: { ...PLAN_COMMON.performance, ...performance } }) as CycleRules;
  const refusesPerformance = (performance: Record<string, unknown>) =>
    expectRefusal(() => validateCycleRules(withPerformance(performance)), 'invalid-rules', 'validation', { field: 'performance' });

  it('accepts poor grades of the scale that do not pass, no consequences, and every action the rules know', () => {
    for (const performance of [
      { poorGrades: ['差'] },
      { poorGrades: [] },
      { consequences: [] },
      { consequences: [{ poorYears: 1, actions: ['warning', 'reduced-grant', 'rectification', 'removal'] }] },
      { grantReductionPercent: 0 },
      { grantReductionPercent: 100 },
    ]) {
      expect(() => validateCycleRules(withPerformance(performance))).not.toThrow();
    }
    expect(() => validateCycleRules({ ...project('secondary-school').defaultRules, performance: null })).not.toThrow();
    expect(() => validateCycleRules({ ...project('secondary-school').defaultRules, performance: undefined })).not.toThrow();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a poor grade the scale lacks', { poorGrades: ['劣'] }, 'poor grades are grades of the scale'],
    ['poor grades that are not a list', { poorGrades: '差' }, 'poor grades are grades of the scale'],
    ['a passing grade as poor', { poorGrades: ['中', '差'] }, 'a passing grade is not poor'],
    ['consequences that are not a list', { consequences: { poorYears: 1 } }, 'consequences are a list'],
    ['a run of no years', { consequences: [{ poorYears: 0, actions: ['warning'] }] }, 'each consequence is for a run of whole years, each length once'],
    ['a run of a year and a half', { consequences: [{ poorYears: 1.5, actions: ['warning'] }] }, 'each consequence is for a run of whole years, each length once'],
    ['the same run twice', { consequences: [{ poorYears: 1, actions: ['warning'] }, { poorYears: 1, actions: ['removal'] }] }, 'each consequence is for a run of whole years, each length once'],
    ['a consequence without actions', { consequences: [{ poorYears: 1, actions: [] }] }, 'actions are warning, reduced-grant, rectification, removal'],
    ['actions that are not a list', { consequences: [{ poorYears: 1, actions: 'warning' }] }, 'actions are warning, reduced-grant, rectification, removal'],
    ['an action the rules do not know', { consequences: [{ poorYears: 1, actions: ['warning', 'fine'] }] }, 'actions are warning, reduced-grant, rectification, removal'],
    ['a negative grant reduction', { grantReductionPercent: -1 }, 'grantReductionPercent is from 0 to 100'],
    ['a grant reduction above 100 %', { grantReductionPercent: 101 }, 'grantReductionPercent is from 0 to 100'],
    ['no grant reduction', { grantReductionPercent: undefined }, 'grantReductionPercent is from 0 to 100'],
  ])('refuses %s, saying what the rule is', (_what, performance, says) => {
    expect(refusesPerformance(performance).message).toBe(`performance: ${says}`);
  });
});

describe('a grade scale', () => {
  const check = (scale: unknown) => () => validateCycleRules({ ...project('brand-major').defaultRules, performance: null, gradeScale: scale as never });

  it('accepts grades that pass, defer and bar, each drawn from the scale and none in two groups', () => {
    expect(check({ grades: ['通过', '暂缓通过', '不通过'], passing: ['通过'], deferring: ['暂缓通过'], barring: ['不通过'] })).not.toThrow();
  });

  it.each<[string, unknown, string]>([
    ['no scale', null, 'needs grades'],
    ['grades that are not a list', { grades: '优', passing: ['优'], deferring: [], barring: [] }, 'needs grades'],
    ['no grades', { grades: [], passing: [], deferring: [], barring: [] }, 'needs grades'],
    ['a blank grade', { grades: ['优', ' '], passing: ['优'], deferring: [], barring: [] }, 'needs grades'],
    ['a grade twice', { grades: ['优', '优'], passing: ['优'], deferring: [], barring: [] }, 'unique'],
    ['no list of passing grades', { grades: ['优'], deferring: [], barring: [] }, 'passing grades are required'],
    ['no list of deferring grades', { grades: ['优'], passing: ['优'], barring: [] }, 'deferring grades are required'],
    ['no list of barring grades', { grades: ['优'], passing: ['优'], deferring: [] }, 'barring grades are required'],
    ['a passing grade outside the scale', { grades: ['优', '差'], passing: ['良'], deferring: [], barring: [] }, 'passing grade 良 is not'],
    ['a deferring grade outside the scale', { grades: ['优', '差'], passing: ['优'], deferring: ['中'], barring: [] }, 'deferring grade 中 is not'],
    ['a barring grade outside the scale', { grades: ['优', '差'], passing: ['优'], deferring: [], barring: ['劣'] }, 'barring grade 劣 is not'],
    ['no passing grade', { grades: ['优', '差'], passing: [], deferring: [], barring: ['差'] }, 'must pass'],
    ['a grade that passes and defers', { grades: ['优', '中'], passing: ['优', '中'], deferring: ['中'], barring: [] }, 'both pass'],
    ['a grade that passes and bars', { grades: ['优', '差'], passing: ['优', '差'], deferring: [], barring: ['差'] }, 'both pass'],
    ['a grade that defers and bars', { grades: ['优', '差'], passing: ['优'], deferring: ['差'], barring: ['差'] }, 'both pass'],
  ])('refuses %s, naming the scale and what is wrong with it', (_what, gradeScale, says) => {
    expect(expectRefusal(check(gradeScale), 'invalid-grade-scale', 'validation', { gradeScale }).message).toContain(says);
  });
});

describe('the enterprise scheme’s rules', () => {
  const base = findProgramType(defaultCatalog, 'enterprise').defaultRules as EnterpriseRules;
  const check = (changes: Record<string, unknown>) => () => validateEnterpriseRules({ ...base, ...changes } as EnterpriseRules);

  it.each([
    ['threeYearPlanDueMonths', 1, 0],
    ['certificateValidityYears', 1, 0],
    ['minIncubationMonths', 0, -1],
    ['disqualificationBanYears', 0, -1],
  ])('accepts %s of %i and refuses one below', (field, lowest, below) => {
    expect(check({ [field]: lowest })).not.toThrow();
    expectRefusal(check({ [field]: below }), 'invalid-rules', 'validation', { field, value: below });
    expectRefusal(check({ [field]: lowest + 0.5 }), 'invalid-rules', 'validation', { field, value: lowest + 0.5 });
  });

  it('needs an annual report day that every year has, and a valid public notice', () => {
    expect(check({ annualReportDue: { month: 12, day: 31 } })).not.toThrow();
    expectRefusal(check({ annualReportDue: { month: 2, day: 29 } }), 'invalid-rules', 'validation', { field: 'annualReportDue' });
    expectRefusal(check({ publicNotice: { length: 0, unit: 'calendar-days' } }), 'invalid-notice', 'validation', { length: 0, unit: 'calendar-days' });
  });
});

describe('a program type’s shape', () => {
  const adding = (fields: Record<string, unknown>, catalog: ProgramCatalog = defaultCatalog) => () => withProgramType(catalog, { ...studio, ...fields } as ProgramType);
  const refusedShape = (fields: Record<string, unknown>) => expectRefusal(adding(fields), 'invalid-program-type', 'validation', { code: fields.code ?? studio.code });

  it.each(['a', 'studio2', 'ideology-studio', 'a1-b2-c3'])('accepts the kebab-case code %s', (code) => {
    expect(adding({ code })).not.toThrow();
  });

  it.each(['Studio', 'studio_', '9studio', '-studio', 'studio-', 'ideology--studio', 'ideology studio', ''])('refuses the code %p', (code) => {
    refusedShape({ code });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no Chinese name', { name: { zh: ' ', en: 'Studio' } }, 'a Chinese and an English name are required'],
    ['no English name', { name: { zh: '工作室', en: '' } }, 'a Chinese and an English name are required'],
    ['no name', { name: undefined }, 'a Chinese and an English name are required'],
    ['no object applied for in Chinese', { objectAppliedFor: { zh: '', en: 'a studio' } }, 'the object applied for is required'],
    ['no object applied for in English', { objectAppliedFor: { zh: '工作室', en: ' ' } }, 'the object applied for is required'],
    ['no object applied for', { objectAppliedFor: undefined }, 'the object applied for is required'],
    ['no seed clause', { seedClause: ' ' }, 'the seed clause is required'],
    ['no rules version', { rulesVersion: '' }, 'a rules version is required'],
    ['responsible units that are not a list', { responsibleUnits: '省教育厅' }, 'at least one responsible unit is required'],
    ['a blank responsible unit', { responsibleUnits: ['省教育厅', ' '] }, 'at least one responsible unit is required'],
    ['an unknown lifecycle', { lifecycle: 'pilot' }, 'unknown lifecycle pilot'],
  ])('refuses one with %s, saying what is required', (_what, fields, says) => {
    expect(refusedShape(fields).message).toBe(`ideology-studio: ${says}`);
  });

  it('takes a positive whole target, or none', () => {
    expect(adding({ target: null })).not.toThrow();
    expect(adding({ target: 1 })).not.toThrow();
    expectRefusal(adding({ target: 0 }), 'invalid-target', 'validation', { target: 0 });
    expectRefusal(adding({ target: undefined }), 'invalid-target', 'validation', { target: undefined });
  });

  it('puts a child program only under a school-side program that is no child itself', () => {
    expectRefusal(adding({ parent: 'nope' }), 'unknown-parent-program', 'validation', { parent: 'nope' });
    expectRefusal(adding({ parent: 'toString' }), 'unknown-parent-program', 'validation', { parent: 'toString' });
    expect(refusedShape({ parent: 'enterprise' }).message).toBe('ideology-studio: only school-side programs have child programs');
    expect(refusedShape({ parent: 'specialty-group' }).message).toBe('ideology-studio: a child program cannot itself be a parent');
    expect(adding({ parent: 'higher-college' })).not.toThrow();
    const enterpriseChild = { ...findProgramType(defaultCatalog, 'enterprise'), code: 'enterprise-child', parent: 'higher-college' } as ProgramType;
    expectRefusal(() => withProgramType(defaultCatalog, enterpriseChild), 'invalid-program-type', 'validation', { code: 'enterprise-child' });
  });

  it('refuses a code the catalog has, and finds only the codes it has', () => {
    expectRefusal(adding({ code: 'brand-major' }), 'duplicate-program-type', 'validation', { code: 'brand-major' });
    expectRefusal(() => findProgramType(defaultCatalog, 'nope'), 'unknown-program-type', 'not-found', { code: 'nope' });
    expect(withProgramType(defaultCatalog, studio)).toEqual({ ...defaultCatalog, 'ideology-studio': studio });
  });
});

describe('a restated program type', () => {
  it('names the fields a restatement may change, and those it may not', () => {
    const error = expectRefusal(
      () => withCatalogEntry(defaultCatalog, { code: 'brand-major', seedClause: '(十)', parent: 'higher-college' } as never),
      'invalid-program-type',
      'validation',
      { code: 'brand-major' },
    );
    expect(error.message).toBe('brand-major: a restated program type may change rulesVersion, defaultRules, target, name, objectAppliedFor, responsibleUnits, not seedClause, parent');
  });

  it('needs a rules version of its own for restated rules', () => {
    for (const rulesVersion of [undefined, ' ', 'brand-major/2026.2']) {
      expectRefusal(
        () => withCatalogEntry(defaultCatalog, { code: 'brand-major', rulesVersion, defaultRules: { quota: 150 } }),
        'rules-version-required',
        'validation',
        { code: 'brand-major' },
      );
    }
  });

  it('keeps its rules and version when only its names, target or units change, and validates what changes', () => {
    const names = { name: { zh: '品牌专业', en: 'Brand major' }, objectAppliedFor: { zh: '一个专业', en: 'a major' }, responsibleUnits: ['省教育厅'] };
    const restated = withCatalogEntry(defaultCatalog, { code: 'brand-major', ...names });
    expect(restated).toEqual({ ...defaultCatalog, 'brand-major': { ...defaultCatalog['brand-major'], ...names } });
    expectRefusal(() => withCatalogEntry(defaultCatalog, { code: 'brand-major', target: 0 }), 'invalid-target', 'validation', { target: 0 });
    expectRefusal(() => withCatalogEntry(defaultCatalog, { code: 'brand-major', name: { zh: '', en: 'x' } }), 'invalid-program-type', 'validation', { code: 'brand-major' });
  });
});
