/**
 * The rules a program cycle runs under. Rules the sources state outright are defaults here too, and
 * every one of them is configurable per cycle: a cycle is opened with a full copy of its rules and a
 * `rulesVersion`, and every decision event records that version so a replay explains itself.
 */
import type { SchoolKind } from '../organisation/organisation';

/** The kinds of organisation that may lead an application. */
export const APPLICANT_KINDS = ['school', 'enterprise', 'government'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

/** The kinds of organisation that may join an application as its lead's partners. */
export const PARTNER_KINDS = ['school', 'enterprise'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export type NoticeUnit = 'working-days' | 'calendar-days';

export interface Tier {
  readonly name: string;
  readonly quota: number;
}

export interface GradeScale {
  /** Every grade an evaluation may give, best first (e.g. 优秀/良好/通过/不通过). */
  readonly grades: readonly string[];
  /** Grades that pass (lead to accreditation). */
  readonly passing: readonly string[];
  /** Grades that defer the decision (暂缓通过) instead of failing. */
  readonly deferring: readonly string[];
  /** Grades that bar the unit from the next cycle (e.g. 差). */
  readonly barring: readonly string[];
}

/**
 * A scoring rubric (评分指标): indicators grouped by dimension. In a points rubric each indicator has a
 * maximum (`max`), the maxima adding up to 100; in a weighted one each has a `weight` (percent, adding
 * up to 100) and is scored 0–100. Either way a reviewer's total is on 0–100, as a single score is.
 */
export interface Rubric {
  readonly dimensions: readonly RubricDimension[];
}

export interface RubricDimension {
  readonly name: string;
  readonly indicators: readonly RubricIndicator[];
}

export interface RubricIndicator {
  /** Stable within the rubric: a reviewer's score names the indicator by it. */
  readonly id: string;
  readonly name: string;
  readonly max?: number;
  readonly weight?: number;
}

/** What a run of poor yearly grades leads to. */
export const PERFORMANCE_ACTIONS = ['warning', 'reduced-grant', 'rectification', 'removal'] as const;
export type PerformanceAction = (typeof PERFORMANCE_ACTIONS)[number];

/**
 * Yearly performance (年度绩效评价): the office grades each annual report on the cycle's grade scale, and
 * a run of poor years has the consequences the rules set (有进有出).
 */
export interface PerformanceRules {
  /** Grades of the scale that make a year poor; absent: those that neither pass nor defer, whatever the scale. */
  readonly poorGrades?: readonly string[];
  /** By the length of a run of poor years, what follows: the entry of the longest run reached applies. */
  readonly consequences: readonly { readonly poorYears: number; readonly actions: readonly PerformanceAction[] }[];
  /** Under `reduced-grant`, the next year's public grants are at most this percent below the year's. */
  readonly grantReductionPercent: number;
}

/** How the reviewers' totals make a project's score: their mean, or (at five or more) the mean without the highest and the lowest. */
export type ScoreAggregate = 'mean' | 'trimmed-mean';

export interface CycleRules {
  /** Most projects that may be approved in the cycle. The cycle's invariant. */
  readonly quota: number;
  /** Optional tiers (A/B/C); their quotas add up to at most `quota`. */
  readonly tiers: readonly Tier[];
  /** Most applications one organisation may submit in the cycle (e.g. 2 specialty groups per school). */
  readonly perApplicantLimit: number;
  /** Most ranked recommendations one recommender (city bureau) may give in the cycle. */
  readonly perRecommenderLimit: number;
  /** Days after the window closes within which formal checks are made (4 weeks precedent). */
  readonly formalCheckDays: number;
  /** Fewest reviewers whose scores are needed before shortlisting. */
  readonly minReviewers: number;
  /**
   * Calendar days after an expert's assignment by which their score is due (their queue shows the day).
   * Absent in rules written before the field existed: REVIEW_DAYS_UNSET applies.
   */
  readonly reviewDays?: number;
  /** The rubric reviewers score by, indicator by indicator. Absent or null: one score of 0–100 with comments. */
  readonly rubric?: Rubric | null;
  /** How reviewers' scores make the project's (absent: the mean). */
  readonly aggregate?: ScoreAggregate;
  /** The ranking's cut-off line: projects whose score is below it are marked so (absent or null: none). */
  readonly cutOff?: number | null;
  readonly publicNotice: { readonly length: number; readonly unit: NoticeUnit };
  /** Days after approval by which the construction plan and task book are due. */
  readonly constructionPlanDueDays: number;
  readonly constructionMonths: number;
  /** Annual reports are due on this month and day (1-based) of the year after the reported year. */
  readonly annualReportDue: { readonly month: number; readonly day: number };
  /** Months after construction starts at which the mid-term evaluation takes place. */
  readonly midtermAfterMonths: number;
  /** Longest rectification period in months (≤ 2 years). */
  readonly maxRectificationMonths: number;
  /**
   * A project with fewer tasks done (percent) at its mid-term evaluation may be suspended (< 30% [S2]).
   * Absent in rules written before the field existed: 30 then applies.
   */
  readonly midtermMinTasksPercent?: number;
  readonly gradeScale: GradeScale;
  /**
   * The kinds of school that may apply, as the registry records a school's kind (a 高职 does not apply
   * to the secondary-school program). Absent in rules written before the field existed: any school.
   */
  readonly schoolKinds?: readonly SchoolKind[];
  /**
   * The kinds of organisation that may apply (lead an application): a city pilot's are governments, a
   * vocational education group may be led by an enterprise. Absent: schools.
   */
  readonly applicantKinds?: readonly ApplicantKind[];
  /**
   * A joint application (联合申报): the lead applies with `min` to `max` partners of these kinds, each
   * registered and named once. The lead acts for the consortium; a reviewer of any member's
   * organisation has a conflict of interest. Absent or null: an applicant applies alone.
   */
  readonly partners?: { readonly min: number; readonly max: number; readonly kinds: readonly PartnerKind[] } | null;
  /**
   * The province designates from the applications it checked: no city recommends (a city government
   * applies for itself), and review and the shortlist follow the formal check. Absent: cities recommend.
   */
  readonly withoutRecommendation?: boolean;
  /** Years an applicant is banned from re-applying after these outcomes. */
  readonly bans: { readonly suspensionYears: number; readonly revocationYears: number };
  /**
   * Specialty groups: majors per group, for programs whose applications carry them; with
   * `standaloneGroups`, a college whose own application was not selected still files its groups as
   * units of their own (absent: a group falls with its college).
   */
  readonly specialtyGroup?: { readonly minMajors: number; readonly maxMajors: number; readonly standaloneGroups?: boolean };
  /**
   * Identity across batches (已入选…不得再次申报, 教职成厅函〔2023〕26号): the same major (by its code) or
   * course (by its name) of the same school, once selected in the program, may not apply again; one
   * applied for and not selected may, with a statement of what changed. Absent or null: no such rule.
   */
  readonly reapplication?: { readonly identity: 'major' | 'course' } | null;
  /**
   * A program that recognises (认定) its selected projects when they are approved: no construction,
   * evaluation or accreditation follows, and the project ends `Recognised`. Absent: construction follows.
   */
  readonly withoutConstruction?: boolean;
  /** Yearly performance and its consequences. Absent or null: annual reports are received, not graded. */
  readonly performance?: PerformanceRules | null;
  /** Quality courses: eligibility and the service obligation after accreditation. */
  readonly course?: {
    readonly minClassHours: number;
    readonly minSemestersTaught: number;
    readonly serviceYears: number;
  };
}

/** Rules of the enterprise certification scheme (产教融合型企业). */
export interface EnterpriseRules {
  readonly threeYearPlanDueMonths: number;
  readonly minIncubationMonths: number;
  readonly annualReportDue: { readonly month: number; readonly day: number };
  readonly disqualificationBanYears: number;
  readonly certificateValidityYears: number;
  readonly publicNotice: { readonly length: number; readonly unit: NoticeUnit };
}

/** The days an expert has to score where a cycle's rules predate `reviewDays`: two weeks, as the catalog's default [I]. */
export const REVIEW_DAYS_UNSET = 14;

/** The share of tasks done below which a mid-term evaluation may lead to suspension, where the rules predate `midtermMinTasksPercent` (< 30% [S2]). */
export const MIDTERM_MIN_TASKS_PERCENT_UNSET = 30;
