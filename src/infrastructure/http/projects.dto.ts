import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform, TransformFnParams, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { FormalCheckResult, REVOCATION_REASONS, RevocationReason, SubjectKind } from '../../domain/project/project.commands';
import { Count, DateOnly, Decimal, DocumentRefDto, Documents, Nested, Omissible, OneOf, Text, Texts } from './dto-support';
import { ObjectorDto } from './enterprises.dto';

/**
 * Bodies of the project commands (school-side programs: 高水平中职, 高水平高职 and its 专业群, 品牌专业,
 * 精品课程), one class per command, each accepting exactly the command's data as the domain defines it.
 * Ids the service chooses (project, objection) and ids taken from the path (objection, change) are
 * not in the bodies. Class names are unique across the API, since OpenAPI names schemas after them.
 */

const SUBJECT_KINDS: readonly SubjectKind[] = ['school', 'specialty-group', 'major', 'course'];
const FORMAL_CHECK_RESULTS: readonly FormalCheckResult[] = ['passed', 'failed'];

// ---------------------------------------------------------------------------------------------
// The subject: what the project is about, one shape per `kind`.

export class SchoolSubjectDto {
  @OneOf(['school'] as const, 'school', { description: 'The applying school or college itself (高水平中职, 高水平高职)' })
  kind!: 'school';
}

export class MajorDto {
  @Text('460301', { max: 20, description: 'Code in the national catalogue of vocational majors' })
  code!: string;

  @Text('机电一体化技术', { max: 100 })
  name!: string;
}

export class SpecialtyGroupSubjectDto {
  @OneOf(['specialty-group'] as const, 'specialty-group', { description: 'A specialty group (专业群) of a college, a child of the college’s project' })
  kind!: 'specialty-group';

  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100, description: 'The college’s own project, of the same applicant' })
  parentProjectId!: string;

  @Text('智能制造专业群', { max: 200 })
  groupName!: string;

  @Nested(() => MajorDto, { isArray: true, description: 'The majors of the group, codes unique; as many as the cycle’s rules allow (3–5)' })
  @IsArray()
  @ArrayMaxSize(20)
  majors!: MajorDto[];

  @ApiPropertyOptional({ type: String, example: 'A', nullable: true, description: 'The tier applied for, when the cycle has tiers; the selection decides the tier granted' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  tier?: string | null;
}

export class MajorSubjectDto {
  @OneOf(['major'] as const, 'major', { description: 'One major of a school (品牌专业)' })
  kind!: 'major';

  @Text('460301', { max: 20, description: 'Code in the national catalogue of vocational majors' })
  majorCode!: string;

  @Text('机电一体化技术', { max: 100 })
  majorName!: string;
}

export class CourseSubjectDto {
  @OneOf(['course'] as const, 'course', { description: 'One course (精品课程)' })
  kind!: 'course';

  @Text('PLC控制技术', { max: 200 })
  courseName!: string;

  @Count(64, { max: 10_000, description: 'Class hours; the cycle’s rules set the minimum (32)' })
  classHours!: number;

  @Count(4, { max: 100, description: 'Semesters already taught online; the cycle’s rules set the minimum (2)' })
  semestersTaught!: number;
}

/** A subject whose `kind` is none of the four: it keeps `kind` alone, which its check then refuses. */
class UnknownSubjectDto {
  @IsIn([...SUBJECT_KINDS])
  kind!: SubjectKind;
}

export const SUBJECT_TYPES = {
  school: SchoolSubjectDto,
  'specialty-group': SpecialtyGroupSubjectDto,
  major: MajorSubjectDto,
  course: CourseSubjectDto,
} as const satisfies Record<SubjectKind, new () => object>;

export type ProjectSubjectDto = SchoolSubjectDto | SpecialtyGroupSubjectDto | MajorSubjectDto | CourseSubjectDto;

/**
 * Chooses the subject's class by its `kind`, so whitelisting checks the fields of that kind alone.
 * class-transformer's own discriminator (`@Type(..., { discriminator })`) is not used: it throws on a
 * body such as `"subject": [null]`, which must be a 400 and not a 500. Anything not an object (an
 * array included) is left as it is, for the validators to refuse.
 */
function toSubject({ value }: TransformFnParams): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const kind: unknown = (value as { kind?: unknown }).kind;
  if (typeof kind === 'string' && Object.hasOwn(SUBJECT_TYPES, kind)) return plainToInstance<object, unknown>(SUBJECT_TYPES[kind as SubjectKind], value);
  // Without a known kind the other fields cannot be judged: the kind alone is reported.
  return plainToInstance(UnknownSubjectDto, { kind });
}

/** The subject, one of four shapes told apart by `kind`; documented as a oneOf with its discriminator. Left out it is kept, but never null. */
const Subject = (options: { optional?: boolean; description: string }) => {
  const schema = {
    description: options.description,
    oneOf: Object.values(SUBJECT_TYPES).map((type) => ({ $ref: getSchemaPath(type) })),
    discriminator: {
      propertyName: 'kind',
      mapping: Object.fromEntries(Object.entries(SUBJECT_TYPES).map(([kind, type]) => [kind, getSchemaPath(type)])),
    },
    example: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
  };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(schema) : ApiProperty(schema),
    options.optional ? ValidateIf((_, value: unknown) => value !== undefined) : IsDefined(),
    IsObject({ message: '$property must be an object with a kind' }),
    ValidateNested(),
    Transform(toSubject),
  );
};

// ---------------------------------------------------------------------------------------------
// Selection

export class DraftApplicationDto {
  @Text('brand-major-2021', { max: 100, description: 'The program cycle (call/batch) applied to; its window must be open' })
  cycleId!: string;

  @Text('brand-major', { max: 64, description: 'Program type code in the catalog; must be the cycle’s' })
  programType!: string;

  @Text('机电一体化技术品牌专业建设项目', { max: 200 })
  title!: string;

  @Subject({ description: 'What the project is about: school (secondary-school, higher-college), specialty-group, major (brand-major) or course (quality-course)' })
  subject!: ProjectSubjectDto;

  @Text('上一批次未入选后，新增校企共建实训基地两个，双师型教师占比由45%提高到62%', {
    optional: true,
    max: 2000,
    description: 'Required when the same major or course applied to the program before and was not selected: what changed since',
  })
  changesSinceLastApplication?: string;

  @Omissible(Texts(['91140100MA0K000001'], { description: 'A joint application’s partners besides the lead, by credit code, as the cycle’s partners rule allows' }))
  partners?: string[];
}

export class EditApplicationDto {
  @Text('机电一体化技术品牌专业建设项目（修订）', { optional: true, max: 200 })
  title?: string;

  @Subject({ optional: true, description: 'Replaces the subject; of the same kind, and a specialty group keeps its parent project' })
  subject?: ProjectSubjectDto;

  @Omissible(Texts(['91140100MA0K000001'], { description: 'Replaces a joint application’s partners (credit codes)' }))
  partners?: string[];
}

export class AttachApplicationDocumentsDto {
  @ApiProperty({ type: () => DocumentRefDto, nullable: true, description: '申报书 (the application form); null takes it off the draft' })
  @ValidateIf((_, value: unknown) => value !== null)
  @ValidateNested()
  @Type(() => DocumentRefDto)
  @IsObject()
  applicationForm!: DocumentRefDto | null;

  @Documents({ description: 'Supporting material, as the draft keeps it' })
  attachments!: DocumentRefDto[];
}

export class SubmissionDeclarationsDto {
  @Nested(() => DocumentRefDto, { description: '真实性声明 (declaration of authenticity)' })
  authenticity!: DocumentRefDto;

  @Nested(() => DocumentRefDto, { description: '承诺书 (letter of commitment)' })
  commitment!: DocumentRefDto;
}

export class SubmitApplicationDto {
  @Nested(() => DocumentRefDto, { description: '申报书 (the application form)' })
  applicationForm!: DocumentRefDto;

  @Nested(() => SubmissionDeclarationsDto, { description: 'Both declarations are required' })
  declarations!: SubmissionDeclarationsDto;

  @Omissible(Documents({ description: 'Supporting material' }))
  attachments?: DocumentRefDto[];
}

export class WithdrawApplicationDto {
  @Text('学校决定调整申报方向，暂不申报', { optional: true })
  reason?: string;
}

export class ReturnForRevisionDto {
  @Text('申报书缺少学校党委会议审议意见，请补充后重新提交')
  reason!: string;
}

export class FormalCheckDto {
  @OneOf(FORMAL_CHECK_RESULTS, 'passed')
  result!: FormalCheckResult;

  @Omissible(Texts(['申报书未加盖学校公章'], { description: 'Required (at least one) when failed' }))
  reasons?: string[];
}

export class ProjectRecommendDto {
  @Count(1, { min: 1, max: 10_000, description: 'The rank among the city’s recommendations: 1 = first, unique and within the recommender’s limit' })
  rank!: number;

  @Text('该专业办学特色鲜明，校企合作紧密，同意推荐', { optional: true })
  opinion?: string;
}

export class ProjectNotRecommendDto {
  @Text('近三年专业招生规模未达到申报条件')
  reason!: string;
}

export class AssignReviewerDto {
  @Text('expert-0427', { max: 100, description: 'The person id of an expert in the reviewer pool' })
  reviewerId!: string;

  @Text('12140100MB1000002N', { max: 200, description: 'The reviewer’s organisation as the office has it; the registry’s is what is checked and recorded' })
  reviewerOrg!: string;

  @Texts(['12140100MB1000001K'], { description: 'Organisations (credit codes) the office knows the reviewer to be related to (employment, consultancy, family), beside those the expert’s profile declares; none may be the applicant' })
  declaredRelations!: string[];
}

export class DeclareConflictDto {
  @Text('本人近三年曾担任申报学校兼职教师')
  reason!: string;
}

export class IndicatorScoreDto {
  @Text('goals', { max: 64, description: 'The indicator’s id in the cycle’s rubric' })
  id!: string;

  @Decimal(18.5, { min: 0, max: 100, decimals: 2, description: 'From 0 to the indicator’s maximum (points rubric) or to 100 (weighted rubric)' })
  score!: number;

  @Text('目标与区域产业契合', { optional: true, max: 2000 })
  comment?: string;
}

export class ScoreReviewDto {
  @Decimal(86.5, { optional: true, min: 0, max: 100, decimals: 2, description: 'The one score of a cycle without a rubric; with a rubric, the indicators’ total if given' })
  score?: number;

  @Omissible(Nested(() => IndicatorScoreDto, { isArray: true, description: 'A score of each indicator of the cycle’s rubric, each once' }))
  @IsArray()
  @ArrayMaxSize(100)
  indicators?: IndicatorScoreDto[];

  @Text('建设目标明确，校企合作基础较好，实训条件需进一步完善')
  comments!: string;
}

export class SaveScoreDraftDto {
  @Decimal(86.5, { optional: true, min: 0, max: 100, decimals: 2, description: 'The one score so far, in a cycle without a rubric' })
  score?: number;

  @Omissible(Nested(() => IndicatorScoreDto, { isArray: true, description: 'The indicators scored so far, in a cycle with a rubric' }))
  @IsArray()
  @ArrayMaxSize(100)
  indicators?: IndicatorScoreDto[];

  @Text('建设目标明确，实训条件待补充', { optional: true, description: 'The comments so far' })
  comments?: string;
}

export class CorrectScoreDto {
  @Text('expert-0427', { max: 100, description: 'The reviewer whose score is corrected' })
  reviewerId!: string;

  @Decimal(88, { optional: true, min: 0, max: 100, decimals: 2, description: 'The corrected score of a cycle without a rubric' })
  score?: number;

  @Omissible(Nested(() => IndicatorScoreDto, { isArray: true, description: 'The corrected score of each indicator, in a cycle with a rubric' }))
  @IsArray()
  @ArrayMaxSize(100)
  indicators?: IndicatorScoreDto[];

  @Text('评分表分项合计有误，经专家确认更正')
  reason!: string;
}

export class ProjectObjectionDto {
  @Nested(() => ObjectorDto, { optional: true, description: 'Real name and contact, seen by the office alone; an anonymous objection is recorded as inadmissible' })
  objector?: ObjectorDto;

  @Text('申报材料中的“双师型”教师比例与实际不符')
  grounds!: string;

  @Documents({ optional: true, description: 'An objection without evidence is recorded as inadmissible' })
  evidence?: DocumentRefDto[];
}

export class ResolveProjectObjectionDto {
  @OneOf(['dismissed', 'upheld'] as const, 'dismissed', { description: 'An upheld objection removes the project from the list' })
  outcome!: 'dismissed' | 'upheld';

  @Text('经核查，“双师型”教师比例属实，异议不成立')
  reason!: string;

  @Omissible(Documents())
  evidence?: DocumentRefDto[];
}

// ---------------------------------------------------------------------------------------------
// Construction and evaluation

export class ConstructionPlanDto {
  @Nested(() => DocumentRefDto, { description: '建设方案 (construction plan)' })
  plan!: DocumentRefDto;

  @Nested(() => DocumentRefDto, { description: '任务书 (task book)' })
  taskBook!: DocumentRefDto;
}

export class RejectConstructionPlanDto {
  @Texts(['建设任务未量化，缺少年度绩效指标'], { min: 1 })
  reasons!: string[];
}

export class FundsBySourceDto {
  @Decimal(300000, { optional: true, min: 0, max: 999_999_999_999.99, decimals: 2, description: 'Central funds used, yuan' })
  central?: number;

  @Decimal(450000, { optional: true, min: 0, max: 999_999_999_999.99, decimals: 2, description: 'Provincial funds used, yuan' })
  provincial?: number;

  @Decimal(200000, { optional: true, min: 0, max: 999_999_999_999.99, decimals: 2, description: 'The school’s matching funds used, yuan' })
  matching?: number;
}

export class ProjectAnnualReportDto {
  @Count(2022, { min: 2000, max: 2100, description: 'The calendar year reported on, from the start of construction to the current year' })
  year!: number;

  @Nested(() => DocumentRefDto, { description: 'The annual progress report' })
  report!: DocumentRefDto;

  @Nested(() => FundsBySourceDto, { optional: true, description: 'The funds used in the year by source (资金使用情况); with the years before, at most what was paid from each' })
  fundsUsed?: FundsBySourceDto;
}

export class PerformanceRectificationDto {
  @Texts(['绩效指标连续两年未达成'], { min: 1, description: 'What is to be put right' })
  findings!: string[];

  @DateOnly('2027-10-31', { description: 'Last day of the rectification, after today and within the rules’ longest period' })
  deadline!: string;
}

export class GradeAnnualReportDto {
  @Count(2026, { min: 2000, max: 2100, description: 'The year whose annual report is graded; its report must be in' })
  year!: number;

  @Text('良', { max: 20, description: 'A grade of the cycle’s scale' })
  grade!: string;

  @Text('年度绩效评价专家组意见：建设任务按期推进，资金执行率 92%')
  reason!: string;

  @Nested(() => DocumentRefDto, { description: 'The evaluation the grade rests on (年度绩效评价报告)' })
  report!: DocumentRefDto;

  @Nested(() => PerformanceRectificationDto, { optional: true, description: 'Required where the rules order a rectification for the run of poor years this grade makes' })
  rectification?: PerformanceRectificationDto;
}

export class ChangeRequestDto {
  @Text('因合作企业重组，调整校内实训基地建设内容')
  description!: string;

  @Documents({ min: 1, description: 'The change request and its justification' })
  documents!: DocumentRefDto[];
}

export class DecideChangeDto {
  @OneOf(['approved', 'rejected'] as const, 'approved')
  decision!: 'approved' | 'rejected';

  @Text('专家论证认为调整后建设目标不降低，同意变更')
  reason!: string;

  @Nested(() => DocumentRefDto, { description: 'The expert review the decision rests on' })
  expertReview!: DocumentRefDto;
}

/** The four dimensions of Shanxi's mid-term evaluation. */
export class MidtermFindingsDto {
  @Text('年度建设目标基本达成，个别任务进度滞后')
  targetsAndTasks!: string;

  @Text('资金使用规范，预算执行率82%')
  useOfFunds!: string;

  @Text('新建实训室3个，开发校本教材5部')
  results!: string;

  @Text('专业服务区域装备制造产业能力明显提升')
  impact!: string;
}

export class MidtermEvaluationDto {
  @Nested(() => MidtermFindingsDto)
  findings!: MidtermFindingsDto;

  @Text('良', { max: 20, description: 'One of the grades of the cycle’s grade scale' })
  grade!: string;

  @Decimal(65, { min: 0, max: 100, decimals: 2, description: 'Share of the construction tasks completed; below the rules’ minimum (30) the project may be suspended' })
  tasksCompletedPercent!: number;

  @Nested(() => DocumentRefDto, { description: 'The expert panel’s report' })
  report!: DocumentRefDto;
}

export class OrderRectificationDto {
  @Texts(['实训基地建设进度滞后', '专项资金支出进度偏慢'], { min: 1 })
  findings!: string[];

  @DateOnly('2024-06-30', { description: 'Last day of the rectification (Beijing date): after today, within the rules’ maximum period' })
  deadline!: string;
}

export class RectificationReportDto {
  @Nested(() => DocumentRefDto, { description: 'The rectification report' })
  report!: DocumentRefDto;
}

export class AcceptRectificationDto {
  @Text('整改措施落实到位，整改任务全部完成')
  reason!: string;
}

export class FailRectificationDto {
  @Text('整改期满，实训基地建设任务仍未完成')
  reason!: string;
}

export class SuspendProjectDto {
  @Text('中期评价建设任务完成率低于30%，予以中止')
  reason!: string;
}

export class FinalSelfAssessmentDto {
  @Nested(() => DocumentRefDto, { description: 'The final self-assessment report' })
  report!: DocumentRefDto;
}

export class GrantExtensionDto {
  @DateOnly('2025-06-30', { description: 'The new last day of construction, later than the current one' })
  newEndsOn!: string;

  @Text('受合作企业搬迁影响，实训基地建设延期')
  reason!: string;

  @Nested(() => DocumentRefDto, { description: 'The applicant’s request for an extension' })
  request!: DocumentRefDto;
}

export class FinalEvaluationDto {
  @Text('优', { max: 20, description: 'One of the grades of the cycle’s grade scale; it decides passed, deferred or failed' })
  grade!: string;

  @Text('建设任务全面完成，标志性成果突出')
  findings!: string;

  @Nested(() => DocumentRefDto, { description: '验收报告 (acceptance report)' })
  report!: DocumentRefDto;
}

export class AccreditDto {
  @Nested(() => DocumentRefDto, { optional: true, description: 'The accreditation notice (认定文件)' })
  document?: DocumentRefDto;
}

export class CourseUpdateDto {
  @Count(2024, { min: 2000, max: 2100, description: 'The academic year by the year it starts in: 2024 = 2024–2025' })
  academicYear!: number;

  @Text('更新教学视频12个，新增案例库及在线测试题200道')
  summary!: string;

  @Documents({ min: 1 })
  documents!: DocumentRefDto[];
}

// ---------------------------------------------------------------------------------------------
// Revocation and funds

export class RevokeProjectDto {
  @OneOf(REVOCATION_REASONS, 'fraud')
  reason!: RevocationReason;

  @Text('经查实，申报材料中的专利成果系伪造')
  explanation!: string;

  @Documents({ min: 1 })
  evidence!: DocumentRefDto[];

  @DateOnly('2029-05-31', { optional: true, description: 'Last banned day; today plus the rules’ revocation years when left out' })
  banUntil?: string;
}

export class FundRecoveryDto {
  @Decimal(1500000, { min: 0.01, max: 100_000_000_000, decimals: 2, description: 'Yuan (CNY), more than 0 and at most what the project’s grants disbursed' })
  amount!: number;

  @DateOnly('2025-12-31', { description: 'Last day for the repayment, after today' })
  deadline!: string;

  @Text('项目撤销，追回已拨付的省级专项资金')
  reason!: string;
}

export class FundsRecoveredDto {
  @Decimal(700000, { min: 0.01, max: 100_000_000_000, decimals: 2, description: 'Yuan returned; the returns add up to at most the amount ordered' })
  amount!: number;

  @DateOnly('2026-09-01', { description: 'The day it was returned (Beijing date), not after today' })
  recoveredOn!: string;

  @Text('非税收入缴款书 14000026000123', { optional: true, max: 200, description: 'The payment’s voucher number' })
  reference?: string;
}

// ---------------------------------------------------------------------------------------------
// The public pages

export class PublicObjectionDto {
  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100, description: 'A project of an open public notice (GET /notices)' })
  projectId!: string;

  @Nested(() => ObjectorDto, { description: 'Real name, organisation if any, and contact, seen by the office alone' })
  objector!: ObjectorDto;

  @Text('申报材料中的“双师型”教师比例与实际不符', { max: 5000 })
  statement!: string;

  @Documents({ description: 'Evidence uploaded through POST /notices/evidence; an objection without evidence is recorded as inadmissible' })
  evidence!: DocumentRefDto[];
}
