import type { RegisteredOrganisation } from '../../src/domain/organisation/organisation';
import { addCalendarDays } from '../../src/domain/calendar';
import { defaultCatalog, isProjectProgramType } from '../../src/domain/catalog/program-catalog';
import { CycleRules } from '../../src/domain/catalog/program-rules';
import { fold } from '../../src/domain/decider';
import { Actor, DocumentRef } from '../../src/domain/messages';
import { ProjectCommand, ProjectCommandType, ProjectContext, ProjectCycleFacts, ProjectSubject } from '../../src/domain/project/project.commands';
import { addMonthsOn, Project, projectDecider } from '../../src/domain/project/project.decider';
import { ProjectEvent, ProjectStatus } from '../../src/domain/project/project.events';

// Fixtures of the project decider's specs: one walk per program, from draft to accreditation. A test takes the history of the walk
// up to a step, so every given history is one `decide` really produced.

export const defaultRules = (code: string): CycleRules => {
  const programType = defaultCatalog[code];
  if (!programType || !isProjectProgramType(programType)) throw new Error(`no project program ${code}`);
  return programType.defaultRules;
};

export const doc = (name: string, n: number): DocumentRef => ({ sha256: n.toString(16).padStart(64, '0'), name, size: 1000 + n });
export const FORM = doc('申报书.pdf', 1);
export const AUTHENTICITY = doc('真实性声明.pdf', 2);
export const COMMITMENT = doc('承诺书.pdf', 3);
export const PLAN = doc('建设方案.pdf', 4);
export const TASK_BOOK = doc('任务书.pdf', 5);
export const REPORT = doc('报告.pdf', 6);
export const EVIDENCE = doc('证据.pdf', 7);
export const NOTICE = doc('公示.pdf', 8);

export const applicant: Actor = { id: 'u-a', role: 'applicant', org: 'school-a', region: '太原市' };
export const otherApplicant: Actor = { id: 'u-b', role: 'applicant', org: 'school-b', region: '太原市' };
export const recommender: Actor = { id: 'u-ty', role: 'recommender', org: '太原市教育局', region: '太原市' };
export const otherRecommender: Actor = { id: 'u-dt', role: 'recommender', org: '大同市教育局', region: '大同市' };
export const office: Actor = { id: 'u-office', role: 'office', org: '省教育厅' };
export const reviewer = (n: number): Actor => ({ id: `r${n}`, role: 'reviewer', org: `univ-${n}` });

export const CLOSES = '2025-09-15T00:00:00+08:00';
export const at = (day: string) => `${day}T10:00:00+08:00`;

export interface Program {
  readonly code: string;
  readonly cycleId: string;
  readonly rules: CycleRules;
  readonly rulesVersion: string;
  readonly subject: ProjectSubject;
  readonly projectId: string;
}

export const program = (code: string, subject: ProjectSubject, rules: CycleRules = defaultRules(code)): Program => ({
  code,
  cycleId: `${code}-2025`,
  rules,
  rulesVersion: `${code}/2025.1`,
  subject,
  projectId: `p-${code}`,
});

export const COLLEGE_PROJECT = 'p-higher-college';
export const MAJORS = [
  { code: '460301', name: '机电一体化技术' },
  { code: '460303', name: '工业机器人技术' },
  { code: '460305', name: '智能控制技术' },
];
export const SECONDARY = program('secondary-school', { kind: 'school' });
export const COLLEGE = program('higher-college', { kind: 'school' });
export const GROUP = program('specialty-group', { kind: 'specialty-group', parentProjectId: COLLEGE_PROJECT, groupName: '智能制造专业群', majors: MAJORS, tier: null });
export const BRAND = program('brand-major', { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' });
export const COURSE = program('quality-course', { kind: 'course', courseName: 'PLC 编程', classHours: 48, semestersTaught: 3 });
export const PROGRAMS = [SECONDARY, COLLEGE, GROUP, BRAND, COURSE];

export const cycleOf = (p: Program, overrides: Partial<ProjectCycleFacts> = {}): ProjectCycleFacts => ({
  id: p.cycleId,
  programType: p.code,
  rules: p.rules,
  rulesVersion: p.rulesVersion,
  windowOpen: true,
  closesAt: CLOSES,
  ...overrides,
});

export const PARENT = { projectId: COLLEGE_PROJECT, programType: 'higher-college', applicantOrg: 'school-a', status: 'Submitted' as ProjectStatus };
/** The applicant school as the registry holds it: of a kind each program takes. */
export const schoolOf = (p: Program): RegisteredOrganisation => ({ kind: 'school', schoolKind: p.rules.schoolKinds?.[0] ?? '高职' });
/** A city's bureau of education recommending a 高职. */
export const RECOMMENDATION = { recommender: { kind: 'bureau', bureauKind: '教育局' }, applicant: { kind: 'school', schoolKind: '高职' } } as const;
export const contextOf = (p: Program, overrides: Partial<ProjectCycleFacts> = {}): ProjectContext & { cycle: ProjectCycleFacts } => ({
  cycle: cycleOf(p, overrides),
  applicant: schoolOf(p),
  signsOff: true,
  ...(p.subject.kind === 'specialty-group' ? { parentProject: PARENT } : {}),
});

/** A reviewer of the pool, in the registry under the organisation the office named. */
export const expertOf = ({ reviewerOrg }: { reviewerOrg: string }) => ({ organisationId: reviewerOrg, expert: true, affiliations: [] });

export type CommandOf<K extends ProjectCommandType> = Extract<ProjectCommand, { type: K }>;
export function command<K extends ProjectCommandType>(type: K, actor: Actor, data: CommandOf<K>['data'], now: string, context?: ProjectContext): CommandOf<K> {
  const facts = context ?? (type === 'Recommend' ? { recommendation: RECOMMENDATION } : type === 'AssignReviewer' ? { reviewer: expertOf(data as { reviewerOrg: string }) } : undefined);
  return { type, actor, data, now, ...(facts ? { context: facts } : {}) } as CommandOf<K>;
}

export const STEPS = [
  'drafted',
  'submitted',
  'checked',
  'recommended',
  'reviewers',
  'scored',
  'shortlisted',
  'noticed',
  'approved',
  'planSubmitted',
  'planAccepted',
  'reported',
  'midterm',
  'selfAssessed',
  'evaluated',
  'accredited',
] as const;
export type Step = (typeof STEPS)[number];

/** The days of a program's walk: selection in autumn 2025, construction from 2025-11-20 for the rules' period. */
export const days = (p: Program) => {
  const start = '2025-11-20';
  const end = addMonthsOn(start, p.rules.constructionMonths);
  return {
    draft: '2025-09-02',
    submit: '2025-09-05',
    check: '2025-09-20',
    recommend: '2025-09-25',
    assign: '2025-10-08',
    score: '2025-10-10',
    shortlist: '2025-10-15',
    noticeStarts: '2025-10-16',
    noticeEnds: '2025-10-22',
    approve: '2025-10-24',
    planDue: '2025-11-23',
    planSubmit: '2025-11-10',
    accept: start,
    end,
    report: '2026-03-01',
    midterm: addCalendarDays(addMonthsOn(start, p.rules.midtermAfterMonths), 5),
    selfAssess: addCalendarDays(end, 5),
    evaluate: addCalendarDays(end, 20),
    accredit: addCalendarDays(end, 30),
  };
};

export const passGrade = (p: Program) => p.rules.gradeScale.passing[0];

export function walk(p: Program): Record<Step, ProjectCommand[]> {
  const d = days(p);
  const ctx = contextOf(p);
  return {
    drafted: [command('DraftApplication', applicant, { projectId: p.projectId, cycleId: p.cycleId, programType: p.code, title: '申报项目', subject: p.subject }, at(d.draft), ctx)],
    submitted: [
      command('SubmitApplication', applicant, { applicationForm: FORM, declarations: { authenticity: AUTHENTICITY, commitment: COMMITMENT } }, at(d.submit), ctx),
    ],
    checked: [command('RecordFormalCheck', recommender, { result: 'passed' }, at(d.check), ctx)],
    recommended: [command('Recommend', recommender, { rank: 1 }, at(d.recommend))],
    reviewers: [1, 2, 3].map((n) =>
      command('AssignReviewer', office, { reviewerId: `r${n}`, reviewerOrg: `univ-${n}`, declaredRelations: [] }, at(d.assign)),
    ),
    scored: [1, 2, 3].map((n) => command('ScoreReview', reviewer(n), { score: 80 + n, comments: `意见 ${n}` }, at(d.score))),
    shortlisted: [command('RecordSelection', office, { decision: 'shortlisted', cycleDecisionId: 'd-1' }, at(d.shortlist))],
    noticed: [command('RecordPublicNotice', office, { noticeId: 'notice-1', startsOn: d.noticeStarts, endsOn: d.noticeEnds }, at(d.noticeStarts))],
    approved: [command('RecordApproval', office, { cycleDecisionId: 'd-2' }, at(d.approve))],
    planSubmitted: [command('SubmitConstructionPlan', applicant, { plan: PLAN, taskBook: TASK_BOOK }, at(d.planSubmit))],
    planAccepted: [command('AcceptConstructionPlan', office, {}, at(d.accept))],
    reported: [command('SubmitAnnualReport', applicant, { year: 2025, report: REPORT }, at(d.report))],
    midterm: [
      command(
        'RecordMidtermEvaluation',
        office,
        {
          findings: { targetsAndTasks: '按期推进', useOfFunds: '合规', results: '显著', impact: '良好' },
          grade: passGrade(p),
          tasksCompletedPercent: 55,
          report: REPORT,
        },
        at(d.midterm),
      ),
    ],
    selfAssessed: [command('SubmitFinalSelfAssessment', applicant, { report: REPORT }, at(d.selfAssess))],
    evaluated: [command('RecordFinalEvaluation', office, { grade: passGrade(p), findings: '完成建设任务', report: REPORT }, at(d.evaluate))],
    accredited: [command('Accredit', office, {}, at(d.accredit))],
  };
}

/** Decides each command against the state so far, failing loudly on any error. */
export function run(commands: readonly ProjectCommand[], events: ProjectEvent[] = []): ProjectEvent[] {
  let state = fold(projectDecider, events);
  const all = [...events];
  for (const c of commands) {
    const produced = projectDecider.decide(c, state);
    all.push(...produced);
    state = produced.reduce(projectDecider.evolve, state);
  }
  return all;
}

const histories = new Map<Program, Map<Step, ProjectEvent[]>>();
/** The events of the program's walk through `upTo`. */
export function history(p: Program, upTo: Step): ProjectEvent[] {
  const byStep = histories.get(p) ?? new Map<Step, ProjectEvent[]>();
  histories.set(p, byStep);
  const cached = byStep.get(upTo);
  if (cached) return cached;
  const steps = walk(p);
  const commands = STEPS.slice(0, STEPS.indexOf(upTo) + 1).flatMap((s) => steps[s]);
  const events = run(commands);
  byStep.set(upTo, events);
  return events;
}

export const stateOf = (events: readonly ProjectEvent[]) => fold(projectDecider, events) as Project;
export const statusAfter = (events: readonly ProjectEvent[]): ProjectStatus => fold(projectDecider, events).status;
export const V = BRAND.rulesVersion;
export const D = days(BRAND);
export const CTX = contextOf(BRAND);
