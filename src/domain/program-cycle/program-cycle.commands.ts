import type { WorkingDayCalendar } from '../calendar';
import { ProgramType } from '../catalog/program-catalog';
import { CycleRules } from '../catalog/program-rules';
import { Command, DocumentRef, Role, ROLES } from '../messages';

/**
 * Commands on a program cycle's stream (`cycle-<id>`). Decisions that must respect the cycle's quota
 * and limits are taken here, on one stream, so optimistic concurrency on that stream keeps them
 * within bounds however many office users or applicants act at once; the application layer then
 * carries each decision to the project streams.
 */

/** Opened by the program office with a full copy of the rules the cycle runs under. */
export type OpenCycle = Command<
  'OpenCycle',
  {
    readonly cycleId: string;
    /** Code of the program type in the catalog, e.g. 'brand-major'. */
    readonly programType: string;
    readonly name: string;
    /** The year or batch, e.g. '2021' or '2026–2029 phase 2'. */
    readonly label: string;
    readonly rules: CycleRules;
    readonly rulesVersion: string;
    /** Application window, ISO-8601 instants; applications are accepted from opensAt until before closesAt. */
    readonly opensAt: string;
    readonly closesAt: string;
    /** For a child program (specialty groups): the parent program's cycle. */
    readonly parentCycleId?: string;
  }
> & {
  /** The program type as the catalog in force defines it; null when the catalog has no such code. */
  readonly context: { readonly programType: ProgramType | null };
};

/** Closes the window before its deadline (a reason is then required) or records that it has passed. */
export type CloseApplicationWindow = Command<'CloseApplicationWindow', { readonly reason?: string }>;

/** Issued by the application layer, with the applicant as actor, before the application is submitted. */
export type RegisterApplication = Command<
  'RegisterApplication',
  { readonly projectId: string; readonly applicantOrg: string; readonly region: string }
>;

/** Issued by the application layer, with the recommender as actor, before the project records it. */
export type RegisterRecommendation = Command<
  'RegisterRecommendation',
  { readonly projectId: string; readonly recommenderOrg: string; readonly rank: number }
>;

/**
 * Issued by the application layer, with the same actor, when the project command a registration was
 * made for is refused after all (a stale If-Match, a conflict decided again): the place is given back.
 */
export type ReleaseRegistration = Command<
  'ReleaseRegistration',
  { readonly projectId: string; readonly registration: 'application' | 'recommendation'; readonly reason: string }
>;

export interface ShortlistEntry {
  readonly projectId: string;
  /** Required when the cycle has tiers, absent otherwise. */
  readonly tier?: string;
  /** Why the project is shortlisted before every assigned, non-recused reviewer has scored. */
  readonly scoresOverride?: string;
}

export interface NotSelectedEntry {
  readonly projectId: string;
  readonly reason: string;
}

/** The office records the decision body's selection. */
export type Shortlist = Command<
  'Shortlist',
  {
    readonly shortlisted: readonly ShortlistEntry[];
    readonly notSelected: readonly NotSelectedEntry[];
    /** The basis of the decision, e.g. the review meeting and its minutes. */
    readonly reason: string;
  }
> & {
  /**
   * Read from the project streams: projects with fewer scores than the rules' minimum, which cannot be
   * shortlisted, and projects with an assigned, non-recused reviewer yet to score, which are shortlisted
   * only with the office's `scoresOverride`.
   */
  readonly context: { readonly reviewIncomplete: readonly string[]; readonly scoresOutstanding?: readonly string[] };
};

/** Opens the public notice (公示) of every shortlisted project not yet in a notice. */
export type OpenPublicNotice = Command<
  'OpenPublicNotice',
  {
    /** First day of the notice, a Beijing date 'YYYY-MM-DD', today or later. */
    readonly startsOn: string;
    /** The published notice. */
    readonly document?: DocumentRef;
  }
> & {
  /** The working-day calendar in force: the notice's end is counted with it, and its version recorded. */
  readonly context: { readonly calendar: WorkingDayCalendar };
};

/** Takes a project off the list after an upheld objection (or another decided reason), freeing its place. */
export type RemoveFromList = Command<
  'RemoveFromList',
  { readonly projectId: string; readonly reason: string; readonly objectionId?: string }
>;

/** Records that a notice period is over; repeating it after the fact changes nothing. */
export type EndPublicNotice = Command<'EndPublicNotice', { readonly noticeId: string }>;

/** Approves (立项) projects whose notice has ended without an open objection. */
export type ApproveList = Command<
  'ApproveList',
  { readonly projectIds: readonly string[]; readonly reason: string; readonly document?: DocumentRef }
> & {
  /** Projects with an objection not yet resolved (read from the project streams): they cannot be approved. */
  readonly context: { readonly openObjections: readonly string[] };
};

export type CloseCycle = Command<'CloseCycle', { readonly reason: string }>;

/** A person of the reviewer pool, as their own stream has them: their organisation, expert grant and fields. */
export interface ExpertFacts {
  readonly personId: string;
  readonly organisationId: string;
  /** Holds an expert grant now. */
  readonly expert: boolean;
  readonly fields: readonly string[];
}

/** The office forms a panel of the cycle for a field (专业领域), of experts of the pool who review in it. */
export type FormPanel = Command<'FormPanel', { readonly panelId: string; readonly field: string; readonly experts: readonly string[] }> & {
  /** Each expert named, as their stream has them (null: no such person). */
  readonly context: { readonly experts: readonly (ExpertFacts | null)[] };
};

export type ProgramCycleCommand =
  | OpenCycle
  | CloseApplicationWindow
  | RegisterApplication
  | RegisterRecommendation
  | ReleaseRegistration
  | Shortlist
  | OpenPublicNotice
  | RemoveFromList
  | EndPublicNotice
  | ApproveList
  | CloseCycle
  | FormPanel;

export type ProgramCycleCommandType = ProgramCycleCommand['type'];

/**
 * Who may issue each command (domain.md §7), checked once by the decider. The office runs the cycle
 * (the deadline scheduler acts as the office); the application layer registers an application as the
 * applicant and a recommendation as the recommender. A registration is given back by whoever made it:
 * any role may ask, releasing nothing held changes nothing, and the decider requires the role and the
 * organisation of the registration held.
 */
export const PROGRAM_CYCLE_COMMANDS: Readonly<Record<ProgramCycleCommandType, readonly Role[]>> = {
  OpenCycle: ['office'],
  CloseApplicationWindow: ['office'],
  RegisterApplication: ['applicant'],
  RegisterRecommendation: ['recommender'],
  ReleaseRegistration: ROLES,
  Shortlist: ['office'],
  OpenPublicNotice: ['office'],
  RemoveFromList: ['office'],
  EndPublicNotice: ['office'],
  ApproveList: ['office'],
  CloseCycle: ['office'],
  FormPanel: ['office'],
};
