import { addCalendarDays, chinaDateOf, chinaEndOfDay } from '../../beijing-time';
import { CycleRules } from '../../catalog/program-rules';
import { draftIndicators, IndicatorScore, scoreByRubric } from '../../catalog/rubric';
import { isText, own, text, texts } from '../../checks';
import { forbidden, illegalState, notFound, validation } from '../../errors';
import {
  AssignReviewer,
  AttachApplicationDocuments,
  CorrectScore,
  DeclareConflict,
  DraftApplication,
  EditApplication,
  FileObjection,
  Major,
  NotRecommend,
  Partner,
  ProjectContext,
  ProjectCycleFacts,
  ProjectSubject,
  Recommend,
  RecordApproval,
  RecordFormalCheck,
  RecordPublicNotice,
  RecordRemovalFromList,
  RecordSelection,
  ResolveObjection,
  ReturnForRevision,
  SaveScoreDraft,
  ScoreReview,
  SubjectKind,
  SubmitApplication,
  WithdrawApplication,
} from '../project.commands';
import { ObjectionRejectionReason, ProjectEvent, ProjectStatus } from '../project.events';
import { Project, ProjectReviewer, ProjectState } from '../project.state';
import { date, documentRef, documentRefs, invalidTransition, optionalDocument, optionalText, requireStatus, within } from './checks';

/**
 * Selection (domain.md §3): the application is drafted, submitted and formally checked, recommended by
 * its city, reviewed and scored; the cycle's shortlist, public notice, removals and approval are carried
 * to the project, and objections to the notice are filed and resolved here.
 */

/** Until its city recommends it, an applicant may withdraw its application. */
const BEFORE_RECOMMENDATION: readonly ProjectStatus[] = ['Draft', 'Submitted', 'Returned', 'FormallyChecked'];
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

// ---------------------------------------------------------------------------------------------
// The application

export function draftApplication(command: DraftApplication, state: ProjectState, today: string): ProjectEvent[] {
  const { now, context } = command;
  if (state.status !== 'None') throw invalidTransition(command, state, ['None']);
  const cycle = cycleFacts(context);
  const data = command.data;
  const projectId = text(data.projectId, 'invalid-field', 'the project id');
  if (data.cycleId !== cycle.id) throw validation('cycle-mismatch', `the context describes cycle ${cycle.id}, not ${data.cycleId}`);
  if (data.programType !== cycle.programType) {
    throw validation('program-type-mismatch', `cycle ${cycle.id} runs ${cycle.programType}, not ${data.programType}`);
  }
  const region = text(command.actor.region, 'region-required', 'the applicant’s region');
  if (command.actor.project !== undefined) throw forbidden('not-own-project', 'a grant limited to one project does not draft another');
  checkApplicant(context, cycle);
  if (!cycle.windowOpen) throw illegalState('window-closed', 'the cycle’s application window is not open');
  checkBans(context, cycle.programType, cycle.id, today);
  const title = text(data.title, 'title-required', 'the title');
  const subject = subjectOf(data.subject, cycle.programType, cycle.rules);
  checkParent(subject, cycle.programType, command.actor.org, cycle.rules, context);
  const reapplication = checkReapplication(subject, cycle.rules, context, data.changesSinceLastApplication);
  const partners = partnersOf(data.partners, cycle.rules, context, command.actor.org);
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
        ...(reapplication ? { reapplication } : {}),
        ...(partners ? { partners } : {}),
        draftedAt: now,
      },
    },
  ];
}

export function editApplication(command: EditApplication, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['Draft', 'Returned']);
  const data = command.data;
  if (data.title === undefined && data.subject === undefined && data.partners === undefined) throw validation('nothing-to-edit', 'give a new title, subject or partners');
  const title = data.title === undefined ? project.title : text(data.title, 'title-required', 'the title');
  const subject = data.subject === undefined ? project.subject : subjectOf(data.subject, project.programType, rules);
  const identity = rules.reapplication?.identity;
  if (identity && subjectIdentity(subject, identity) !== subjectIdentity(project.subject, identity)) {
    throw validation('subject-identity-immutable', `the ${identity} an application is for stays as drafted: its earlier applications were judged for it`);
  }
  if (project.subject.kind === 'specialty-group' && subject.kind === 'specialty-group' && subject.parentProjectId !== project.subject.parentProjectId) {
    throw validation('parent-project-immutable', 'a specialty group stays with the project it was drafted under');
  }
  const partners = data.partners === undefined ? undefined : (partnersOf(data.partners, rules, context, project.applicantOrg) ?? []);
  return [{ type: 'ApplicationEdited', data: { title, subject, ...(partners ? { partners } : {}), editedAt: now, rulesVersion } }];
}

export function attachApplicationDocuments(command: AttachApplicationDocuments, project: Project): ProjectEvent[] {
  const { now, context } = command;
  requireStatus(command, project, ['Draft', 'Returned']);
  const applicationForm = optionalDocument(command.data.applicationForm, context);
  const attachments = documentRefs(command.data.attachments, context, 0);
  return [{ type: 'ApplicationDocumentsAttached', data: { applicationForm, attachments, attachedAt: now, rulesVersion: project.rulesVersion } }];
}

export function submitApplication(command: SubmitApplication, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Draft', 'Returned']);
  const cycle = cycleFacts(context);
  requireSameCycle(project, cycle);
  // A returned application is revised during the formal check, after the window may have closed.
  if (project.status === 'Draft' && !cycle.windowOpen) throw illegalState('window-closed', 'the cycle’s application window is not open');
  checkBans(context, project.programType, project.cycleId, today);
  checkParent(project.subject, project.programType, project.applicantOrg, project.rules, context);
  if (context.signsOff === undefined) throw validation('context-required', 'whether the person submitting signs off for the school is required');
  if (!context.signsOff) {
    throw forbidden('sign-off-required', 'an application is submitted by the school’s 校长/法人 (a school-head grant): the lead drafts, the head signs off and submits');
  }
  const data = command.data;
  const applicationForm = documentRef(data.applicationForm, context);
  const authenticity = documentRef(data.declarations.authenticity, context);
  const commitment = documentRef(data.declarations.commitment, context);
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

export function withdrawApplication(command: WithdrawApplication, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, BEFORE_RECOMMENDATION);
  return [
    {
      type: 'ApplicationWithdrawn',
      data: { reason: optionalText(command.data.reason, 'reason-required', 'the reason'), withdrawnFrom: project.status, withdrawnAt: now, rulesVersion },
    },
  ];
}

export function returnForRevision(command: ReturnForRevision, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['Submitted', 'FormallyChecked']);
  return [{ type: 'ApplicationReturned', data: { reason: text(command.data.reason, 'reason-required', 'the reason'), returnedAt: now, rulesVersion } }];
}

export function recordFormalCheck(command: RecordFormalCheck, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['Submitted']);
  const cycle = cycleFacts(context);
  requireSameCycle(project, cycle);
  const periodEndsOn = addCalendarDays(chinaDateOf(cycle.closesAt), rules.formalCheckDays);
  if (today > periodEndsOn) {
    throw illegalState('formal-check-period-over', `formal checks ended on ${periodEndsOn}`, { periodEndsOn });
  }
  const { result } = command.data;
  const reasons = texts(command.data.reasons, 'reasons-required', 'reasons', result === 'failed' ? 1 : 0);
  const data = { result, reasons, periodEndsOn, checkedAt: now, rulesVersion };
  return [result === 'passed' ? { type: 'FormalCheckPassed', data } : { type: 'FormalCheckFailed', data }];
}

export function recommend(command: Recommend, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireRecommendationStep(project);
  requireStatus(command, project, ['FormallyChecked']);
  checkRecommender(command.context);
  const rank = within(command.data.rank, 'invalid-rank', 'the rank', 1, rules.perRecommenderLimit);
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

export function notRecommend(command: NotRecommend, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireRecommendationStep(project);
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
}

// ---------------------------------------------------------------------------------------------
// Review

export function assignReviewer(command: AssignReviewer, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, reviewable(project));
  const reviewerId = text(command.data.reviewerId, 'invalid-field', 'the reviewer id');
  // A reviewer is a person of the reviewer pool, judged on the registry's organisation (whatever the
  // office typed) and on the affiliations their own profile declares beside the office's.
  const person = command.context?.reviewer;
  if (person === undefined) throw validation('context-required', 'the reviewer’s facts from the registry are required');
  if (person === null || !person.expert) throw illegalState('not-an-expert', 'the reviewer is not a person in the reviewer pool', { reviewerId });
  const reviewerOrg = person.organisationId;
  const declaredRelations = [...new Set([...texts(command.data.declaredRelations, 'declared-relations-required', 'declared relations', 0), ...person.affiliations])];
  // Every member of a joint application is the applicant's side: its people do not review it.
  const members = [project.applicantOrg, ...(project.partners ?? []).map((p) => p.org)];
  if (members.some((org) => org === reviewerOrg || declaredRelations.includes(org))) {
    throw illegalState('conflict-of-interest', 'the reviewer belongs to or declared a relation with the applicant or a partner', { reviewerId });
  }
  const existing = project.reviewers.find((r) => r.reviewerId === reviewerId);
  if (existing?.recused) throw illegalState('reviewer-recused', 'the reviewer has recused from this project', { reviewerId });
  if (existing) throw illegalState('reviewer-already-assigned', 'the reviewer is already assigned', { reviewerId });
  return [{ type: 'ReviewerAssigned', data: { reviewerId, reviewerOrg, declaredRelations, assignedAt: now, rulesVersion } }];
}

export function declareConflict(command: DeclareConflict, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['UnderReview']);
  const reviewer = assignedReviewer(project, command.actor.id);
  if (reviewer.score !== null) throw illegalState('already-scored', 'a conflict is declared before scoring');
  return [
    { type: 'ReviewerRecused', data: { reviewerId: reviewer.reviewerId, reason: text(command.data.reason, 'reason-required', 'the reason'), recusedAt: now, rulesVersion } },
  ];
}

export function scoreReview(command: ScoreReview, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['UnderReview']);
  const reviewer = assignedReviewer(project, command.actor.id);
  if (reviewer.score !== null) throw illegalState('already-scored', 'each reviewer scores once; the office corrects a score');
  const { score, indicators } = scoreUnder(project.rules, command.data);
  return [
    {
      type: 'ReviewScored',
      data: {
        reviewerId: reviewer.reviewerId,
        reviewerOrg: reviewer.reviewerOrg,
        score,
        ...(indicators ? { indicators } : {}),
        comments: text(command.data.comments, 'comments-required', 'comments'),
        scoredAt: now,
        rulesVersion,
      },
    },
  ];
}

export function saveScoreDraft(command: SaveScoreDraft, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  requireStatus(command, project, ['UnderReview']);
  const reviewer = assignedReviewer(project, command.actor.id);
  if (reviewer.score !== null) throw illegalState('already-scored', 'the score is submitted: it is read-only, and the office corrects it');
  const { score, indicators = [], comments } = command.data;
  if (score !== undefined && (score < 0 || score > 100)) throw validation('invalid-score', 'a score is from 0 to 100', { field: 'score' });
  const kept = rules.rubric ? draftIndicators(rules.rubric, indicators) : [];
  if (!rules.rubric && indicators.length > 0) throw validation('no-rubric', 'this cycle has no rubric: give one score of 0–100', { field: 'indicators' });
  return [
    {
      type: 'ReviewScoreDrafted',
      data: { reviewerId: reviewer.reviewerId, score: score ?? null, indicators: kept, comments: isText(comments) ? comments.trim() : null, savedAt: now, rulesVersion },
    },
  ];
}

export function correctScore(command: CorrectScore, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['UnderReview']);
  const reviewer = project.reviewers.find((r) => r.reviewerId === command.data.reviewerId);
  if (!reviewer || reviewer.score === null) throw notFound('score-not-found', 'the reviewer has not scored this project');
  const { score, indicators } = scoreUnder(project.rules, command.data);
  if (score === reviewer.score && JSON.stringify(indicators) === JSON.stringify(reviewer.indicators)) throw validation('score-unchanged', 'the correction gives the same score');
  return [
    {
      type: 'ReviewScoreCorrected',
      data: {
        reviewerId: reviewer.reviewerId,
        previousScore: reviewer.score,
        score,
        ...(indicators ? { indicators } : {}),
        reason: text(command.data.reason, 'reason-required', 'the reason'),
        correctedAt: now,
        rulesVersion,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The cycle's decisions, the public notice and its objections

export function recordSelection(command: RecordSelection, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rules, rulesVersion } = project;
  const data = command.data;
  const cycleDecisionId = text(data.cycleDecisionId, 'invalid-field', 'the cycle decision id');
  if (project.selection?.cycleDecisionId === cycleDecisionId) return [];
  requireStatus(command, project, reviewable(project));
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
  return [{ type: 'SelectionRecorded', data: { ...base, outcome: 'not-selected', tier: null, reason: text(data.reason, 'reason-required', 'the reason') } }];
}

export function recordPublicNotice(command: RecordPublicNotice, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
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

export function fileObjection(command: FileObjection, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['InPublicNotice']);
  const notice = project.notice as NonNullable<Project['notice']>;
  const data = command.data;
  const objectionId = text(data.objectionId, 'objection-id-required', 'the objection id');
  if (project.objections.some((o) => o.objectionId === objectionId)) {
    throw illegalState('objection-already-filed', 'an objection with this id exists', { objectionId });
  }
  const grounds = text(data.grounds, 'grounds-required', 'the grounds of the objection');
  const evidence = documentRefs(data.evidence, context, 0);
  // No objector, or a blank name or contact, makes the objection anonymous, hence inadmissible.
  // Stryker disable next-line StringLiteral: an absent objector stays anonymous whatever either placeholder holds, since both a name and a contact are needed
  const { name, contact, organisation } = data.objector ?? { name: '', contact: '' };
  const objector = isText(name) && isText(contact) ? { name, contact, ...(isText(organisation) ? { organisation } : {}) } : null;
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

export function resolveObjection(command: ResolveObjection, project: Project): ProjectEvent[] {
  const { now, context } = command;
  const { rulesVersion } = project;
  requireStatus(command, project, ['InPublicNotice']);
  const objection = project.objections.find((o) => o.objectionId === command.data.objectionId);
  if (!objection) throw notFound('objection-not-found', 'no such objection', { objectionId: command.data.objectionId });
  if (objection.status !== 'open') throw illegalState('objection-not-open', `the objection is ${objection.status}`, { status: objection.status });
  const { outcome } = command.data;
  const reason = text(command.data.reason, 'reason-required', 'the reason');
  const resolution = { objectionId: objection.objectionId, reason, evidence: documentRefs(command.data.evidence, context, 0), resolvedAt: now, rulesVersion };
  if (outcome === 'dismissed') return [{ type: 'ObjectionDismissed', data: resolution }];
  return [
    { type: 'ObjectionUpheld', data: resolution },
    { type: 'ProjectRemovedAfterObjection', data: { objectionId: objection.objectionId, reason, removedAt: now, rulesVersion } },
  ];
}

export function recordRemovalFromList(command: RecordRemovalFromList, project: Project): ProjectEvent[] {
  const { now } = command;
  const { rulesVersion } = project;
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

export function recordApproval(command: RecordApproval, project: Project, today: string): ProjectEvent[] {
  const { now, context } = command;
  const { rules, rulesVersion } = project;
  const cycleDecisionId = text(command.data.cycleDecisionId, 'invalid-field', 'the cycle decision id');
  if (project.approval?.cycleDecisionId === cycleDecisionId) return [];
  requireStatus(command, project, ['InPublicNotice']);
  const notice = project.notice as NonNullable<Project['notice']>;
  if (today <= notice.endsOn) throw illegalState('notice-not-ended', `the public notice runs through ${notice.endsOn}`, { endsOn: notice.endsOn });
  const open = project.objections.filter((o) => o.status === 'open').map((o) => o.objectionId);
  if (open.length > 0) throw illegalState('open-objection', 'objections to the notice are still open', { objections: open });
  const approval = {
    cycleDecisionId,
    noticeId: notice.noticeId,
    tier: project.selection?.tier ?? null,
    reason: optionalText(command.data.reason, 'reason-required', 'the reason'),
    document: optionalDocument(command.data.document, context),
  };
  // A program without construction recognises the project here, and it ends.
  if (rules.withoutConstruction) return [{ type: 'ProjectRecognised', data: { ...approval, recognisedAt: now, rulesVersion } }];
  return [
    {
      type: 'ProjectApproved',
      data: {
        ...approval,
        approvedAt: now,
        constructionPlanDueOn: addCalendarDays(today, rules.constructionPlanDueDays),
        rulesVersion,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/**
 * Only a registered organisation of a kind the cycle takes (a school unless `applicantKinds` says
 * otherwise) drafts, and a school only for a program its kind may apply to.
 */
function checkApplicant(context: ProjectContext, cycle: ProjectCycleFacts): void {
  const applicant = context.applicant;
  if (applicant === undefined) throw validation('context-required', 'the applicant’s registry facts are required');
  if (applicant === null) throw forbidden('organisation-not-registered', 'the applicant organisation is not in the registry');
  const eligible: readonly string[] = cycle.rules.applicantKinds ?? ['school'];
  if (!eligible.includes(applicant.kind)) {
    if (cycle.rules.applicantKinds === undefined) throw forbidden('not-a-school', `a ${applicant.kind} does not apply for a school’s project`);
    throw forbidden('applicant-kind-not-eligible', `${cycle.programType} takes applications from a ${eligible.join(' or ')}, not from a ${applicant.kind}`, {
      kind: applicant.kind,
      eligible,
    });
  }
  const kinds = cycle.rules.schoolKinds;
  if (applicant.kind === 'school' && kinds && (!applicant.schoolKind || !kinds.includes(applicant.schoolKind))) {
    throw forbidden('school-kind-not-eligible', `${cycle.programType} takes applications from ${kinds.join('、')} schools, not from a ${applicant.schoolKind ?? 'school of unknown kind'}`, {
      schoolKind: applicant.schoolKind ?? null,
      eligible: kinds,
    });
  }
}

/**
 * A joint application's partners as the application records them, within the cycle's `partners` rule:
 * each registered, of a kind the rule takes, named once and not the lead. Undefined where the cycle
 * takes applicants alone and none were named.
 */
function partnersOf(named: readonly string[] | undefined, rules: CycleRules, context: ProjectContext | undefined, lead: string): Partner[] | undefined {
  const rule = rules.partners;
  if (!rule) {
    if (named !== undefined && named.length > 0) throw validation('partners-not-allowed', 'this cycle takes applications from one applicant alone', { field: 'partners' });
    return undefined;
  }
  const codes = (named ?? []).map((code) => text(code, 'invalid-field', 'a partner’s credit code').toUpperCase());
  if (new Set(codes).size !== codes.length) throw validation('duplicate-partner', 'a partner is named twice', { field: 'partners' });
  if (codes.includes(lead.toUpperCase())) throw validation('lead-as-partner', 'the lead applicant is not its own partner', { field: 'partners' });
  if (codes.length < rule.min || codes.length > rule.max) {
    throw validation('partners-out-of-range', `a joint application names ${rule.min}–${rule.max} partners, not ${codes.length}`, { field: 'partners', min: rule.min, max: rule.max, count: codes.length });
  }
  if (codes.length > 0 && context?.partners === undefined) throw validation('context-required', 'the partners’ registry facts are required');
  return codes.map((code) => {
    const organisation = context?.partners?.find((p) => p.creditCode === code)?.organisation;
    if (!organisation) throw validation('partner-not-registered', `${code} is not an organisation in the registry`, { field: 'partners', partner: code });
    const kind = rule.kinds.find((k) => k === organisation.kind);
    if (!kind) {
      throw validation('partner-kind-not-eligible', `a partner is a ${rule.kinds.join(' or ')}, and ${code} is a ${organisation.kind}`, { field: 'partners', partner: code, eligible: rule.kinds });
    }
    return { org: code, kind };
  });
}

/** Where the province designates from what it checked (withoutRecommendation), no city recommends. */
function requireRecommendationStep(project: Project): void {
  if (project.rules.withoutRecommendation) {
    throw illegalState('no-recommendation-step', 'in this cycle the province designates from the applications it checked: no city recommends');
  }
}

/** Where reviewers are assigned and the selection recorded: after the recommendation, or straight after the check without one. */
function reviewable(project: Project): readonly ProjectStatus[] {
  return project.rules.withoutRecommendation ? ['FormallyChecked', 'UnderReview'] : ['Recommended', 'UnderReview'];
}

/** A city's 人社局 recommends its 技工学校; its 教育局 every other school (domain.md §2). */
function checkRecommender(context: ProjectContext | undefined): void {
  const facts = context?.recommendation;
  if (!facts) throw validation('context-required', 'the recommender’s and the applicant’s registry facts are required');
  if (facts.recommender?.kind !== 'bureau') throw forbidden('not-a-bureau', 'recommendations are made by a city bureau in the registry');
  const expected = facts.applicant?.schoolKind === '技工学校' ? '人社局' : '教育局';
  if (facts.recommender.bureauKind !== expected) {
    throw forbidden('wrong-bureau', `a ${facts.applicant?.schoolKind ?? 'school'} is recommended by its city’s ${expected}, not by the ${facts.recommender.bureauKind ?? 'bureau'}`, { expected });
  }
}

function cycleFacts(context: ProjectContext | undefined): ProjectCycleFacts {
  if (!context?.cycle) throw validation('context-required', 'the cycle’s facts are required');
  return context.cycle;
}

function requireSameCycle(project: Project, cycle: ProjectCycleFacts): void {
  if (cycle.id !== project.cycleId) throw validation('cycle-mismatch', `the project belongs to cycle ${project.cycleId}, not ${cycle.id}`);
}

/** A ban of the same program in force today, or on this very cycle. */
function checkBans(context: ProjectContext | undefined, programType: string, cycleId: string, today: string): void {
  for (const ban of context?.applicantBans ?? []) {
    if (ban.programType !== programType) continue;
    if (ban.kind === 'until' && today <= ban.until) {
      throw illegalState('applicant-banned', `the applicant is banned from ${programType} until ${ban.until}`, { until: ban.until, reason: ban.reason });
    }
    if (ban.kind === 'next-cycle' && ban.cycleId === cycleId) {
      throw illegalState('applicant-banned', `the applicant is barred from cycle ${cycleId}: its project ${ban.projectId} was graded ${ban.grade}`, {
        cycleId,
        grade: ban.grade,
        projectId: ban.projectId,
      });
    }
  }
}

/**
 * What identifies a subject across the program's batches: a major by its code, a course by its name
 * (spaces ignored); null for a subject the identity does not apply to.
 */
export function subjectIdentity(subject: ProjectSubject, identity: 'major' | 'course'): string | null {
  if (identity === 'major' && subject.kind === 'major') return subject.majorCode.trim();
  if (identity === 'course' && subject.kind === 'course') return subject.courseName.replace(/\s+/g, '');
  return null;
}

/** 已入选…不得再次申报: a selected subject may not apply again; one not selected may, saying what changed. */
function checkReapplication(subject: ProjectSubject, rules: CycleRules, context: ProjectContext | undefined, changes: string | undefined) {
  const identity = rules.reapplication?.identity;
  if (!identity || subjectIdentity(subject, identity) === null) return undefined;
  const earlier = context?.earlierApplications ?? [];
  const selected = earlier.find((e) => e.selected);
  if (selected) {
    throw illegalState('already-selected', `this ${identity} was selected in cycle ${selected.cycleId} (project ${selected.projectId}) and may not apply to the program again`, {
      projectId: selected.projectId,
      cycleId: selected.cycleId,
    });
  }
  if (earlier.length === 0) return undefined;
  const earlierProjectIds = earlier.map((e) => e.projectId);
  if (!isText(changes)) {
    throw validation('changes-statement-required', `this ${identity} applied before and was not selected: say what changed since (changesSinceLastApplication)`, { earlierProjectIds });
  }
  return { earlierProjectIds, changes: changes.trim() };
}

/** A specialty group needs its college's project, of the same applicant, still standing. */
function checkParent(subject: ProjectSubject, programType: string, applicantOrg: string, rules: CycleRules, context: ProjectContext | undefined): void {
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
  // Where the cycle lets groups stand alone, a college not selected itself still files its groups.
  const standsAlone = rules.specialtyGroup?.standaloneGroups === true && parent.status === 'NotSelected';
  if (PARENT_ENDED.includes(parent.status) && !standsAlone) {
    throw illegalState('parent-project-ended', `the parent project is ${parent.status}`, { status: parent.status });
  }
}

/** The subject the program is about, as plain data, within the cycle's rules. */
function subjectOf(s: ProjectSubject, programType: string, rules: CycleRules): ProjectSubject {
  const expected = own(SUBJECT_KIND_BY_PROGRAM, programType);
  if ((expected !== undefined && s.kind !== expected) || (expected === undefined && !!rules.course !== (s.kind === 'course'))) {
    throw validation('subject-mismatch', `a ${programType} application is not about a ${s.kind}`, { kind: s.kind });
  }
  switch (s.kind) {
    case 'school':
      return { kind: 'school' };
    case 'specialty-group': {
      const group = rules.specialtyGroup;
      if (!group) throw validation('rules-incomplete', 'the cycle’s rules set no size for specialty groups');
      const parentProjectId = text(s.parentProjectId, 'parent-project-required', 'the parent project');
      const groupName = text(s.groupName, 'invalid-subject', 'the group’s name');
      const majors: Major[] = s.majors.map((m) => ({
        code: text(m.code, 'invalid-subject', 'a major’s code'),
        name: text(m.name, 'invalid-subject', 'a major’s name'),
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
      const { classHours, semestersTaught } = s;
      if (classHours < course.minClassHours || semestersTaught < course.minSemestersTaught) {
        throw validation(
          'course-not-eligible',
          `a course needs ≥ ${course.minClassHours} class hours and ≥ ${course.minSemestersTaught} semesters taught online`,
          { classHours, semestersTaught, minClassHours: course.minClassHours, minSemestersTaught: course.minSemestersTaught },
        );
      }
      return { kind: 'course', courseName, classHours, semestersTaught };
    }
  }
}

/** A reviewer's score under the cycle's rules: the rubric's total of its indicators, or one score of 0–100. */
function scoreUnder(rules: CycleRules, data: { readonly score?: number; readonly indicators?: readonly IndicatorScore[] }): { score: number; indicators?: readonly IndicatorScore[] } {
  if (rules.rubric) {
    const { total, indicators } = scoreByRubric(rules.rubric, data.indicators);
    if (data.score !== undefined && data.score !== total) {
      throw validation('score-mismatch', `the indicators add up to ${total}, not ${data.score}`, { field: 'score', total });
    }
    return { score: total, indicators };
  }
  if (data.indicators !== undefined) throw validation('no-rubric', 'this cycle has no rubric: give one score of 0–100', { field: 'indicators' });
  if (data.score === undefined) throw validation('score-required', 'the score is required', { field: 'score' });
  if (data.score < 0 || data.score > 100) throw validation('invalid-score', 'a score is from 0 to 100', { field: 'score' });
  return { score: data.score };
}

function assignedReviewer(project: Project, reviewerId: string): ProjectReviewer {
  const reviewer = project.reviewers.find((r) => r.reviewerId === reviewerId) as ProjectReviewer;
  if (reviewer.recused) throw illegalState('reviewer-recused', 'the reviewer has recused from this project');
  return reviewer;
}

