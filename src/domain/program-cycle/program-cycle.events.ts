import { CycleRules, NoticeUnit } from '../catalog/program-rules';
import { DocumentRef, Event } from '../messages';

/**
 * Events of a program cycle's stream. Decision events carry the rules version in force and, where a
 * person decided, the reason; quota figures are recorded with each place taken so an auditor sees the
 * invariant hold without replaying.
 */
export type CycleOpened = Event<
  'CycleOpened',
  {
    readonly cycleId: string;
    readonly programType: string;
    readonly name: string;
    readonly label: string;
    readonly rules: CycleRules;
    readonly rulesVersion: string;
    readonly opensAt: string;
    readonly closesAt: string;
    readonly parentCycleId: string | null;
    readonly openedAt: string;
  }
>;

export type ApplicationWindowClosed = Event<
  'ApplicationWindowClosed',
  {
    /** The deadline when it passed, the moment of the office's decision when closed early. */
    readonly closedAt: string;
    readonly trigger: 'deadline' | 'office';
    readonly reason: string | null;
    readonly rulesVersion: string;
  }
>;

export type ApplicationRegistered = Event<
  'ApplicationRegistered',
  {
    readonly projectId: string;
    readonly applicantOrg: string;
    readonly region: string;
    readonly registeredAt: string;
    /** This application's number among the applicant's, and the limit it counts against. */
    readonly applicantCount: number;
    readonly perApplicantLimit: number;
    readonly rulesVersion: string;
  }
>;

export type RecommendationRegistered = Event<
  'RecommendationRegistered',
  {
    readonly projectId: string;
    readonly recommenderOrg: string;
    readonly rank: number;
    readonly recommendedAt: string;
    readonly recommenderCount: number;
    readonly perRecommenderLimit: number;
    readonly rulesVersion: string;
  }
>;

/** A registration given back because the project command it was made for was refused. */
export type RegistrationReleased = Event<
  'RegistrationReleased',
  {
    readonly projectId: string;
    readonly registration: 'application' | 'recommendation';
    readonly reason: string;
    readonly releasedAt: string;
  }
>;

export type ProjectShortlisted = Event<
  'ProjectShortlisted',
  {
    readonly decisionId: string;
    readonly projectId: string;
    readonly tier: string | null;
    readonly reason: string;
    readonly rulesVersion: string;
    readonly quota: number;
    /** Places taken once this project is counted. */
    readonly placesTaken: number;
    readonly tierQuota: number | null;
    readonly tierPlacesTaken: number | null;
    /** Why the office shortlisted before every assigned reviewer had scored; absent when all had (and before the rule). */
    readonly scoresOverride?: string;
    readonly decidedAt: string;
  }
>;

export type ProjectNotSelected = Event<
  'ProjectNotSelected',
  {
    readonly decisionId: string;
    readonly projectId: string;
    readonly reason: string;
    readonly rulesVersion: string;
    readonly decidedAt: string;
  }
>;

export type PublicNoticeOpened = Event<
  'PublicNoticeOpened',
  {
    readonly noticeId: string;
    readonly projectIds: readonly string[];
    /** First and last day of the notice (Beijing dates); objections are admissible until endsAt. */
    readonly startsOn: string;
    readonly endsOn: string;
    readonly endsAt: string;
    readonly length: number;
    readonly unit: NoticeUnit;
    readonly calendarVersion: string;
    readonly rulesVersion: string;
    readonly document: DocumentRef | null;
    readonly openedAt: string;
  }
>;

export type ProjectRemovedFromList = Event<
  'ProjectRemovedFromList',
  {
    readonly projectId: string;
    readonly tier: string | null;
    readonly reason: string;
    readonly objectionId: string | null;
    readonly rulesVersion: string;
    readonly removedAt: string;
  }
>;

export type PublicNoticeEnded = Event<
  'PublicNoticeEnded',
  {
    readonly noticeId: string;
    /** The projects of the notice still on the list when it ended. */
    readonly projectIds: readonly string[];
    readonly endsOn: string;
    readonly endedAt: string;
  }
>;

export type ListApproved = Event<
  'ListApproved',
  {
    readonly decisionId: string;
    readonly approved: readonly { readonly projectId: string; readonly tier: string | null }[];
    readonly reason: string;
    readonly rulesVersion: string;
    readonly quota: number;
    /** Approved projects of the cycle, this decision included. */
    readonly approvedCount: number;
    readonly document: DocumentRef | null;
    readonly approvedAt: string;
  }
>;

/** A panel of the cycle for a field: the experts assignments draw on. */
export type PanelFormed = Event<
  'PanelFormed',
  { readonly panelId: string; readonly field: string; readonly experts: readonly { readonly personId: string; readonly organisationId: string }[]; readonly formedAt: string }
>;

export type CycleClosed = Event<
  'CycleClosed',
  {
    readonly reason: string;
    readonly approvedCount: number;
    readonly rulesVersion: string;
    readonly closedAt: string;
  }
>;

export type ProgramCycleEvent =
  | CycleOpened
  | ApplicationWindowClosed
  | ApplicationRegistered
  | RecommendationRegistered
  | RegistrationReleased
  | ProjectShortlisted
  | ProjectNotSelected
  | PublicNoticeOpened
  | ProjectRemovedFromList
  | PublicNoticeEnded
  | ListApproved
  | CycleClosed
  | PanelFormed;
