import { chinaDateOf } from '../beijing-time';
import { GRANT_RULES, GrantKind } from '../person/grants';

/**
 * What concerns a person, read from the events: which events tell someone something, of what kind,
 * and who is told. Pure, so the projection that writes the notices (notifications.projection.ts) and
 * its tests share one table of causes.
 */
export const NOTIFICATION_KINDS = [
  'application-returned',
  'formal-check',
  'recommendation',
  'selection',
  'approval',
  'objection-filed',
  'objection-resolved',
  'reviewer-assigned',
  'enterprise-admitted',
  'enterprise-certified',
  'enterprise-disqualified',
  'grant-given',
  'grant-revoked',
  'deadline-ahead',
  'overdue',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Who is told: the people who act for the organisation a project or an enterprise belongs to (a grant
 * limited to one project only for that project), one named person (the expert assigned), or the person
 * whose own stream it is (a grant given or revoked).
 */
export type Audience = { readonly to: 'organisation' } | { readonly to: 'person'; readonly personId: string } | { readonly to: 'self' };

/** One event's notice: its kind, who is told, and the outcome its words name (absent where the kind says it all). */
export interface Notice {
  readonly kind: NotificationKind;
  readonly audience: Audience;
  readonly outcome?: string;
  /** The day an obligation is (or was) due by: a reminder's, an overdue notice's. */
  readonly dueOn?: string;
}

/** The event as the log holds it: its stream's category (`project`, `enterprise`, `person`) and its message. */
export interface Cause {
  readonly category: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const organisation: Audience = { to: 'organisation' };
const notice = (kind: NotificationKind, audience: Audience, outcome?: string): Notice => (outcome === undefined ? { kind, audience } : { kind, audience, outcome });
/** An obligation falling due (the reminder names it as the deadline does) or missed: the organisation is told. */
const due = (kind: 'deadline-ahead' | 'overdue', obligation: string, dueOn: string): Notice => ({ kind, audience: organisation, outcome: obligation, dueOn });
const reminded = (data: Cause['data']) => due('deadline-ahead', String(data.obligation), String(data.dueOn));

const PROJECT: Readonly<Record<string, (data: Cause['data']) => Notice>> = {
  ApplicationReturned: () => notice('application-returned', organisation),
  FormalCheckPassed: () => notice('formal-check', organisation, 'passed'),
  FormalCheckFailed: () => notice('formal-check', organisation, 'failed'),
  ApplicationRecommended: () => notice('recommendation', organisation, 'recommended'),
  ApplicationNotRecommended: () => notice('recommendation', organisation, 'not-recommended'),
  SelectionRecorded: (data) => notice('selection', organisation, String(data.outcome)),
  ProjectApproved: () => notice('approval', organisation, 'approved'),
  ProjectRecognised: () => notice('approval', organisation, 'recognised'),
  // The objector is named to the office alone: the notice says only that an objection was filed.
  ObjectionFiled: () => notice('objection-filed', organisation),
  ObjectionDismissed: () => notice('objection-resolved', organisation, 'dismissed'),
  ObjectionUpheld: () => notice('objection-resolved', organisation, 'upheld'),
  ReviewerAssigned: (data) => notice('reviewer-assigned', { to: 'person', personId: String(data.reviewerId) }),
  DeadlineReminded: reminded,
  ConstructionPlanOverdue: (data) => due('overdue', 'construction-plan', String(data.dueOn)),
  AnnualReportOverdue: (data) => due('overdue', `annual-report ${String(data.year)}`, String(data.dueOn)),
  CourseUpdateOverdue: (data) => due('overdue', `course-update ${String(data.academicYear)}`, String(data.dueOn)),
  RectificationOverdue: (data) => due('overdue', 'rectification', String(data.deadline)),
  FundRecoveryOverdue: (data) => due('overdue', 'fund-recovery', String(data.deadline)),
};

const ENTERPRISE: Readonly<Record<string, (data: Cause['data']) => Notice>> = {
  ObjectionFiled: () => notice('objection-filed', organisation),
  ObjectionDismissed: () => notice('objection-resolved', organisation, 'dismissed'),
  ObjectionUpheld: () => notice('objection-resolved', organisation, 'upheld'),
  AdmittedToIncubation: () => notice('enterprise-admitted', organisation),
  EnterpriseCertified: (data) => notice('enterprise-certified', organisation, String(data.kind)),
  EnterpriseDisqualified: () => notice('enterprise-disqualified', organisation),
  DeadlineReminded: reminded,
  // The plan was due at an instant: its Beijing day is the one the people know.
  ThreeYearPlanOverdue: (data) => due('overdue', 'three-year-plan', chinaDateOf(String(data.due))),
  AnnualReportOverdue: (data) => due('overdue', `annual-report ${String(data.year)}`, String(data.due)),
};

/** The notice an event gives, or undefined for an event that tells no one anything. */
export function noticeOf(cause: Cause): Notice | undefined {
  switch (cause.category) {
    case 'project':
      return PROJECT[cause.type]?.(cause.data);
    case 'enterprise':
      return ENTERPRISE[cause.type]?.(cause.data);
    case 'person':
      // The grant's kind is the outcome; a revocation names only the grant's id, so the caller supplies its kind.
      if (cause.type === 'RoleGranted') return notice('grant-given', { to: 'self' }, String((cause.data.grant as { kind: string }).kind));
      if (cause.type === 'GrantRevoked') return notice('grant-revoked', { to: 'self' });
      return undefined;
    default:
      return undefined;
  }
}

/** A grant held now, as the projection keeps them. */
export interface HeldGrant {
  readonly personId: string;
  readonly kind: GrantKind;
  readonly organisationId: string;
  readonly projectId: string | null;
}

/**
 * The people an audience names: for an organisation, those holding a grant that acts for it as the
 * applicant (not its experts or auditors, who are told of their own work), one project's lead only of
 * that project; each person once, in a stable order.
 */
export function recipientsOf(audience: Audience, subject: { readonly personId?: string; readonly organisationId?: string; readonly projectId?: string }, held: readonly HeldGrant[]): string[] {
  if (audience.to === 'person') return [audience.personId];
  if (audience.to === 'self') return subject.personId === undefined ? [] : [subject.personId];
  if (subject.organisationId === undefined) return [];
  const people = held
    .filter((g) => g.organisationId === subject.organisationId && GRANT_RULES[g.kind].role === 'applicant' && (g.projectId === null || g.projectId === subject.projectId))
    .map((g) => g.personId);
  return [...new Set(people)].sort();
}
