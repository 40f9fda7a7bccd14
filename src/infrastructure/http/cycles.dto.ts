import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { APPLICANT_KINDS, ApplicantKind, PARTNER_KINDS, PartnerKind, PERFORMANCE_ACTIONS, PerformanceAction } from '../../domain/catalog/program-rules';
import { SCHOOL_KINDS, SchoolKind } from '../../domain/organisation/organisation';
import { Count, DateOnly, Decimal, DocumentRefDto, Instant, Nested, Omissible, Text } from './dto-support';

export class TierDto {
  @Text('A', { max: 20 })
  name!: string;

  @Count(3, { min: 1, max: 100_000 })
  quota!: number;
}

export class NoticeRuleDto {
  @Count(5, { min: 1, max: 365 })
  length!: number;

  @ApiProperty({ enum: ['working-days', 'calendar-days'], example: 'working-days' })
  @IsIn(['working-days', 'calendar-days'])
  unit!: 'working-days' | 'calendar-days';
}

export class MonthDayDto {
  @Count(3, { min: 1, max: 12 })
  month!: number;

  @Count(31, { min: 1, max: 31 })
  day!: number;
}

/** A list of grade names (each at most 20 characters, at most 10, none twice). */
const Grades = (example: string[], description: string) =>
  applyDecorators(ApiProperty({ example, description }), IsArray(), ArrayMaxSize(10), ArrayUnique(), IsString({ each: true }), MaxLength(20, { each: true }));

/** The grades an evaluation may give and what each leads to; the domain checks that they fit together. */
export class GradeScaleDto {
  @Grades(['优', '良', '中', '差'], 'Every grade, best first')
  @ArrayMinSize(1)
  grades!: string[];

  @Grades(['优', '良', '中'], 'Grades that pass')
  @ArrayMinSize(1)
  passing!: string[];

  @Grades([], 'Grades that defer the decision (暂缓通过)')
  deferring!: string[];

  @Grades(['差'], 'Grades that bar the unit from the program’s next cycle')
  barring!: string[];
}

export class BanRulesDto {
  @Count(100, { min: 0, max: 100, description: 'Years a suspended project bans its applicant from the program (100: never again)' })
  suspensionYears!: number;

  @Count(5, { min: 0, max: 100, description: 'Years a revoked project bans its applicant from the program' })
  revocationYears!: number;
}

export class SpecialtyGroupRulesDto {
  @Count(3, { min: 1, max: 50 })
  minMajors!: number;

  @Count(5, { min: 1, max: 50 })
  maxMajors!: number;

  @ApiPropertyOptional({ example: true, description: 'A college whose own application was not selected still files its specialty groups as units of their own' })
  @IsOptional()
  @IsBoolean()
  standaloneGroups?: boolean;
}

export class CourseRulesDto {
  @Count(32, { min: 1, max: 10_000 })
  minClassHours!: number;

  @Count(2, { min: 0, max: 100 })
  minSemestersTaught!: number;

  @Count(5, { min: 1, max: 100, description: 'Years of service with an update every academic year after accreditation' })
  serviceYears!: number;
}

/** A list of kinds, each one of `values` and named once. */
function Kinds(field: string, values: readonly string[], options: { example: readonly string[]; description: string; optional?: boolean }) {
  return applyDecorators(
    (options.optional ? ApiPropertyOptional : ApiProperty)({ enum: values, isArray: true, example: options.example, description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn(values, { each: true, message: `each of ${field} must be one of ${values.join(', ')}` }),
  );
}

export class PartnerRulesDto {
  @Count(1, { min: 0, max: 100, description: 'Fewest partners a joint application names besides its lead' })
  min!: number;

  @Count(10, { min: 1, max: 100, description: 'Most partners a joint application names besides its lead' })
  max!: number;

  @Kinds('partners.kinds', PARTNER_KINDS, { example: ['school', 'enterprise'], description: 'The kinds of organisation a partner may be' })
  kinds!: PartnerKind[];
}

export class ReapplicationRuleDto {
  @ApiProperty({ enum: ['major', 'course'], example: 'major', description: 'What identifies a subject across batches: a major by its code, a course by its name' })
  @IsIn(['major', 'course'])
  identity!: 'major' | 'course';
}

export class RubricIndicatorDto {
  @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'id must be lowercase letters, digits and dashes (at most 64)' })
  @ApiProperty({ example: 'goals', description: 'Stable within the rubric: a reviewer’s score names the indicator by it' })
  id!: string;

  @Text('建设目标与区域产业契合度', { max: 200 })
  name!: string;

  @Decimal(20, { optional: true, min: 0, max: 100, decimals: 2, description: 'A points rubric: the indicator’s maximum (the maxima add up to 100)' })
  max?: number;

  @Decimal(20, { optional: true, min: 0, max: 100, decimals: 2, description: 'A weighted rubric: the indicator’s weight in percent (the weights add up to 100), scored 0–100' })
  weight?: number;
}

export class RubricDimensionDto {
  @Text('建设基础', { max: 200 })
  name!: string;

  @Nested(() => RubricIndicatorDto, { isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  indicators!: RubricIndicatorDto[];
}

export class RubricDto {
  @Nested(() => RubricDimensionDto, { isArray: true, description: 'Indicators grouped by dimension' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  dimensions!: RubricDimensionDto[];
}

export class PerformanceConsequenceDto {
  @Count(2, { min: 1, max: 20, description: 'The length of the run of poor years' })
  poorYears!: number;

  @Kinds('actions', PERFORMANCE_ACTIONS, { example: ['rectification'], description: 'What follows: warning, reduced-grant, rectification, removal' })
  actions!: PerformanceAction[];
}

export class PerformanceRulesDto {
  @ApiPropertyOptional({ type: [String], example: ['差'], description: 'Grades of the scale that make a year poor; left out: those that neither pass nor defer' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  poorGrades?: string[];

  @Nested(() => PerformanceConsequenceDto, { isArray: true, description: 'By the length of a run of poor years, what follows; the longest run reached applies' })
  @IsArray()
  @ArrayMaxSize(20)
  consequences!: PerformanceConsequenceDto[];

  @Decimal(20, { min: 0, max: 100, decimals: 2, description: 'Under reduced-grant, the next year’s public grants are at most this percent below the year’s' })
  grantReductionPercent!: number;
}

/** Overrides of the program type's default rules, any of them; what is left out keeps the catalog's default. */
export class CycleRulesOverrideDto {
  @Count(200, { optional: true, min: 1, max: 100_000 })
  quota?: number;

  @Nested(() => TierDto, { optional: true, isArray: true })
  @IsArray()
  @ArrayMaxSize(10)
  tiers?: TierDto[];

  @Count(2, { optional: true, min: 1, max: 10_000 })
  perApplicantLimit?: number;

  @Count(20, { optional: true, min: 1, max: 10_000 })
  perRecommenderLimit?: number;

  @Count(28, { optional: true, min: 0, max: 365, description: 'Days after the window closes for the formal checks' })
  formalCheckDays?: number;

  @Count(3, { optional: true, min: 1, max: 100 })
  minReviewers?: number;

  @Count(14, { optional: true, min: 1, max: 180, description: 'Calendar days after an expert is assigned by which their score is due' })
  reviewDays?: number;

  @Nested(() => NoticeRuleDto, { optional: true })
  publicNotice?: NoticeRuleDto;

  @Count(30, { optional: true, min: 0, max: 365, description: 'Days after approval by which the construction plan is due' })
  constructionPlanDueDays?: number;

  @Count(36, { optional: true, min: 1, max: 240 })
  constructionMonths?: number;

  @Nested(() => MonthDayDto, { optional: true, description: 'Annual reports are due on this month and day of the following year' })
  annualReportDue?: MonthDayDto;

  @Count(18, { optional: true, min: 1, max: 239, description: 'Months after construction starts at which the mid-term evaluation falls' })
  midtermAfterMonths?: number;

  @Count(24, { optional: true, min: 1, max: 120, description: 'Longest rectification period in months' })
  maxRectificationMonths?: number;

  @Count(30, { optional: true, min: 0, max: 100, description: 'Below this percentage of tasks done at mid-term a project may be suspended' })
  midtermMinTasksPercent?: number;

  @Nested(() => GradeScaleDto, { optional: true })
  gradeScale?: GradeScaleDto;

  @Nested(() => BanRulesDto, { optional: true })
  bans?: BanRulesDto;

  @Nested(() => SpecialtyGroupRulesDto, { optional: true })
  specialtyGroup?: SpecialtyGroupRulesDto;

  @Nested(() => CourseRulesDto, { optional: true })
  course?: CourseRulesDto;

  @ApiPropertyOptional({ example: false, description: 'The program recognises (认定) its projects at approval: no construction, evaluation or accreditation follows' })
  @IsOptional()
  @IsBoolean()
  withoutConstruction?: boolean;

  @Nested(() => ReapplicationRuleDto, { optional: true, description: 'A selected major or course may not apply again, one not selected only saying what changed; null: no such rule' })
  reapplication?: ReapplicationRuleDto | null;

  @Nested(() => RubricDto, { optional: true, description: 'The rubric reviewers score by, indicator by indicator; null: one score of 0–100' })
  rubric?: RubricDto | null;

  @ApiPropertyOptional({ enum: ['mean', 'trimmed-mean'], example: 'trimmed-mean', description: 'How reviewers’ scores make the project’s: the mean, or at five or more the mean without the highest and the lowest' })
  @IsOptional()
  @IsIn(['mean', 'trimmed-mean'])
  aggregate?: 'mean' | 'trimmed-mean';

  @Decimal(60, { optional: true, min: 0, max: 100, decimals: 2, description: 'The ranking’s cut-off line; null: none' })
  cutOff?: number | null;

  @Nested(() => PerformanceRulesDto, { optional: true, description: 'Yearly performance: the poor grades and what a run of poor years leads to; null: annual reports are not graded' })
  performance?: PerformanceRulesDto | null;

  @Kinds('schoolKinds', SCHOOL_KINDS, { optional: true, example: ['中职', '技工学校'], description: 'The kinds of school that may apply' })
  schoolKinds?: SchoolKind[];

  @Kinds('applicantKinds', APPLICANT_KINDS, { optional: true, example: ['school', 'enterprise'], description: 'The kinds of organisation that may lead an application; schools when left out' })
  applicantKinds?: ApplicantKind[];

  @Nested(() => PartnerRulesDto, { optional: true, description: 'A joint application: the lead names partners of these kinds, between min and max; null: an applicant applies alone' })
  partners?: PartnerRulesDto | null;

  @ApiPropertyOptional({ example: false, description: 'The province designates from the applications it checked: no city recommends, review follows the formal check' })
  @IsOptional()
  @IsBoolean()
  withoutRecommendation?: boolean;
}

export class OpenCycleDto {
  @ApiPropertyOptional({ example: 'brand-major-2021', description: 'The cycle id; generated when left out' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'id must be lowercase letters, digits and dashes (at most 63)' })
  id?: string;

  @Text('brand-major', { max: 64, description: 'Program type code in the catalog' })
  programType!: string;

  @Text('品牌专业 2021 batch', { max: 200 })
  name!: string;

  @Text('2021', { max: 100 })
  label!: string;

  @Instant('2021-03-01T00:00:00+08:00')
  opensAt!: string;

  @Instant('2021-04-01T00:00:00+08:00')
  closesAt!: string;

  @Text('higher-college-2026', { optional: true, max: 64, description: 'For specialty groups: the cycle of their colleges' })
  parentCycleId?: string;

  @Nested(() => CycleRulesOverrideDto, { optional: true })
  rules?: CycleRulesOverrideDto;

  @Text('brand-major/2021.1', { optional: true, max: 64, description: 'Required when rules are overridden; the catalog version otherwise' })
  rulesVersion?: string;
}

export class CloseWindowDto {
  @Text('所有申报材料已收齐', { optional: true, description: 'Required when closing before the deadline' })
  reason?: string;
}

export class ShortlistEntryDto {
  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100 })
  projectId!: string;

  @Text('A', { optional: true, max: 20 })
  tier?: string;

  @Text('专家王某因病无法按期评分，经评审委员会同意按已有评分决定', { optional: true, description: 'Why the project is shortlisted before every assigned reviewer has scored' })
  scoresOverride?: string;
}

export class NotSelectedEntryDto {
  @Text('7a1c4e2b-5d6f-4a88-b9c0-1e2d3f4a5b6c', { max: 100 })
  projectId!: string;

  @Text('评审得分未达入围线')
  reason!: string;
}

export class ShortlistDto {
  @Nested(() => ShortlistEntryDto, { isArray: true })
  @IsArray()
  @ArrayMaxSize(1000)
  shortlisted!: ShortlistEntryDto[];

  @Nested(() => NotSelectedEntryDto, { isArray: true })
  @IsArray()
  @ArrayMaxSize(1000)
  notSelected!: NotSelectedEntryDto[];

  @Text('2021年品牌专业评审会议纪要')
  reason!: string;
}

export class OpenNoticeDto {
  @DateOnly('2021-06-01', { description: 'First day of the notice (Beijing date)' })
  startsOn!: string;

  @Omissible(Nested(() => DocumentRefDto))
  document?: DocumentRefDto;
}

export class EndNoticeDto {
  @Text('brand-major-2021/notice-1', { max: 200 })
  noticeId!: string;
}

export class ApproveListDto {
  @ApiProperty({ example: ['3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11'] })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  projectIds!: string[];

  @Text('公示无异议，予以立项')
  reason!: string;

  @Omissible(Nested(() => DocumentRefDto))
  document?: DocumentRefDto;
}

export class CloseCycleDto {
  @Text('2021 batch complete')
  reason!: string;
}

export class RemoveFromListDto {
  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100 })
  projectId!: string;

  @Text('异议成立：申报材料数据不实')
  reason!: string;

  @Text('objection-1', { optional: true, max: 100 })
  objectionId?: string;
}

export class FormPanelDto {
  @ApiPropertyOptional({ example: 'manufacturing', description: 'The panel id; generated when left out' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'panelId must be lowercase letters, digits and dashes (at most 63)' })
  panelId?: string;

  @Text('装备制造', { max: 100, description: 'The field (专业领域) every expert of the panel reviews in' })
  field!: string;

  @ApiProperty({ type: [String], example: ['expert-0427', 'expert-0512'], description: 'Person ids of the reviewer pool, 1 to 50' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  experts!: string[];
}

export class AssignPanelDto {
  @ApiProperty({ type: [String], example: ['3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11'], description: 'Projects of the cycle to assign, 1 to 500' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  projectIds!: string[];

  @Count(5, { min: 1, max: 50, description: 'Experts each project is to have, those it has counted' })
  perProject!: number;
}

export class RaiseTargetDto {
  @Count(80, { min: 1, max: 100_000, description: 'The new target: more places than the one in force' })
  target!: number;

  @Text('省政府办公厅同意扩大第三批建设规模（晋政办函〔2027〕12号）')
  reason!: string;
}
