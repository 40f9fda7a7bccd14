import {
  academicYearOf,
  addCalendarDays,
  addMonthsOn,
  annualReportDueOn,
  chinaDateOf,
  chinaEndOfDay,
  courseUpdateDueOn,
  isIsoDate,
} from '../beijing-time';
import { CycleRules } from '../catalog/program-rules';
import { Decider } from '../decider';
import { forbidden, illegalState, notFound, validation } from '../errors';
import { DocumentRef } from '../messages';
import {
  Major,
  MidtermFindings,
  PROJECT_COMMANDS,
  ProjectCommand,
  ProjectContext,
  ProjectCycleFacts,
  ProjectSubject,
  REVOCATION_REASONS,
  RevocationReason,
  SubjectKind,
} from './project.commands';
import { ObjectionRejectionReason, PROJECT_STATUSES, ProjectEvent, ProjectStatus } from './project.events';

export { PROJECT_COMMAND_TYPES, PROJECT_COMMANDS, REVOCATION_REASONS } from './project.commands';
export type { ProjectCommand, ProjectCommandType, ProjectContext, ProjectCycleFacts, ProjectSubject } from './project.commands';
export { PROJECT_STATUSES } from './project.events';
export { academicYearOf, addMonthsOn } from '../beijing-time';
export type { ProjectEvent, ProjectEventType, ProjectStatus } from './project.events';

/**
 * The lifecycle of a school-side project (domain.md §3–§5), one decider for every program: the
 * differences between 高水平中职, 高水平高职 and its 专业群, 品牌专业 and 精品课程 are the cycle's rules
 * (copied into the project's first event) and the shape of the project's subject.
 */

export interface ProjectReviewer {
  readonly reviewerId: string;
  readonly reviewerOrg: string;
  readonly recused: boolean;
  readonly score: number | null;
}

export interface ProjectObjection {
  readonly objectionId: string;
  readonly noticeId: string;
  readonly status: 'open' | 'rejected' | 'dismissed' | 'upheld';
}

export interface ProjectRectification {
  readonly rectificationId: string;
  readonly deadline: string;
  readonly orderedFrom: ProjectStatus;
  readonly submitted: boolean;
  /** The deadline passed with nothing submitted (RectificationOverdue): the office fails it or revokes. */
  readonly overdue: boolean;
  readonly outcome: 'open' | 'accepted' | 'failed';
}

export interface Project {
  readonly status: Exclude<ProjectStatus, 'None'>;
  readonly projectId: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly applicantOrg: string;
  readonly region: string;
  readonly title: string;
  readonly subject: ProjectSubject;
  readonly rules: CycleRules;
  readonly rulesVersion: string;
  readonly submissions: number;
  readonly recommendation: { readonly rank: number; readonly recommenderOrg: string } | null;
  readonly reviewers: readonly ProjectReviewer[];
  readonly selection: { readonly cycleDecisionId: string; readonly outcome: 'shortlisted' | 'not-selected'; readonly tier: string | null } | null;
  readonly notice: { readonly noticeId: string; readonly startsOn: string; readonly endsOn: string } | null;
  readonly objections: readonly ProjectObjection[];
  readonly approval: { readonly cycleDecisionId: string; readonly approvedOn: string; readonly constructionPlanDueOn: string } | null;
  readonly plan: { readonly submissions: number; readonly overdue: boolean; readonly accepted: boolean };
  readonly construction: { readonly startsOn: string; readonly endsOn: string } | null;
  /** The end of construction recorded as passed (ConstructionPeriodEnded); an extension moves `construction.endsOn` past it. */
  readonly constructionEndedOn: string | null;
  readonly reportedYears: readonly number[];
  readonly overdueReportYears: readonly number[];
  readonly changes: readonly { readonly changeId: string; readonly status: 'open' | 'approved' | 'rejected' }[];
  readonly midterm: { readonly grade: string; readonly tasksCompletedPercent: number; readonly belowMinTasks: boolean } | null;
  readonly rectifications: readonly ProjectRectification[];
  readonly selfAssessments: number;
  readonly evaluations: readonly { readonly grade: string; readonly outcome: 'passed' | 'deferred' | 'failed' }[];
  readonly accreditation: {
    readonly accreditedOn: string;
    readonly service: { readonly firstAcademicYear: number; readonly lastAcademicYear: number } | null;
  } | null;
  readonly courseUpdates: readonly number[];
  readonly overdueCourseUpdates: readonly number[];
  /** Set by a suspension or a revocation. */
  readonly ban: { readonly until: string; readonly mayReapply: boolean } | null;
  readonly fundRecovery: { readonly amount: number; readonly deadline: string } | null;
}

export type ProjectState = { readonly status: 'None' } | Project;

export const initialProjectState: ProjectState = { status: 'None' };

// ---------------------------------------------------------------------------------------------
// Status groups

const BEFORE_RECOMMENDATION: readonly ProjectStatus[] = ['Draft', 'Submitted', 'Returned', 'FormallyChecked'];
const IN_CONSTRUCTION: readonly ProjectStatus[] = ['UnderConstruction', 'MidtermEvaluated', 'Rectification', 'Extended'];
/** Construction has started and the project still stands: annual reports are owed [S]. */
const REPORTING: readonly ProjectStatus[] = [
  ...IN_CONSTRUCTION,
  'RectificationFailed',
  'FinalSelfAssessed',
  'FinalEvaluated',
  'Deferred',
  'Accredited',
];
/** "from any non-terminal state after approval", Failed and Suspended included: they are revoked with evidence. */
const REVOCABLE: readonly ProjectStatus[] = ['Approved', 'PlanSubmitted', ...REPORTING, 'Failed', 'Suspended'];
/** A parent project in one of these has ended: its specialty groups cannot go on. */
const PARENT_ENDED: readonly ProjectStatus[] = [
  'Withdrawn',
  'FormallyRejected',
  'NotRecommended',
  'NotSelected',
  'RemovedAfterObjection',
  'RemovedFromList',
  'Failed',
  'Suspended',
  'Revoked',
];

/** The subject each program of the 2020 plan is about; a program type added by configuration may use any consistent with its rules. */
const SUBJECT_KIND_BY_PROGRAM: Readonly<Record<string, SubjectKind>> = {
  'secondary-school': 'school',
  'higher-college': 'school',
  'specialty-group': 'specialty-group',
  'brand-major': 'major',
  'quality-course': 'course',
};

/** < 30% of tasks done at mid-term allows suspension [S2]; rules may set their own threshold. */
const DEFAULT_MIDTERM_MIN_TASKS_PERCENT = 30;

// ---------------------------------------------------------------------------------------------
// Data checks. Commands may arrive as DTO class instances: everything written into an event is
// copied into plain data here.

function text(value: unknown, code: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw validation(code, `${what} is required`);
  return value;
}

function optionalText(value: unknown, code: string, what: string): string | null {
  return value === undefined || value === null ? null : text(value, code, what);
}

function texts(value: unknown, code: string, what: string, min: number): string[] {
  if (value === undefined && min === 0) return [];
  if (!Array.isArray(value)) throw validation(code, `${what} must be a list`);
  const list = value.map((item) => text(item, code, what));
  if (list.length < min) throw validation(code, `at least ${min} ${what} required`);
  return list;
}

function documentRef(value: unknown, context: ProjectContext | undefined, code = 'invalid-document'): DocumentRef {
  const d = value as Partial<DocumentRef> | null | undefined;
  if (d === undefined || d === null) throw validation(code, 'a document reference is required');
  if (
    typeof d !== 'object' ||
    typeof d.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(d.sha256) ||
    typeof d.name !== 'string' ||
    d.name.trim() === '' ||
    typeof d.size !== 'number' ||
    !Number.isInteger(d.size) ||
    d.size < 0 ||
    (d.mediaType !== undefined && typeof d.mediaType !== 'string')
  ) {
    throw validation('invalid-document', 'a document reference needs sha256 (lower-case hex), name and size');
  }
  const known = context?.knownDocuments;
  if (known && !known.includes(d.sha256)) {
    throw notFound('unknown-document', `no stored document ${d.sha256}`, { sha256: d.sha256 });
  }
  return { sha256: d.sha256, name: d.name, size: d.size, ...(d.mediaType !== undefined ? { mediaType: d.mediaType } : {}) };
}

function documentRefs(value: unknown, context: ProjectContext | undefined, min: number, code = 'documents-required'): DocumentRef[] {
  if (value === undefined && min === 0) return [];
  if (!Array.isArray(value)) throw validation(code, 'documents must be a list');
  const list = value.map((item) => documentRef(item, context));
  if (list.length < min) throw validation(code, `at least ${min} document(s) required`);
  return list;
}

function optionalDocument(value: unknown, context: ProjectContext | undefined): DocumentRef | null {
  return value === undefined || value === null ? null : documentRef(value, context);
}

function date(value: unknown, field: string): string {
  if (!isIsoDate(value)) throw validation('invalid-date', `${field} must be a YYYY-MM-DD date`, { field });
  return value;
}

function wholeNumber(value: unknown, code: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(code, `${what} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`, { value: value as number });
  }
  return value;
}

function percent(value: unknown, code: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw validation(code, `${what} must be a number from 0 to 100`);
  }
  return value;
}

/** The yearly reports construction owes: one on each calendar year it runs in before its final year. */
const annualReportsDuring = (startsOn: string, endsOn: string, rules: CycleRules) => {
  const first = Number(startsOn.slice(0, 4));
  const last = Math.max(first, Number(endsOn.slice(0, 4)) - 1);
  return Array.from({ length: last - first + 1 }, (_, i) => ({ year: first + i, dueOn: annualReportDueOn(first + i, rules.annualReportDue) }));
};

// ---------------------------------------------------------------------------------------------
// Guards

function invalidTransition(command: ProjectCommand, state: ProjectState, expected: readonly ProjectStatus[]) {
  return illegalState('invalid-transition', `${command.type} is not possible while the project is ${state.status}`, {
    command: command.type,
    status: state.status,
    expected: expected.join(' | '),
  });
}

function requireStatus(command: ProjectCommand, project: Project, allowed: readonly ProjectStatus[]): void {
  if (!allowed.includes(project.status)) throw invalidTransition(command, project, allowed);
}

/** Role from the command table, then the project's existence, then the actor's standing on it (domain.md §7). */
function authorize(command: ProjectCommand, state: ProjectState): Project | null {
  const { actor } = command;
  if (!PROJECT_COMMANDS[command.type].includes(actor.role)) {
    throw forbidden('role-not-allowed', `role ${actor.role} may not ${command.type}`, { role: actor.role, command: command.type });
  }
  if (command.type === 'DraftApplication') return null;
  if (state.status === 'None') throw notFound('project-not-found', 'no such project');
  // Objections are open to anyone identified, whatever their organisation or region.
  if (command.type === 'FileObjection') return state;
  if (actor.role === 'applicant' && actor.org !== state.applicantOrg) {
    throw forbidden('not-own-organisation', 'an applicant acts only on its own organisation’s projects');
  }
  if (actor.role === 'recommender' && actor.region !== state.region) {
    throw forbidden('not-own-region', `the project is in ${state.region}, outside the recommender’s region`);
  }
  if (actor.role === 'reviewer') {
    if (!state.reviewers.some((r) => r.reviewerId === actor.id)) {
      throw forbidden('not-assigned-reviewer', 'the reviewer is not assigned to this project');
    }
    if (actor.org === state.applicantOrg) {
      throw forbidden('own-organisation', 'a reviewer never reviews a project of its own organisation');
    }
  }
  return state;
}

function cycleFacts(context: ProjectContext | undefined): ProjectCycleFacts {
  if (!context?.cycle) throw validation('context-required', 'the cycle’s facts are required');
  return context.cycle;
}

function requireSameCycle(project: Project, cycle: ProjectCycleFacts): void {
  if (cycle.id !== project.cycleId) throw validation('cycle-mismatch', `the project belongs to cycle ${project.cycleId}, not ${cycle.id}`);
}

function checkBans(context: ProjectContext | undefined, programType: string, today: string): void {
  const ban = (context?.applicantBans ?? []).find((b) => b.programType === programType && today <= b.until);
  if (ban) {
    throw forbidden('applicant-banned', `the applicant is banned from ${programType} until ${ban.until}`, { until: ban.until, reason: ban.reason });
  }
}

/** A specialty group needs its college's project, of the same applicant, still standing. */
function checkParent(subject: ProjectSubject, programType: string, applicantOrg: string, context: ProjectContext | undefined): void {
  if (subject.kind !== 'specialty-group') return;
  const parent = context?.parentProject;
  if (parent === undefined) throw validation('context-required', 'a specialty group needs its parent project’s facts');
  if (parent === null) throw notFound('parent-project-not-found', `no project ${subject.parentProjectId}`);
  if (parent.projectId !== subject.parentProjectId) {
    throw validation('parent-project-mismatch', `the context describes ${parent.projectId}, not ${subject.parentProjectId}`);
  }
  if (parent.programType === programType) throw validation('invalid-parent-project', 'a specialty group’s parent is a college’s project');
  if (parent.applicantOrg !== applicantOrg) {
    throw forbidden('not-own-organisation', 'a specialty group belongs to the project of its own college');
  }
  if (PARENT_ENDED.includes(parent.status)) {
    throw illegalState('parent-project-ended', `the parent project is ${parent.status}`, { status: parent.status });
  }
}

function subjectOf(value: unknown, programType: string, rules: CycleRules): ProjectSubject {
  const s = value as Record<string, unknown> | null | undefined;
  if (typeof s !== 'object' || s === null) throw validation('subject-required', 'what the application is about is required');
  const expected = Object.prototype.hasOwnProperty.call(SUBJECT_KIND_BY_PROGRAM, programType) ? SUBJECT_KIND_BY_PROGRAM[programType] : undefined;
  if ((expected !== undefined && s.kind !== expected) || (expected === undefined && !!rules.course !== (s.kind === 'course'))) {
    throw validation('subject-mismatch', `a ${programType} application is not about a ${String(s.kind)}`, { kind: String(s.kind) });
  }
  switch (s.kind) {
    case 'school':
      return { kind: 'school' };
    case 'specialty-group': {
      const group = rules.specialtyGroup;
      if (!group) throw validation('rules-incomplete', 'the cycle’s rules set no size for specialty groups');
      const parentProjectId = text(s.parentProjectId, 'parent-project-required', 'the parent project');
      const groupName = text(s.groupName, 'invalid-subject', 'the group’s name');
      if (!Array.isArray(s.majors)) throw validation('invalid-subject', 'the majors must be a list');
      const majors: Major[] = s.majors.map((m: { code?: unknown; name?: unknown } | null) => ({
        code: text(m?.code, 'invalid-subject', 'a major’s code'),
        name: text(m?.name, 'invalid-subject', 'a major’s name'),
      }));
      if (new Set(majors.map((m) => m.code)).size !== majors.length) throw validation('duplicate-major', 'a major appears twice in the group');
      if (majors.length < group.minMajors || majors.length > group.maxMajors) {
        throw validation('majors-out-of-range', `a specialty group has ${group.minMajors}–${group.maxMajors} majors, not ${majors.length}`, {
          min: group.minMajors,
          max: group.maxMajors,
          count: majors.length,
        });
      }
      const tier = optionalText(s.tier, 'unknown-tier', 'the tier');
      if (tier !== null && !rules.tiers.some((t) => t.name === tier)) throw validation('unknown-tier', `the cycle has no tier ${tier}`, { tier });
      return { kind: 'specialty-group', parentProjectId, groupName, majors, tier };
    }
    case 'major':
      return {
        kind: 'major',
        majorCode: text(s.majorCode, 'invalid-subject', 'the major’s code'),
        majorName: text(s.majorName, 'invalid-subject', 'the major’s name'),
      };
    case 'course': {
      const course = rules.course;
      if (!course) throw validation('rules-incomplete', 'the cycle’s rules set no course eligibility');
      const courseName = text(s.courseName, 'invalid-subject', 'the course’s name');
      const classHours = wholeNumber(s.classHours, 'invalid-subject', 'class hours', 0);
      const semestersTaught = wholeNumber(s.semestersTaught, 'invalid-subject', 'semesters taught', 0);
      if (classHours < course.minClassHours || semestersTaught < course.minSemestersTaught) {
        throw validation(
          'course-not-eligible',
          `a course needs ≥ ${course.minClassHours} class hours and ≥ ${course.minSemestersTaught} semesters taught online`,
          { classHours, semestersTaught, minClassHours: course.minClassHours, minSemestersTaught: course.minSemestersTaught },
        );
      }
      return { kind: 'course', courseName, classHours, semestersTaught };
    }
    default:
      throw validation('invalid-subject', `unknown subject kind ${String(s.kind)}`);
  }
}

function gradeOf(value: unknown, rules: CycleRules): string {
  if (typeof value !== 'string' || !rules.gradeScale.grades.includes(value)) {
    throw validation('unknown-grade', `the grade must be one of ${rules.gradeScale.grades.join(', ')}`, { grades: [...rules.gradeScale.grades] });
  }
  return value;
}

const scoreOf = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) throw validation('invalid-score', 'a score is from 0 to 100');
  return value;
};

const openRectification = (project: Project) => project.rectifications.find((r) => r.outcome === 'open') ?? null;
const lastRectification = (project: Project) => project.rectifications[project.rectifications.length - 1] ?? null;

// ---------------------------------------------------------------------------------------------

export function decideProject(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  const project = authorize(command, state);
  const now = command.now;
  const today = chinaDateOf(now);
  const context = command.context;

  if (command.type === 'DraftApplication') {
    if (state.status !== 'None') throw invalidTransition(command, state, ['None']);
    const cycle = cycleFacts(context);
    const data = command.data;
    const projectId = text(data.projectId, 'invalid-field', 'the project id');
    if (data.cycleId !== cycle.id) throw validation('cycle-mismatch', `the context describes cycle ${cycle.id}, not ${String(data.cycleId)}`);
    if (data.programType !== cycle.programType) {
      throw validation('program-type-mismatch', `cycle ${cycle.id} runs ${cycle.programType}, not ${String(data.programType)}`);
    }
    const region = text(command.actor.region, 'region-required', 'the applicant’s region');
    if (!cycle.windowOpen) throw illegalState('window-closed', 'the cycle’s application window is not open');
    checkBans(context, cycle.programType, today);
    const title = text(data.title, 'title-required', 'the title');
    const subject = subjectOf(data.subject, cycle.programType, cycle.rules);
    checkParent(subject, cycle.programType, command.actor.org, context);
    return [
      {
        type: 'ApplicationDrafted',
        data: {
          projectId,
          cycleId: cycle.id,
          programType: cycle.programType,
          applicantOrg: command.actor.org,
          region,
          title,
          subject,
          rules: cycle.rules,
          rulesVersion: cycle.rulesVersion,
          draftedAt: now,
        },
      },
    ];
  }
  if (project === null) throw notFound('project-not-found', 'no such project');
  const { rules, rulesVersion } = project;

  switch (command.type) {
    // ------------------------------------------------------------------------- selection
    case 'EditApplication': {
      requireStatus(command, project, ['Draft', 'Returned']);
      const data = command.data;
      if (data.title === undefined && data.subject === undefined) throw validation('nothing-to-edit', 'give a new title or subject');
      const title = data.title === undefined ? project.title : text(data.title, 'title-required', 'the title');
      const subject = data.subject === undefined ? project.subject : subjectOf(data.subject, project.programType, rules);
      if (project.subject.kind === 'specialty-group' && subject.kind === 'specialty-group' && subject.parentProjectId !== project.subject.parentProjectId) {
        throw validation('parent-project-immutable', 'a specialty group stays with the project it was drafted under');
      }
      return [{ type: 'ApplicationEdited', data: { title, subject, editedAt: now, rulesVersion } }];
    }

    case 'SubmitApplication': {
      requireStatus(command, project, ['Draft', 'Returned']);
      const cycle = cycleFacts(context);
      requireSameCycle(project, cycle);
      // A returned application is revised during the formal check, after the window may have closed.
      if (project.status === 'Draft' && !cycle.windowOpen) throw illegalState('window-closed', 'the cycle’s application window is not open');
      checkBans(context, project.programType, today);
      checkParent(project.subject, project.programType, project.applicantOrg, context);
      const data = command.data;
      const applicationForm = documentRef(data.applicationForm, context, 'application-form-required');
      const declarations = data.declarations as SubmitDeclarations | undefined;
      const authenticity = documentRef(declarations?.authenticity, context, 'declarations-required');
      const commitment = documentRef(declarations?.commitment, context, 'declarations-required');
      return [
        {
          type: 'ApplicationSubmitted',
          data: {
            projectId: project.projectId,
            cycleId: project.cycleId,
            applicantOrg: project.applicantOrg,
            region: project.region,
            title: project.title,
            subject: project.subject,
            applicationForm,
            declarations: { authenticity, commitment },
            attachments: documentRefs(data.attachments, context, 0),
            submissionNo: project.submissions + 1,
            resubmission: project.status === 'Returned',
            submittedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'WithdrawApplication':
      requireStatus(command, project, BEFORE_RECOMMENDATION);
      return [
        {
          type: 'ApplicationWithdrawn',
          data: { reason: optionalText(command.data.reason, 'reason-required', 'the reason'), withdrawnFrom: project.status, withdrawnAt: now, rulesVersion },
        },
      ];

    case 'ReturnForRevision':
      requireStatus(command, project, ['Submitted', 'FormallyChecked']);
      return [{ type: 'ApplicationReturned', data: { reason: text(command.data.reason, 'reason-required', 'the reason'), returnedAt: now, rulesVersion } }];

    case 'RecordFormalCheck': {
      requireStatus(command, project, ['Submitted']);
      const cycle = cycleFacts(context);
      requireSameCycle(project, cycle);
      const periodEndsOn = addCalendarDays(chinaDateOf(cycle.closesAt), rules.formalCheckDays);
      if (today > periodEndsOn) {
        throw illegalState('formal-check-period-over', `formal checks ended on ${periodEndsOn}`, { periodEndsOn });
      }
      const { result } = command.data;
      if (result !== 'passed' && result !== 'failed') throw validation('invalid-result', "the result is 'passed' or 'failed'");
      const reasons = texts(command.data.reasons, 'reasons-required', 'reasons', result === 'failed' ? 1 : 0);
      const data = { result, reasons, periodEndsOn, checkedAt: now, rulesVersion };
      return [result === 'passed' ? { type: 'FormalCheckPassed', data } : { type: 'FormalCheckFailed', data }];
    }

    case 'Recommend': {
      requireStatus(command, project, ['FormallyChecked']);
      const rank = wholeNumber(command.data.rank, 'invalid-rank', 'the rank', 1, rules.perRecommenderLimit);
      return [
        {
          type: 'ApplicationRecommended',
          data: {
            rank,
            recommenderOrg: command.actor.org,
            region: project.region,
            opinion: optionalText(command.data.opinion, 'invalid-field', 'the opinion'),
            recommendedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'NotRecommend':
      requireStatus(command, project, ['FormallyChecked']);
      return [
        {
          type: 'ApplicationNotRecommended',
          data: {
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            recommenderOrg: command.actor.org,
            region: project.region,
            decidedAt: now,
            rulesVersion,
          },
        },
      ];

    case 'AssignReviewer': {
      requireStatus(command, project, ['Recommended', 'UnderReview']);
      const reviewerId = text(command.data.reviewerId, 'invalid-field', 'the reviewer id');
      const reviewerOrg = text(command.data.reviewerOrg, 'invalid-field', 'the reviewer’s organisation');
      const declaredRelations = texts(command.data.declaredRelations, 'declared-relations-required', 'declared relations', 0);
      if (reviewerOrg === project.applicantOrg || declaredRelations.includes(project.applicantOrg)) {
        throw illegalState('conflict-of-interest', 'the reviewer belongs to or declared a relation with the applicant', { reviewerId });
      }
      const existing = project.reviewers.find((r) => r.reviewerId === reviewerId);
      if (existing?.recused) throw illegalState('reviewer-recused', 'the reviewer has recused from this project', { reviewerId });
      if (existing) throw illegalState('reviewer-already-assigned', 'the reviewer is already assigned', { reviewerId });
      return [{ type: 'ReviewerAssigned', data: { reviewerId, reviewerOrg, declaredRelations, assignedAt: now, rulesVersion } }];
    }

    case 'DeclareConflict': {
      requireStatus(command, project, ['UnderReview']);
      const reviewer = assignedReviewer(project, command.actor.id);
      if (reviewer.score !== null) throw illegalState('already-scored', 'a conflict is declared before scoring');
      return [
        { type: 'ReviewerRecused', data: { reviewerId: reviewer.reviewerId, reason: text(command.data.reason, 'reason-required', 'the reason'), recusedAt: now, rulesVersion } },
      ];
    }

    case 'ScoreReview': {
      requireStatus(command, project, ['UnderReview']);
      const reviewer = assignedReviewer(project, command.actor.id);
      if (reviewer.score !== null) throw illegalState('already-scored', 'each reviewer scores once; the office corrects a score');
      return [
        {
          type: 'ReviewScored',
          data: {
            reviewerId: reviewer.reviewerId,
            reviewerOrg: reviewer.reviewerOrg,
            score: scoreOf(command.data.score),
            comments: text(command.data.comments, 'comments-required', 'comments'),
            scoredAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'CorrectScore': {
      requireStatus(command, project, ['UnderReview']);
      const reviewer = project.reviewers.find((r) => r.reviewerId === command.data.reviewerId);
      if (!reviewer || reviewer.score === null) throw notFound('score-not-found', 'the reviewer has not scored this project');
      const score = scoreOf(command.data.score);
      if (score === reviewer.score) throw validation('score-unchanged', 'the correction gives the same score');
      return [
        {
          type: 'ReviewScoreCorrected',
          data: {
            reviewerId: reviewer.reviewerId,
            previousScore: reviewer.score,
            score,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            correctedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordSelection': {
      const data = command.data;
      const cycleDecisionId = text(data.cycleDecisionId, 'invalid-field', 'the cycle decision id');
      if (project.selection?.cycleDecisionId === cycleDecisionId) return [];
      requireStatus(command, project, ['Recommended', 'UnderReview']);
      const scores = project.reviewers.filter((r) => !r.recused && r.score !== null).map((r) => ({ reviewerId: r.reviewerId, score: r.score as number }));
      const base = { cycleDecisionId, scores, minReviewers: rules.minReviewers, decidedAt: now, rulesVersion };
      if (data.decision === 'shortlisted') {
        if (scores.length < rules.minReviewers) {
          throw illegalState('review-incomplete', `${scores.length} of the ${rules.minReviewers} scores needed`, { scores: scores.length, minReviewers: rules.minReviewers });
        }
        const tier = optionalText(data.tier, 'unknown-tier', 'the tier');
        if (tier === null && rules.tiers.length > 0) throw validation('tier-required', 'this cycle shortlists into tiers');
        if (tier !== null && !rules.tiers.some((t) => t.name === tier)) throw validation('unknown-tier', `the cycle has no tier ${tier}`, { tier });
        return [{ type: 'SelectionRecorded', data: { ...base, outcome: 'shortlisted', tier, reason: optionalText(data.reason, 'reason-required', 'the reason') } }];
      }
      if (data.decision === 'not-selected') {
        return [{ type: 'SelectionRecorded', data: { ...base, outcome: 'not-selected', tier: null, reason: text(data.reason, 'reason-required', 'the reason') } }];
      }
      throw validation('invalid-decision', "the decision is 'shortlisted' or 'not-selected'");
    }

    case 'RecordPublicNotice': {
      const noticeId = text(command.data.noticeId, 'invalid-field', 'the notice id');
      if (project.notice?.noticeId === noticeId) return [];
      requireStatus(command, project, ['Shortlisted']);
      const startsOn = date(command.data.startsOn, 'startsOn');
      const endsOn = date(command.data.endsOn, 'endsOn');
      if (endsOn < startsOn) throw validation('invalid-notice-period', 'a notice cannot end before it starts');
      return [
        {
          type: 'PublicNoticeRecorded',
          data: {
            noticeId,
            startsOn,
            endsOn,
            endsAt: chinaEndOfDay(endsOn),
            document: optionalDocument(command.data.document, context),
            recordedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'FileObjection': {
      requireStatus(command, project, ['InPublicNotice']);
      const notice = project.notice as NonNullable<Project['notice']>;
      const data = command.data;
      const objectionId = text(data.objectionId, 'objection-id-required', 'the objection id');
      if (project.objections.some((o) => o.objectionId === objectionId)) {
        throw illegalState('objection-already-filed', 'an objection with this id exists', { objectionId });
      }
      const grounds = text(data.grounds, 'grounds-required', 'the grounds of the objection');
      const evidence = documentRefs(data.evidence ?? [], context, 0);
      const { name, contact } = (data.objector ?? {}) as { name?: unknown; contact?: unknown };
      const identified = typeof name === 'string' && name.trim() !== '' && typeof contact === 'string' && contact.trim() !== '';
      const objector = identified ? { name, contact } : null;
      const reasons: ObjectionRejectionReason[] = [];
      if (!objector) reasons.push('anonymous');
      if (evidence.length === 0) reasons.push('no-evidence');
      if (today < notice.startsOn) reasons.push('before-notice');
      if (today > notice.endsOn) reasons.push('late');
      if (objector === null || reasons.length > 0) {
        return [
          {
            type: 'ObjectionRejected',
            data: { objectionId, noticeId: notice.noticeId, reasons, objector, grounds, evidence, filedAt: now, rulesVersion },
          },
        ];
      }
      return [{ type: 'ObjectionFiled', data: { objectionId, noticeId: notice.noticeId, objector, grounds, evidence, filedAt: now } }];
    }

    case 'ResolveObjection': {
      requireStatus(command, project, ['InPublicNotice']);
      const objection = project.objections.find((o) => o.objectionId === command.data.objectionId);
      if (!objection) throw notFound('objection-not-found', 'no such objection', { objectionId: command.data.objectionId });
      if (objection.status !== 'open') throw illegalState('objection-not-open', `the objection is ${objection.status}`, { status: objection.status });
      const { outcome } = command.data;
      if (outcome !== 'dismissed' && outcome !== 'upheld') throw validation('invalid-outcome', "the outcome is 'dismissed' or 'upheld'");
      const reason = text(command.data.reason, 'reason-required', 'the reason');
      const resolution = { objectionId: objection.objectionId, reason, evidence: documentRefs(command.data.evidence, context, 0), resolvedAt: now, rulesVersion };
      if (outcome === 'dismissed') return [{ type: 'ObjectionDismissed', data: resolution }];
      return [
        { type: 'ObjectionUpheld', data: resolution },
        { type: 'ProjectRemovedAfterObjection', data: { objectionId: objection.objectionId, reason, removedAt: now, rulesVersion } },
      ];
    }

    case 'RecordRemovalFromList': {
      const removalId = text(command.data.removalId, 'invalid-field', 'the removal id');
      // The cycle's removal of a project whose own upheld objection took it off the list already.
      if (project.status === 'RemovedAfterObjection' || project.status === 'RemovedFromList') return [];
      requireStatus(command, project, ['Shortlisted', 'InPublicNotice']);
      return [
        {
          type: 'RemovalFromListRecorded',
          data: {
            removalId,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            objectionId: optionalText(command.data.objectionId, 'invalid-field', 'the objection id'),
            removedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordApproval': {
      const cycleDecisionId = text(command.data.cycleDecisionId, 'invalid-field', 'the cycle decision id');
      if (project.approval?.cycleDecisionId === cycleDecisionId) return [];
      requireStatus(command, project, ['InPublicNotice']);
      const notice = project.notice as NonNullable<Project['notice']>;
      if (today <= notice.endsOn) throw illegalState('notice-not-ended', `the public notice runs through ${notice.endsOn}`, { endsOn: notice.endsOn });
      const open = project.objections.filter((o) => o.status === 'open').map((o) => o.objectionId);
      if (open.length > 0) throw illegalState('open-objection', 'objections to the notice are still open', { objections: open });
      return [
        {
          type: 'ProjectApproved',
          data: {
            cycleDecisionId,
            noticeId: notice.noticeId,
            tier: project.selection?.tier ?? null,
            reason: optionalText(command.data.reason, 'reason-required', 'the reason'),
            document: optionalDocument(command.data.document, context),
            approvedAt: now,
            constructionPlanDueOn: addCalendarDays(today, rules.constructionPlanDueDays),
            rulesVersion,
          },
        },
      ];
    }

    // ------------------------------------------------------------------------- construction
    case 'SubmitConstructionPlan': {
      requireStatus(command, project, ['Approved']);
      const dueOn = (project.approval as NonNullable<Project['approval']>).constructionPlanDueOn;
      return [
        {
          type: 'ConstructionPlanSubmitted',
          data: {
            plan: documentRef(command.data.plan, context, 'plan-required'),
            taskBook: documentRef(command.data.taskBook, context, 'task-book-required'),
            dueOn,
            late: today > dueOn,
            submissionNo: project.plan.submissions + 1,
            submittedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordConstructionPlanOverdue': {
      requireStatus(command, project, REVOCABLE);
      // The deadline concerns the first submission; once it is met or recorded, a repeat changes nothing.
      if (project.status !== 'Approved' || project.plan.submissions > 0 || project.plan.overdue) return [];
      const dueOn = (project.approval as NonNullable<Project['approval']>).constructionPlanDueOn;
      if (today <= dueOn) throw illegalState('not-yet-due', `the construction plan is due by ${dueOn}`, { dueOn });
      return [{ type: 'ConstructionPlanOverdue', data: { dueOn, recordedAt: now, rulesVersion } }];
    }

    case 'AcceptConstructionPlan':
      requireStatus(command, project, ['PlanSubmitted']);
      return [
        {
          type: 'ConstructionPlanAccepted',
          data: {
            constructionStartsOn: today,
            constructionEndsOn: addMonthsOn(today, rules.constructionMonths),
            midtermDueOn: addMonthsOn(today, rules.midtermAfterMonths),
            annualReportsDue: annualReportsDuring(today, addMonthsOn(today, rules.constructionMonths), rules),
            acceptedAt: now,
            rulesVersion,
          },
        },
      ];

    case 'RejectConstructionPlan':
      requireStatus(command, project, ['PlanSubmitted']);
      return [{ type: 'ConstructionPlanRejected', data: { reasons: texts(command.data.reasons, 'reasons-required', 'reasons', 1), rejectedAt: now, rulesVersion } }];

    case 'SubmitAnnualReport': {
      requireStatus(command, project, REPORTING);
      const year = reportYear(command.data.year, project, today);
      if (project.reportedYears.includes(year)) throw illegalState('annual-report-already-submitted', `the report on ${year} is in`, { year });
      const dueOn = annualReportDueOn(year, rules.annualReportDue);
      return [
        {
          type: 'AnnualReportSubmitted',
          data: { year, report: documentRef(command.data.report, context, 'report-required'), dueOn, late: today > dueOn, submittedAt: now, rulesVersion },
        },
      ];
    }

    case 'RecordAnnualReportOverdue': {
      requireStatus(command, project, REPORTING);
      const year = reportYear(command.data.year, project, today);
      if (project.reportedYears.includes(year) || project.overdueReportYears.includes(year)) return [];
      const dueOn = annualReportDueOn(year, rules.annualReportDue);
      if (today <= dueOn) throw illegalState('not-yet-due', `the report on ${year} is due by ${dueOn}`, { dueOn });
      return [{ type: 'AnnualReportOverdue', data: { year, dueOn, recordedAt: now, rulesVersion } }];
    }

    case 'RequestChange':
      requireStatus(command, project, IN_CONSTRUCTION);
      return [
        {
          type: 'ChangeRequested',
          data: {
            changeId: `change-${project.changes.length + 1}`,
            description: text(command.data.description, 'description-required', 'the change’s description'),
            documents: documentRefs(command.data.documents, context, 1),
            requestedAt: now,
            rulesVersion,
          },
        },
      ];

    case 'DecideChange': {
      requireStatus(command, project, REPORTING);
      const change = project.changes.find((c) => c.changeId === command.data.changeId);
      if (!change) throw notFound('change-not-found', 'no such change request', { changeId: command.data.changeId });
      if (change.status !== 'open') throw illegalState('change-already-decided', `the change was ${change.status}`, { status: change.status });
      const { decision } = command.data;
      if (decision !== 'approved' && decision !== 'rejected') throw validation('invalid-decision', "the decision is 'approved' or 'rejected'");
      const data = {
        changeId: change.changeId,
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        expertReview: documentRef(command.data.expertReview, context, 'expert-review-required'),
        decidedAt: now,
        rulesVersion,
      };
      return [decision === 'approved' ? { type: 'ChangeApproved', data } : { type: 'ChangeRejected', data }];
    }

    case 'RecordMidtermEvaluation': {
      requireStatus(command, project, ['UnderConstruction', 'Extended']);
      if (project.midterm) throw illegalState('midterm-already-recorded', 'the mid-term evaluation is recorded');
      const f = command.data.findings as Partial<MidtermFindings> | undefined;
      const findings: MidtermFindings = {
        targetsAndTasks: text(f?.targetsAndTasks, 'findings-required', 'the finding on targets and tasks'),
        useOfFunds: text(f?.useOfFunds, 'findings-required', 'the finding on the use of funds'),
        results: text(f?.results, 'findings-required', 'the finding on results'),
        impact: text(f?.impact, 'findings-required', 'the finding on impact'),
      };
      const tasksCompletedPercent = percent(command.data.tasksCompletedPercent, 'invalid-percent', 'the share of tasks completed');
      const minTasksPercent = rules.midtermMinTasksPercent ?? DEFAULT_MIDTERM_MIN_TASKS_PERCENT;
      return [
        {
          type: 'MidtermEvaluated',
          data: {
            findings,
            grade: gradeOf(command.data.grade, rules),
            gradeScale: rules.gradeScale,
            tasksCompletedPercent,
            minTasksPercent,
            belowMinTasks: tasksCompletedPercent < minTasksPercent,
            report: documentRef(command.data.report, context, 'report-required'),
            evaluatedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'OrderRectification': {
      // An accredited course owes yearly updates: a missed one leads to rectification, then revocation.
      const allowed: ProjectStatus[] = ['UnderConstruction', 'MidtermEvaluated', 'Extended', ...(project.subject.kind === 'course' ? (['Accredited'] as const) : [])];
      requireStatus(command, project, allowed);
      const findings = texts(command.data.findings, 'findings-required', 'findings', 1);
      const deadline = date(command.data.deadline, 'deadline');
      if (deadline <= today) throw validation('invalid-deadline', 'the deadline must be after today');
      const latest = addMonthsOn(today, rules.maxRectificationMonths);
      if (deadline > latest) {
        throw validation('rectification-deadline-too-far', `a rectification lasts at most ${rules.maxRectificationMonths} months (until ${latest})`, { latest });
      }
      return [
        {
          type: 'RectificationOrdered',
          data: {
            rectificationId: `rectification-${project.rectifications.length + 1}`,
            findings,
            deadline,
            maxRectificationMonths: rules.maxRectificationMonths,
            orderedFrom: project.status,
            orderedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'SubmitRectification': {
      requireStatus(command, project, ['Rectification']);
      const rectification = openRectification(project) as ProjectRectification;
      if (rectification.submitted) throw illegalState('rectification-already-submitted', 'the rectification report is in');
      if (today > rectification.deadline) {
        throw illegalState('rectification-deadline-passed', `the rectification was due by ${rectification.deadline}`, { deadline: rectification.deadline });
      }
      return [
        {
          type: 'RectificationSubmitted',
          data: { rectificationId: rectification.rectificationId, report: documentRef(command.data.report, context, 'report-required'), submittedAt: now, rulesVersion },
        },
      ];
    }

    case 'AcceptRectification': {
      requireStatus(command, project, ['Rectification']);
      const rectification = openRectification(project) as ProjectRectification;
      if (!rectification.submitted) throw illegalState('rectification-not-submitted', 'nothing has been submitted to accept');
      return [
        {
          type: 'RectificationAccepted',
          data: { rectificationId: rectification.rectificationId, reason: text(command.data.reason, 'reason-required', 'the reason'), decidedAt: now, rulesVersion },
        },
      ];
    }

    case 'RecordRectificationOverdue': {
      const rectificationId = text(command.data.rectificationId, 'invalid-field', 'the rectification id');
      const rectification = project.rectifications.find((r) => r.rectificationId === rectificationId);
      if (!rectification) throw notFound('rectification-not-found', 'no such rectification', { rectificationId });
      // Only an open rectification of a project still rectifying can be missed, and only once; a
      // revoked project's rectification ends with it.
      const open = rectification.outcome === 'open' && project.status === 'Rectification';
      if (!open || rectification.submitted || rectification.overdue) return [];
      const { deadline } = rectification;
      if (today <= deadline) throw illegalState('not-yet-due', `the rectification is due by ${deadline}`, { deadline });
      return [{ type: 'RectificationOverdue', data: { rectificationId, deadline, recordedAt: now, rulesVersion } }];
    }

    case 'FailRectification': {
      requireStatus(command, project, ['Rectification']);
      const rectification = openRectification(project) as ProjectRectification;
      if (!rectification.submitted && today <= rectification.deadline) {
        throw illegalState('rectification-pending', `the applicant has until ${rectification.deadline}`, { deadline: rectification.deadline });
      }
      return [
        {
          type: 'RectificationFailed',
          data: {
            rectificationId: rectification.rectificationId,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            submitted: rectification.submitted,
            decidedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'Suspend': {
      requireStatus(command, project, ['RectificationFailed', 'MidtermEvaluated']);
      let trigger: 'failed-rectification' | 'midterm-below-min-tasks';
      if (project.status === 'RectificationFailed') {
        if (lastRectification(project)?.orderedFrom === 'Accredited') {
          throw illegalState('suspension-not-applicable', 'an accredited project that fails its obligations is revoked, not suspended');
        }
        trigger = 'failed-rectification';
      } else {
        if (!project.midterm?.belowMinTasks) {
          throw illegalState('suspension-not-warranted', 'the mid-term evaluation found enough tasks done; order a rectification first');
        }
        trigger = 'midterm-below-min-tasks';
      }
      return [
        {
          type: 'ProjectSuspended',
          data: {
            trigger,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            programType: project.programType,
            applicantOrg: project.applicantOrg,
            tasksCompletedPercent: project.midterm?.tasksCompletedPercent ?? null,
            banUntil: addMonthsOn(today, 12 * rules.bans.suspensionYears),
            mayReapply: false,
            suspendedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordConstructionPeriodEnded': {
      requireStatus(command, project, REVOCABLE);
      if (!project.construction) throw invalidTransition(command, project, IN_CONSTRUCTION);
      // Once construction has been left (self-assessed, failed rectification, evaluated, suspended, an
      // accredited course rectifying), its end no longer calls for anything; an end is recorded once.
      const { endsOn } = project.construction;
      const inConstruction = IN_CONSTRUCTION.includes(project.status) && openRectification(project)?.orderedFrom !== 'Accredited';
      if (!inConstruction || project.constructionEndedOn === endsOn) return [];
      if (today <= endsOn) throw illegalState('not-yet-due', `construction runs until ${endsOn}`, { endsOn });
      return [{ type: 'ConstructionPeriodEnded', data: { endsOn, recordedAt: now, rulesVersion } }];
    }

    case 'SubmitFinalSelfAssessment': {
      requireStatus(command, project, ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred']);
      const endsOn = (project.construction as NonNullable<Project['construction']>).endsOn;
      if (project.status !== 'Deferred' && today < endsOn) {
        throw illegalState('construction-not-ended', `construction runs until ${endsOn}`, { endsOn });
      }
      return [
        {
          type: 'FinalSelfAssessmentSubmitted',
          data: {
            report: documentRef(command.data.report, context, 'report-required'),
            constructionEndsOn: endsOn,
            submissionNo: project.selfAssessments + 1,
            submittedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'GrantExtension': {
      requireStatus(command, project, ['UnderConstruction', 'MidtermEvaluated', 'Extended', 'Deferred']);
      const previousEndsOn = (project.construction as NonNullable<Project['construction']>).endsOn;
      const newEndsOn = date(command.data.newEndsOn, 'newEndsOn');
      if (newEndsOn <= previousEndsOn || newEndsOn <= today) {
        throw validation('invalid-extension', `the new end must be after ${previousEndsOn > today ? previousEndsOn : today}`, { previousEndsOn });
      }
      return [
        {
          type: 'EvaluationExtended',
          data: {
            previousEndsOn,
            newEndsOn,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            request: documentRef(command.data.request, context, 'request-required'),
            grantedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordFinalEvaluation': {
      requireStatus(command, project, ['FinalSelfAssessed', 'Deferred']);
      if (project.selfAssessments === 0) throw illegalState('self-assessment-missing', 'the final self-assessment is not in');
      const grade = gradeOf(command.data.grade, rules);
      const scale = rules.gradeScale;
      const outcome = scale.passing.includes(grade) ? 'passed' : scale.deferring.includes(grade) ? 'deferred' : 'failed';
      return [
        {
          type: 'FinalEvaluated',
          data: {
            evaluationNo: project.evaluations.length + 1,
            grade,
            gradeScale: scale,
            outcome,
            barsNextCycle: scale.barring.includes(grade),
            findings: text(command.data.findings, 'findings-required', 'the findings'),
            report: documentRef(command.data.report, context, 'report-required'),
            rectifications: project.rectifications.map((r) => ({ rectificationId: r.rectificationId, outcome: r.outcome })),
            evaluatedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'Accredit': {
      requireStatus(command, project, ['FinalEvaluated']);
      const last = project.evaluations[project.evaluations.length - 1];
      if (last?.outcome !== 'passed') throw illegalState('not-passed', 'only a passing grade leads to accreditation');
      const course = project.subject.kind === 'course' ? rules.course : undefined;
      const first = academicYearOf(today);
      return [
        {
          type: 'ProjectAccredited',
          data: {
            grade: last.grade,
            accreditedOn: today,
            service: course ? { years: course.serviceYears, firstAcademicYear: first, lastAcademicYear: first + course.serviceYears - 1 } : null,
            document: optionalDocument(command.data.document, context),
            accreditedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'SubmitCourseUpdate': {
      const academicYear = serviceYear(command.type, command.data.academicYear, project, today);
      const duringService =
        project.status === 'Accredited' || (project.status === 'Rectification' && openRectification(project)?.orderedFrom === 'Accredited');
      if (!duringService) throw invalidTransition(command, project, ['Accredited']);
      if (project.courseUpdates.includes(academicYear)) {
        throw illegalState('course-update-already-submitted', `the update for ${academicYear}–${academicYear + 1} is in`, { academicYear });
      }
      const dueOn = courseUpdateDueOn(academicYear);
      return [
        {
          type: 'CourseUpdateSubmitted',
          data: {
            academicYear,
            summary: text(command.data.summary, 'summary-required', 'the summary of the update'),
            documents: documentRefs(command.data.documents, context, 1),
            dueOn,
            late: today > dueOn,
            submittedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'RecordCourseUpdateOverdue': {
      const academicYear = serviceYear(command.type, command.data.academicYear, project, today);
      if (project.status === 'Revoked') throw invalidTransition(command, project, ['Accredited']);
      if (project.courseUpdates.includes(academicYear) || project.overdueCourseUpdates.includes(academicYear)) return [];
      const dueOn = courseUpdateDueOn(academicYear);
      if (today <= dueOn) throw illegalState('not-yet-due', `the update for ${academicYear}–${academicYear + 1} is due by ${dueOn}`, { dueOn });
      return [{ type: 'CourseUpdateOverdue', data: { academicYear, dueOn, recordedAt: now, rulesVersion } }];
    }

    // ------------------------------------------------------------------------- revocation, funds
    case 'RevokeProject': {
      requireStatus(command, project, REVOCABLE);
      const data = command.data;
      if (!REVOCATION_REASONS.includes(data.reason)) {
        throw validation('invalid-revocation-reason', `the reason is one of ${REVOCATION_REASONS.join(', ')}`, { reasons: [...REVOCATION_REASONS] });
      }
      const explanation = text(data.explanation, 'explanation-required', 'the explanation');
      const evidence = documentRefs(data.evidence, context, 1, 'evidence-required');
      const banUntil = data.banUntil === undefined ? addMonthsOn(today, 12 * rules.bans.revocationYears) : date(data.banUntil, 'banUntil');
      if (banUntil < today) throw validation('invalid-ban', 'a ban cannot end before today');
      return [
        {
          type: 'ProjectRevoked',
          data: {
            reason: data.reason as RevocationReason,
            explanation,
            evidence,
            revokedFrom: project.status,
            openRectificationId: project.status === 'Rectification' ? (openRectification(project)?.rectificationId ?? null) : null,
            programType: project.programType,
            applicantOrg: project.applicantOrg,
            banUntil,
            fundRecoveryRequired: true,
            revokedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    case 'OrderFundRecovery': {
      requireStatus(command, project, ['Failed', 'Revoked']);
      if (project.fundRecovery) throw illegalState('fund-recovery-already-ordered', 'the recovery of funds is already ordered');
      const { amount } = command.data;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw validation('invalid-amount', 'the amount must be more than 0');
      const deadline = date(command.data.deadline, 'deadline');
      if (deadline <= today) throw validation('invalid-deadline', 'the deadline must be after today');
      return [
        {
          type: 'FundRecoveryOrdered',
          data: {
            amount,
            currency: 'CNY',
            deadline,
            reason: text(command.data.reason, 'reason-required', 'the reason'),
            orderedFrom: project.status,
            orderedAt: now,
            rulesVersion,
          },
        },
      ];
    }

    default:
      return assertNever(command);
  }
}

type SubmitDeclarations = { readonly authenticity?: unknown; readonly commitment?: unknown };

function assignedReviewer(project: Project, reviewerId: string): ProjectReviewer {
  const reviewer = project.reviewers.find((r) => r.reviewerId === reviewerId) as ProjectReviewer;
  if (reviewer.recused) throw illegalState('reviewer-recused', 'the reviewer has recused from this project');
  return reviewer;
}

/** Reports are on calendar years from the start of construction to the current year. */
function reportYear(value: unknown, project: Project, today: string): number {
  const from = Number((project.construction as NonNullable<Project['construction']>).startsOn.slice(0, 4));
  return wholeNumber(value, 'invalid-year', 'the report year', from, Number(today.slice(0, 4)));
}

/** An academic year of an accredited course's service obligation that has begun. */
function serviceYear(type: string, value: unknown, project: Project, today: string): number {
  if (project.subject.kind !== 'course') throw illegalState('not-a-course', `${type} applies to quality courses only`);
  const service = project.accreditation?.service;
  if (!service) throw illegalState('not-in-service', 'the course has no service obligation until it is accredited');
  const academicYear = wholeNumber(value, 'academic-year-out-of-service', 'the academic year', service.firstAcademicYear, service.lastAcademicYear);
  if (academicYear > academicYearOf(today)) throw validation('academic-year-not-started', `${academicYear}–${academicYear + 1} has not begun`);
  return academicYear;
}

function assertNever(command: never): never {
  throw validation('unknown-command', `unknown command ${(command as { type?: unknown }).type as string}`);
}

// ---------------------------------------------------------------------------------------------

/** Total: an event that does not fit the state (out of order, unknown) leaves it as it was. */
export function evolveProject(state: ProjectState, event: ProjectEvent): ProjectState {
  if (event.type === 'ApplicationDrafted') {
    if (state.status !== 'None') return state;
    const d = event.data;
    return {
      status: 'Draft',
      projectId: d.projectId,
      cycleId: d.cycleId,
      programType: d.programType,
      applicantOrg: d.applicantOrg,
      region: d.region,
      title: d.title,
      subject: d.subject,
      rules: d.rules,
      rulesVersion: d.rulesVersion,
      submissions: 0,
      recommendation: null,
      reviewers: [],
      selection: null,
      notice: null,
      objections: [],
      approval: null,
      plan: { submissions: 0, overdue: false, accepted: false },
      construction: null,
      constructionEndedOn: null,
      reportedYears: [],
      overdueReportYears: [],
      changes: [],
      midterm: null,
      rectifications: [],
      selfAssessments: 0,
      evaluations: [],
      accreditation: null,
      courseUpdates: [],
      overdueCourseUpdates: [],
      ban: null,
      fundRecovery: null,
    };
  }
  if (state.status === 'None') return state;
  const p = state;
  switch (event.type) {
    case 'ApplicationEdited':
      return { ...p, title: event.data.title, subject: event.data.subject };
    case 'ApplicationSubmitted':
      return { ...p, status: 'Submitted', submissions: p.submissions + 1 };
    case 'ApplicationWithdrawn':
      return { ...p, status: 'Withdrawn' };
    case 'ApplicationReturned':
      return { ...p, status: 'Returned' };
    case 'FormalCheckPassed':
      return { ...p, status: 'FormallyChecked' };
    case 'FormalCheckFailed':
      return { ...p, status: 'FormallyRejected' };
    case 'ApplicationRecommended':
      return { ...p, status: 'Recommended', recommendation: { rank: event.data.rank, recommenderOrg: event.data.recommenderOrg } };
    case 'ApplicationNotRecommended':
      return { ...p, status: 'NotRecommended' };
    case 'ReviewerAssigned': {
      const { reviewerId, reviewerOrg } = event.data;
      const reviewers = [...p.reviewers.filter((r) => r.reviewerId !== reviewerId), { reviewerId, reviewerOrg, recused: false, score: null }];
      return { ...p, status: p.status === 'Recommended' ? 'UnderReview' : p.status, reviewers };
    }
    case 'ReviewerRecused':
      return { ...p, reviewers: p.reviewers.map((r) => (r.reviewerId === event.data.reviewerId ? { ...r, recused: true } : r)) };
    case 'ReviewScored':
    case 'ReviewScoreCorrected':
      return { ...p, reviewers: p.reviewers.map((r) => (r.reviewerId === event.data.reviewerId ? { ...r, score: event.data.score } : r)) };
    case 'SelectionRecorded': {
      const { cycleDecisionId, outcome, tier } = event.data;
      return { ...p, status: outcome === 'shortlisted' ? 'Shortlisted' : 'NotSelected', selection: { cycleDecisionId, outcome, tier } };
    }
    case 'PublicNoticeRecorded': {
      const { noticeId, startsOn, endsOn } = event.data;
      return { ...p, status: 'InPublicNotice', notice: { noticeId, startsOn, endsOn } };
    }
    case 'ObjectionFiled':
    case 'ObjectionRejected': {
      const { objectionId, noticeId } = event.data;
      const status = event.type === 'ObjectionFiled' ? 'open' : 'rejected';
      return { ...p, objections: [...p.objections.filter((o) => o.objectionId !== objectionId), { objectionId, noticeId, status }] };
    }
    case 'ObjectionDismissed':
    case 'ObjectionUpheld': {
      const status = event.type === 'ObjectionDismissed' ? 'dismissed' : 'upheld';
      return { ...p, objections: p.objections.map((o) => (o.objectionId === event.data.objectionId ? { ...o, status } : o)) };
    }
    case 'ProjectRemovedAfterObjection':
      return { ...p, status: 'RemovedAfterObjection' };
    case 'RemovalFromListRecorded':
      return { ...p, status: 'RemovedFromList' };
    case 'ProjectApproved': {
      const { cycleDecisionId, approvedAt, constructionPlanDueOn } = event.data;
      return { ...p, status: 'Approved', approval: { cycleDecisionId, approvedOn: safeChinaDate(approvedAt), constructionPlanDueOn } };
    }
    case 'ConstructionPlanSubmitted':
      return { ...p, status: 'PlanSubmitted', plan: { ...p.plan, submissions: p.plan.submissions + 1 } };
    case 'ConstructionPlanOverdue':
      return { ...p, plan: { ...p.plan, overdue: true } };
    case 'ConstructionPlanAccepted':
      return {
        ...p,
        status: 'UnderConstruction',
        plan: { ...p.plan, accepted: true },
        construction: { startsOn: event.data.constructionStartsOn, endsOn: event.data.constructionEndsOn },
      };
    case 'ConstructionPlanRejected':
      return { ...p, status: 'Approved' };
    case 'AnnualReportSubmitted':
      return { ...p, reportedYears: withItem(p.reportedYears, event.data.year) };
    case 'AnnualReportOverdue':
      return { ...p, overdueReportYears: withItem(p.overdueReportYears, event.data.year) };
    case 'ChangeRequested':
      return { ...p, changes: [...p.changes.filter((c) => c.changeId !== event.data.changeId), { changeId: event.data.changeId, status: 'open' }] };
    case 'ChangeApproved':
    case 'ChangeRejected': {
      const status = event.type === 'ChangeApproved' ? 'approved' : 'rejected';
      return { ...p, changes: p.changes.map((c) => (c.changeId === event.data.changeId ? { ...c, status } : c)) };
    }
    case 'MidtermEvaluated': {
      const { grade, tasksCompletedPercent, belowMinTasks } = event.data;
      return { ...p, status: 'MidtermEvaluated', midterm: { grade, tasksCompletedPercent, belowMinTasks } };
    }
    case 'RectificationOrdered': {
      const { rectificationId, deadline, orderedFrom } = event.data;
      return {
        ...p,
        status: 'Rectification',
        rectifications: [...p.rectifications, { rectificationId, deadline, orderedFrom, submitted: false, overdue: false, outcome: 'open' }],
      };
    }
    case 'RectificationSubmitted':
      return { ...p, rectifications: updateRectification(p, event.data.rectificationId, { submitted: true }) };
    case 'RectificationOverdue':
      return { ...p, rectifications: updateRectification(p, event.data.rectificationId, { overdue: true }) };
    case 'RectificationAccepted': {
      const rectification = p.rectifications.find((r) => r.rectificationId === event.data.rectificationId);
      const back = rectification && rectification.orderedFrom !== 'None' ? rectification.orderedFrom : 'UnderConstruction';
      return { ...p, status: back, rectifications: updateRectification(p, event.data.rectificationId, { outcome: 'accepted' }) };
    }
    case 'RectificationFailed':
      return { ...p, status: 'RectificationFailed', rectifications: updateRectification(p, event.data.rectificationId, { outcome: 'failed' }) };
    case 'ProjectSuspended':
      return { ...p, status: 'Suspended', ban: { until: event.data.banUntil, mayReapply: false } };
    case 'FinalSelfAssessmentSubmitted':
      return { ...p, status: 'FinalSelfAssessed', selfAssessments: p.selfAssessments + 1 };
    case 'ConstructionPeriodEnded':
      return { ...p, constructionEndedOn: event.data.endsOn };
    case 'EvaluationExtended':
      return {
        ...p,
        status: 'Extended',
        construction: { startsOn: p.construction?.startsOn ?? event.data.previousEndsOn, endsOn: event.data.newEndsOn },
      };
    case 'FinalEvaluated': {
      const { grade, outcome } = event.data;
      const status = outcome === 'passed' ? 'FinalEvaluated' : outcome === 'deferred' ? 'Deferred' : 'Failed';
      return { ...p, status, evaluations: [...p.evaluations, { grade, outcome }] };
    }
    case 'ProjectAccredited': {
      const service = event.data.service;
      return {
        ...p,
        status: 'Accredited',
        accreditation: {
          accreditedOn: event.data.accreditedOn,
          service: service ? { firstAcademicYear: service.firstAcademicYear, lastAcademicYear: service.lastAcademicYear } : null,
        },
      };
    }
    case 'CourseUpdateSubmitted':
      return { ...p, courseUpdates: withItem(p.courseUpdates, event.data.academicYear) };
    case 'CourseUpdateOverdue':
      return { ...p, overdueCourseUpdates: withItem(p.overdueCourseUpdates, event.data.academicYear) };
    case 'ProjectRevoked': {
      // A suspension's "never re-apply" outlives a later revocation's shorter ban.
      const until = p.ban && p.ban.until > event.data.banUntil ? p.ban.until : event.data.banUntil;
      return { ...p, status: 'Revoked', ban: { until, mayReapply: p.ban?.mayReapply ?? true } };
    }
    case 'FundRecoveryOrdered':
      return { ...p, fundRecovery: { amount: event.data.amount, deadline: event.data.deadline } };
    default:
      return state;
  }
}

function withItem(list: readonly number[], item: number): readonly number[] {
  return list.includes(item) ? list : [...list, item];
}

function updateRectification(p: Project, rectificationId: string, change: Partial<ProjectRectification>): readonly ProjectRectification[] {
  return p.rectifications.map((r) => (r.rectificationId === rectificationId ? { ...r, ...change } : r));
}

/** evolve never throws: an unreadable instant folds to its leading characters. */
function safeChinaDate(instant: string): string {
  try {
    return chinaDateOf(instant);
  } catch {
    return String(instant).slice(0, 10);
  }
}

export function isProjectStatus(value: unknown): value is ProjectStatus {
  return (PROJECT_STATUSES as readonly unknown[]).includes(value);
}

export const projectDecider: Decider<ProjectState, ProjectCommand, ProjectEvent> = {
  initialState: initialProjectState,
  evolve: evolveProject,
  decide: decideProject,
};
