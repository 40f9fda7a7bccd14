import { daysInMonth } from '../beijing-time';
import { SCHOOL_KINDS } from '../organisation/organisation';
import { notFound, validation } from '../errors';
import { validateRubric } from './rubric';
import { APPLICANT_KINDS, CycleRules, EnterpriseRules, GradeScale, NoticeUnit, PARTNER_KINDS, PERFORMANCE_ACTIONS, PerformanceAction, PerformanceRules, REVIEW_DAYS_UNSET } from './program-rules';

/**
 * The program catalog of the 2020 Shanxi plan (晋政发〔2020〕19号) as data. A program type of the
 * same shape (the seed also names 思政教育工作室, 双师型名师工作室, 教学创新团队, 职业教育集团, 实训基地)
 * is added with `withProgramType`, by configuration and without code.
 *
 * Defaults are tagged as in the domain reference: [S] stated in an official notice, [S2] found in a
 * re-post or news paraphrase, [I] inferred. Each cycle is opened with its own full copy of the rules,
 * so these defaults only seed a new cycle's rules.
 */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

interface ProgramTypeBase {
  /** Kebab-case, stable: cycles and projects refer to their program type by it. */
  readonly code: string;
  readonly name: Bilingual;
  /** The clause of the seed plan that sets the program up, e.g. '(二)'. */
  readonly seedClause: string;
  /** The plan's target number by 2022; null where the plan sets none ("a batch"). */
  readonly target: number | null;
  readonly objectAppliedFor: Bilingual;
  /** 责任单位 as the seed names them. */
  readonly responsibleUnits: readonly string[];
  /** Version of the default rules below; a cycle opened with them records it. */
  readonly rulesVersion: string;
  /** For a child program (a specialty group of a higher college): the parent program's code. */
  readonly parent?: string;
}

export interface ProjectProgramType extends ProgramTypeBase {
  readonly lifecycle: 'project';
  readonly defaultRules: CycleRules;
}

export interface EnterpriseProgramType extends ProgramTypeBase {
  readonly lifecycle: 'enterprise';
  readonly defaultRules: EnterpriseRules;
}

export type ProgramType = ProjectProgramType | EnterpriseProgramType;

export type ProgramCatalog = Readonly<Record<string, ProgramType>>;

const PROVINCIAL_NOTICE = { length: 5, unit: 'working-days' } as const; // Shanxi 2025 双高 phase 2 [S]

/** 优/良/中/差, 差 barring the unit from the next cycle [S+I]. */
const FOUR_LEVEL_SCALE: GradeScale = { grades: ['优', '良', '中', '差'], passing: ['优', '良', '中'], deferring: [], barring: ['差'] };
/** 优秀/良好/通过/不通过 [S]. */
const PASS_FAIL_SCALE: GradeScale = { grades: ['优秀', '良好', '通过', '不通过'], passing: ['优秀', '良好', '通过'], deferring: [], barring: [] };
/** 通过/暂缓通过/不通过, the course acceptance scale [S]. */
const DEFERRING_SCALE: GradeScale = { grades: ['通过', '暂缓通过', '不通过'], passing: ['通过'], deferring: ['暂缓通过'], barring: [] };

/**
 * A year graded poor warns and cuts the next year's public grants by a fifth; two in a row order a
 * rectification; three remove the project (年度评价、有进有出 of the national 双高 program [S]; the
 * counts and the fifth [I]).
 */
const PERFORMANCE: PerformanceRules = {
  consequences: [
    { poorYears: 1, actions: ['warning', 'reduced-grant'] },
    { poorYears: 2, actions: ['rectification'] },
    { poorYears: 3, actions: ['removal'] },
  ],
  grantReductionPercent: 20,
};

const COMMON_RULES = {
  performance: PERFORMANCE,
  tiers: [],
  formalCheckDays: 28, // 4 weeks precedent [S]
  minReviewers: 3, // [I]
  reviewDays: REVIEW_DAYS_UNSET, // two weeks to score [I]
  publicNotice: PROVINCIAL_NOTICE,
  constructionPlanDueDays: 30, // [I]; the notice sets a deadline after approval [S]
  annualReportDue: { month: 3, day: 31 }, // [S]
  maxRectificationMonths: 24, // ≤ 2 years [S2]
  // A suspended project's applicant may never re-apply to the program [S]; 100 years says "never"
  // while staying a JSON number. A revoked project bans for 5 years, as the enterprise scheme does [I].
  bans: { suspensionYears: 100, revocationYears: 5 },
} as const;

/** 3–5 majors per specialty group [S]. */
const SPECIALTY_GROUP = { minMajors: 3, maxMajors: 5 } as const;

const ENTERPRISE_UNITS = [
  '市人民政府', '省发展改革委', '省教育厅', '省财政厅', '省人社厅', '省国资委', '省工信厅', '省自然资源厅', '省税务局',
];

export const defaultCatalog: ProgramCatalog = {
  'secondary-school': {
    code: 'secondary-school',
    name: { zh: '省级高水平中等职业学校', en: 'High-level secondary vocational school' },
    seedClause: '(二)',
    target: 60,
    objectAppliedFor: { zh: '中等职业学校（含技工学校）', en: 'a secondary vocational or technical school' },
    responsibleUnits: ['省教育厅', '省发展改革委', '省财政厅', '省人社厅', '市县人民政府'],
    // 2026.1: annual reports graded, with consequences (performance).
    rulesVersion: 'secondary-school/2026.1',
    lifecycle: 'project',
    defaultRules: {
      ...COMMON_RULES,
      quota: 60,
      perApplicantLimit: 1, // a school applies for itself
      perRecommenderLimit: 4, // ≤ 4 ranked recommendations per city [S2]
      schoolKinds: ['中职', '技工学校'], // 技工学校 included (seed, clause 二)
      constructionMonths: 36, // 3 years [I]
      midtermAfterMonths: 18, // [I]
      gradeScale: FOUR_LEVEL_SCALE,
    },
  },
  'higher-college': {
    code: 'higher-college',
    name: { zh: '省级高水平高等职业院校', en: 'High-level higher vocational college' },
    seedClause: '(五)',
    target: 10,
    objectAppliedFor: { zh: '高等职业院校（可含其高水平专业群）', en: 'a higher vocational college, optionally with its specialty groups' },
    responsibleUnits: ['省教育厅', '省发展改革委', '省财政厅', '省人社厅'],
    rulesVersion: 'higher-college/2026.1',
    lifecycle: 'project',
    defaultRules: {
      ...COMMON_RULES,
      // Tiers A/B/C are optional [S]: a cycle that grades its units opens with its own tiers.
      quota: 10,
      perApplicantLimit: 1,
      perRecommenderLimit: 4, // [S2]
      schoolKinds: ['高职'],
      constructionMonths: 60, // 4–5 years; phase 2 runs 2026–2029 [S]
      midtermAfterMonths: 30, // [I]
      gradeScale: FOUR_LEVEL_SCALE,
      specialtyGroup: SPECIALTY_GROUP,
    },
  },
  'specialty-group': {
    code: 'specialty-group',
    name: { zh: '高水平专业群', en: 'High-level specialty group' },
    seedClause: '(五)',
    // The seed's 10 units count colleges and specialty groups together; groups have no target of their own.
    target: null,
    objectAppliedFor: { zh: '高等职业院校的专业群（3–5个专业）', en: 'a specialty group of 3–5 majors of a higher vocational college' },
    responsibleUnits: ['省教育厅', '省发展改革委', '省财政厅', '省人社厅'],
    rulesVersion: 'specialty-group/2026.1',
    parent: 'higher-college',
    lifecycle: 'project',
    defaultRules: {
      ...COMMON_RULES,
      quota: 20, // ≤ 2 groups for each of the 10 colleges [I]
      perApplicantLimit: 2, // ≤ 2 specialty groups per school [S]
      perRecommenderLimit: 8, // 2 groups for each of the 4 colleges a city may recommend [I]
      schoolKinds: ['高职'],
      constructionMonths: 60,
      midtermAfterMonths: 30,
      gradeScale: FOUR_LEVEL_SCALE,
      specialtyGroup: SPECIALTY_GROUP,
    },
  },
  'brand-major': {
    code: 'brand-major',
    name: { zh: '职业教育品牌专业', en: 'Brand major' },
    seedClause: '(九)',
    target: 200,
    objectAppliedFor: { zh: '职业院校的一个专业', en: 'one major of a vocational school' },
    responsibleUnits: ['省教育厅', '省人社厅'],
    // 2026.1: a selected major may not apply again (reapplication). 2026.2: annual reports graded (performance).
    rulesVersion: 'brand-major/2026.2',
    lifecycle: 'project',
    defaultRules: {
      ...COMMON_RULES,
      quota: 200,
      perApplicantLimit: 3, // [I]
      // 200 majors over Shanxi's 11 cities need ≥ 19 recommendations each; the 4 of the 双高 precedent [S2] would cap the cycle at 44.
      perRecommenderLimit: 20, // [I]
      schoolKinds: ['中职', '技工学校', '高职', '本科'], // 职业院校 of every level [I]
      reapplication: { identity: 'major' }, // 已入选…不得再次申报 [S]
      constructionMonths: 36, // 2 or 3 years [S]
      midtermAfterMonths: 18, // [I]
      gradeScale: PASS_FAIL_SCALE,
    },
  },
  'quality-course': {
    code: 'quality-course',
    name: { zh: '省级职业教育精品课程', en: 'Provincial quality course' },
    seedClause: '(十)',
    target: 200,
    objectAppliedFor: { zh: '职业院校的一门课程', en: 'one course of a vocational school' },
    responsibleUnits: ['省教育厅', '省人社厅'],
    // 2026.1: a selected course may not apply again (reapplication). 2026.2: annual reports graded (performance).
    rulesVersion: 'quality-course/2026.2',
    lifecycle: 'project',
    defaultRules: {
      ...COMMON_RULES,
      quota: 200,
      perApplicantLimit: 5, // [I]
      perRecommenderLimit: 20, // as for brand majors [I]
      schoolKinds: ['中职', '技工学校', '高职', '本科'], // [I]
      reapplication: { identity: 'course' }, // a selected course may not re-apply [S]
      constructionMonths: 12, // construction ≤ 1 year [S]
      midtermAfterMonths: 6, // [I]
      maxRectificationMonths: 12, // [I]: no longer than the construction itself
      gradeScale: DEFERRING_SCALE,
      course: { minClassHours: 32, minSemestersTaught: 2, serviceYears: 5 }, // [S]
    },
  },
  enterprise: {
    code: 'enterprise',
    name: { zh: '省级产教融合型企业', en: 'Industry-education-integration enterprise' },
    seedClause: '(十六)',
    target: null, // "认证一批" — a batch
    objectAppliedFor: { zh: '在本省注册纳税的企业', en: 'an enterprise registered and taxed in the province' },
    responsibleUnits: ENTERPRISE_UNITS,
    rulesVersion: 'enterprise/2020.1',
    lifecycle: 'enterprise',
    defaultRules: {
      threeYearPlanDueMonths: 3, // within 2–3 months of admission [S]
      minIncubationMonths: 12, // ≥ 1 year [S]
      annualReportDue: { month: 1, day: 31 }, // [S]
      disqualificationBanYears: 5, // [S]
      certificateValidityYears: 3, // [I]
      publicNotice: PROVINCIAL_NOTICE, // [I]
    },
  },
};

/** The catalog with one more program type, validated; a code already present is rejected. */
export function withProgramType(catalog: ProgramCatalog, programType: ProgramType): ProgramCatalog {
  if (Object.prototype.hasOwnProperty.call(catalog, programType.code)) {
    throw validation('duplicate-program-type', `program type ${programType.code} is already in the catalog`, { code: programType.code });
  }
  validateProgramType(programType, catalog);
  return { ...catalog, [programType.code]: programType };
}

/**
 * A program type of the catalog restated by the deployment: its rules (any of them; what is left out
 * keeps the built-in value), its target or its names. Restated rules need a new `rulesVersion`, so a
 * decision taken under them never shows the version of the rules they replace; the target and the
 * names are not rules a cycle runs under, and keep it.
 */
export interface ProgramTypeOverride {
  readonly code: string;
  readonly rulesVersion?: string;
  readonly defaultRules?: Partial<CycleRules> | Partial<EnterpriseRules>;
  readonly target?: number | null;
  readonly name?: Bilingual;
  readonly objectAppliedFor?: Bilingual;
  readonly responsibleUnits?: readonly string[];
}

const OVERRIDABLE = new Set(['code', 'rulesVersion', 'defaultRules', 'target', 'name', 'objectAppliedFor', 'responsibleUnits']);

/** The catalog with a program type added, or (when its code is in the catalog already) restated; validated either way. */
export function withCatalogEntry(catalog: ProgramCatalog, entry: ProgramType | ProgramTypeOverride): ProgramCatalog {
  // Stryker disable next-line OptionalChaining: an absent entry fails with the same TypeError either way, reading its code here or in withProgramType
  if (!Object.prototype.hasOwnProperty.call(catalog, entry?.code)) return withProgramType(catalog, entry as ProgramType);
  const current = catalog[entry.code];
  const unknown = Object.keys(entry).filter((key) => !OVERRIDABLE.has(key));
  if (unknown.length > 0) {
    throw validation('invalid-program-type', `${entry.code}: a restated program type may change ${[...OVERRIDABLE].slice(1).join(', ')}, not ${unknown.join(', ')}`, { code: entry.code });
  }
  if (entry.defaultRules !== undefined && (!nonEmpty(entry.rulesVersion) || entry.rulesVersion === current.rulesVersion)) {
    throw validation('rules-version-required', `${entry.code}: restated rules need a rules version of their own (not ${current.rulesVersion})`, { code: entry.code });
  }
  const restated = {
    ...current,
    ...entry,
    defaultRules: { ...current.defaultRules, ...(entry.defaultRules ?? {}) },
  } as ProgramType;
  validateProgramType(restated, catalog);
  return { ...catalog, [entry.code]: restated };
}

export function findProgramType(catalog: ProgramCatalog, code: string): ProgramType {
  const found = Object.prototype.hasOwnProperty.call(catalog, code) ? catalog[code] : undefined;
  if (!found) throw notFound('unknown-program-type', `no program type ${code} in the catalog`, { code });
  return found;
}

export function isProjectProgramType(programType: ProgramType): programType is ProjectProgramType {
  return programType.lifecycle === 'project';
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks a program type's shape; `catalog` resolves its parent. Throws validation DomainErrors. */
export function validateProgramType(programType: ProgramType, catalog: ProgramCatalog): void {
  const fail = (message: string) => validation('invalid-program-type', `${programType.code}: ${message}`, { code: programType.code });
  if (!KEBAB.test(programType.code)) throw fail('the code must be kebab-case');
  if (!nonEmpty(programType.name?.zh) || !nonEmpty(programType.name?.en)) throw fail('a Chinese and an English name are required');
  if (!nonEmpty(programType.objectAppliedFor?.zh) || !nonEmpty(programType.objectAppliedFor?.en)) throw fail('the object applied for is required');
  if (!nonEmpty(programType.seedClause)) throw fail('the seed clause is required');
  if (!nonEmpty(programType.rulesVersion)) throw fail('a rules version is required');
  if (!Array.isArray(programType.responsibleUnits) || programType.responsibleUnits.length === 0 || !programType.responsibleUnits.every(nonEmpty)) {
    throw fail('at least one responsible unit is required');
  }
  if (programType.target !== null && !isPositiveInteger(programType.target)) {
    throw validation('invalid-target', `${programType.code}: the target must be a positive whole number or null`, { target: programType.target });
  }
  if (programType.parent !== undefined) {
    const parent = Object.prototype.hasOwnProperty.call(catalog, programType.parent) ? catalog[programType.parent] : undefined;
    if (!parent) throw validation('unknown-parent-program', `${programType.code}: no parent program ${programType.parent}`, { parent: programType.parent });
    if (parent.lifecycle !== 'project' || programType.lifecycle !== 'project') throw fail('only school-side programs have child programs');
    if (parent.parent !== undefined) throw fail('a child program cannot itself be a parent');
  }
  switch (programType.lifecycle) {
    case 'project':
      validateCycleRules(programType.defaultRules);
      return;
    case 'enterprise':
      validateEnterpriseRules(programType.defaultRules);
      return;
    default:
      throw fail(`unknown lifecycle ${String((programType as { lifecycle: unknown }).lifecycle)}`);
  }
}

/** Checks a cycle's rules; used for catalog defaults and for every cycle opened. */
export function validateCycleRules(rules: CycleRules): void {
  if (!isPositiveInteger(rules.quota)) throw validation('invalid-quota', 'the quota must be a positive whole number', { quota: rules.quota });
  validateTiers(rules);
  requirePositive('perApplicantLimit', rules.perApplicantLimit);
  requirePositive('perRecommenderLimit', rules.perRecommenderLimit);
  requireNonNegative('formalCheckDays', rules.formalCheckDays);
  requirePositive('minReviewers', rules.minReviewers);
  if (rules.reviewDays !== undefined) requirePositive('reviewDays', rules.reviewDays);
  validateNotice(rules.publicNotice);
  requireNonNegative('constructionPlanDueDays', rules.constructionPlanDueDays);
  requirePositive('constructionMonths', rules.constructionMonths);
  validateMonthDay('annualReportDue', rules.annualReportDue);
  requirePositive('midtermAfterMonths', rules.midtermAfterMonths);
  if (rules.midtermAfterMonths >= rules.constructionMonths) {
    throw validation('invalid-rules', 'the mid-term evaluation must fall within the construction period', {
      midtermAfterMonths: rules.midtermAfterMonths,
      constructionMonths: rules.constructionMonths,
    });
  }
  requirePositive('maxRectificationMonths', rules.maxRectificationMonths);
  if (rules.midtermMinTasksPercent !== undefined) {
    requireNonNegative('midtermMinTasksPercent', rules.midtermMinTasksPercent);
    if (rules.midtermMinTasksPercent > 100) throw validation('invalid-rules', 'midtermMinTasksPercent is a percentage, at most 100', { value: rules.midtermMinTasksPercent });
  }
  validateGradeScale(rules.gradeScale);
  if (!rules.bans) throw validation('invalid-rules', 'ban lengths are required');
  requireNonNegative('bans.suspensionYears', rules.bans.suspensionYears);
  requireNonNegative('bans.revocationYears', rules.bans.revocationYears);
  if (rules.specialtyGroup !== undefined) {
    requirePositive('specialtyGroup.minMajors', rules.specialtyGroup.minMajors);
    requirePositive('specialtyGroup.maxMajors', rules.specialtyGroup.maxMajors);
    if (rules.specialtyGroup.standaloneGroups !== undefined && typeof rules.specialtyGroup.standaloneGroups !== 'boolean') {
      throw validation('invalid-rules', 'specialtyGroup.standaloneGroups is true or false', { field: 'specialtyGroup.standaloneGroups' });
    }
    if (rules.specialtyGroup.minMajors > rules.specialtyGroup.maxMajors) {
      throw validation('invalid-rules', 'a specialty group needs minMajors ≤ maxMajors', { ...rules.specialtyGroup });
    }
  }
  if (rules.schoolKinds !== undefined) kindsFrom('schoolKinds', rules.schoolKinds, SCHOOL_KINDS);
  for (const flag of ['withoutConstruction', 'withoutRecommendation'] as const) {
    if (rules[flag] !== undefined && typeof rules[flag] !== 'boolean') throw validation('invalid-rules', `${flag} is true or false`, { field: flag });
  }
  if (rules.applicantKinds !== undefined) kindsFrom('applicantKinds', rules.applicantKinds, APPLICANT_KINDS);
  if (rules.rubric !== undefined && rules.rubric !== null) validateRubric(rules.rubric);
  if (rules.aggregate !== undefined && rules.aggregate !== 'mean' && rules.aggregate !== 'trimmed-mean') {
    throw validation('invalid-rules', 'aggregate is mean or trimmed-mean', { field: 'aggregate' });
  }
  if (rules.cutOff !== undefined && rules.cutOff !== null && !(typeof rules.cutOff === 'number' && rules.cutOff >= 0 && rules.cutOff <= 100)) {
    throw validation('invalid-rules', 'cutOff is a score from 0 to 100, or null', { field: 'cutOff' });
  }
  if (rules.partners !== undefined && rules.partners !== null) {
    kindsFrom('partners.kinds', rules.partners.kinds, PARTNER_KINDS);
    requireNonNegative('partners.min', rules.partners.min);
    requirePositive('partners.max', rules.partners.max);
    if (rules.partners.min > rules.partners.max) throw validation('invalid-rules', 'a joint application needs partners.min ≤ partners.max', { ...rules.partners });
  }
  if (rules.reapplication !== undefined && rules.reapplication !== null && rules.reapplication.identity !== 'major' && rules.reapplication.identity !== 'course') {
    throw validation('invalid-rules', 'reapplication.identity is major or course', { field: 'reapplication.identity' });
  }
  if (rules.performance !== undefined && rules.performance !== null) validatePerformance(rules.performance, rules.gradeScale);
  if (rules.course !== undefined) {
    requirePositive('course.minClassHours', rules.course.minClassHours);
    requireNonNegative('course.minSemestersTaught', rules.course.minSemestersTaught);
    requirePositive('course.serviceYears', rules.course.serviceYears);
  }
}

export function validateEnterpriseRules(rules: EnterpriseRules): void {
  requirePositive('threeYearPlanDueMonths', rules.threeYearPlanDueMonths);
  requireNonNegative('minIncubationMonths', rules.minIncubationMonths);
  validateMonthDay('annualReportDue', rules.annualReportDue);
  requireNonNegative('disqualificationBanYears', rules.disqualificationBanYears);
  requirePositive('certificateValidityYears', rules.certificateValidityYears);
  validateNotice(rules.publicNotice);
}

/** Grades unique and non-empty; passing, deferring and barring grades drawn from them and disjoint. */
export function validateGradeScale(scale: GradeScale): void {
  const fail = (message: string) => validation('invalid-grade-scale', message, { gradeScale: scale as unknown as Record<string, unknown> });
  if (!scale || !Array.isArray(scale.grades) || scale.grades.length === 0 || !scale.grades.every(nonEmpty)) throw fail('a grade scale needs grades');
  if (new Set(scale.grades).size !== scale.grades.length) throw fail('grades must be unique');
  const grades = new Set(scale.grades);
  for (const [name, subset] of [['passing', scale.passing], ['deferring', scale.deferring], ['barring', scale.barring]] as const) {
    if (!Array.isArray(subset)) throw fail(`${name} grades are required (possibly empty)`);
    for (const grade of subset) if (!grades.has(grade)) throw fail(`${name} grade ${grade} is not one of the grades`);
  }
  if (scale.passing.length === 0) throw fail('at least one grade must pass');
  const overlap = (a: readonly string[], b: readonly string[]) => a.some((g) => b.includes(g));
  if (overlap(scale.passing, scale.deferring) || overlap(scale.passing, scale.barring) || overlap(scale.deferring, scale.barring)) {
    throw fail('a grade cannot both pass and defer or bar');
  }
}

/** Poor grades drawn from the scale; runs of one year or more, each length once, with known actions. */
function validatePerformance(performance: PerformanceRules, scale: GradeScale): void {
  const fail = (message: string) => validation('invalid-rules', `performance: ${message}`, { field: 'performance' });
  if (performance.poorGrades !== undefined) {
    if (!Array.isArray(performance.poorGrades) || performance.poorGrades.some((g) => !scale.grades.includes(g))) throw fail('poor grades are grades of the scale');
    if (performance.poorGrades.some((g) => scale.passing.includes(g))) throw fail('a passing grade is not poor');
  }
  if (!Array.isArray(performance.consequences)) throw fail('consequences are a list');
  const runs = performance.consequences.map((c) => c.poorYears);
  if (!runs.every(isPositiveInteger) || new Set(runs).size !== runs.length) throw fail('each consequence is for a run of whole years, each length once');
  if (!performance.consequences.every((c) => Array.isArray(c.actions) && c.actions.length > 0 && c.actions.every((a: PerformanceAction) => PERFORMANCE_ACTIONS.includes(a)))) {
    throw fail(`actions are ${PERFORMANCE_ACTIONS.join(', ')}`);
  }
  if (!(performance.grantReductionPercent >= 0 && performance.grantReductionPercent <= 100)) throw fail('grantReductionPercent is from 0 to 100');
}

/** A list of kinds: one or more of `known`, each once. */
function kindsFrom(field: string, kinds: readonly string[], known: readonly string[]): void {
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((kind) => !known.includes(kind)) || new Set(kinds).size !== kinds.length) {
    throw validation('invalid-rules', `${field} names one or more of ${known.join('、')}, each once`, { field, [field]: kinds });
  }
}

function validateTiers(rules: CycleRules): void {
  if (!Array.isArray(rules.tiers)) throw validation('invalid-tiers', 'tiers must be a list (possibly empty)');
  const names = new Set<string>();
  let total = 0;
  for (const tier of rules.tiers) {
    if (!nonEmpty(tier.name)) throw validation('invalid-tiers', 'a tier needs a name');
    if (names.has(tier.name)) throw validation('invalid-tiers', `tier ${tier.name} appears twice`, { tier: tier.name });
    if (!isPositiveInteger(tier.quota)) throw validation('invalid-tiers', `tier ${tier.name} needs a positive whole quota`, { tier: tier.name });
    names.add(tier.name);
    total += tier.quota;
  }
  if (total > rules.quota) {
    throw validation('tier-quotas-exceed-quota', `tier quotas add up to ${total}, more than the quota ${rules.quota}`, {
      total,
      quota: rules.quota,
    });
  }
}

function validateNotice(notice: { readonly length: number; readonly unit: NoticeUnit }): void {
  if (!notice || !isPositiveInteger(notice.length) || (notice.unit !== 'working-days' && notice.unit !== 'calendar-days')) {
    throw validation('invalid-notice', 'a public notice needs a positive whole length in working-days or calendar-days', { ...notice });
  }
}

function validateMonthDay(field: string, value: { readonly month: number; readonly day: number }): void {
  const valid =
    !!value && Number.isInteger(value.month) && value.month >= 1 && value.month <= 12 &&
    Number.isInteger(value.day) && value.day >= 1 && value.day <= daysInMonth(2001, value.month);
  if (!valid) throw validation('invalid-rules', `${field} must be a month and day that exist every year`, { field });
}

function requirePositive(field: string, value: number): void {
  if (!isPositiveInteger(value)) throw validation('invalid-rules', `${field} must be a positive whole number`, { field, value });
}

function requireNonNegative(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw validation('invalid-rules', `${field} must be a whole number ≥ 0`, { field, value });
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
