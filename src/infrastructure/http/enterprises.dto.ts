import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, Matches } from 'class-validator';
import { DISQUALIFICATION_GROUNDS, DisqualificationGround, MaterialChangeKind, Outcome } from '../../domain/enterprise/enterprise.commands';
import { Count, DateOnly, DocumentRefDto, Documents, Nested, Omissible, OneOf, Text, Texts } from './dto-support';

const OUTCOMES: readonly Outcome[] = ['passed', 'failed'];
const MATERIAL_CHANGE_KINDS: readonly MaterialChangeKind[] = ['rename', 'relocation', 'merger', 'business-change'];

/** An eligibility gate the enterprise declares it meets (true) or not (false: recorded, not admitted). */
const Declared = (description: string) => applyDecorators(ApiProperty({ example: true, description }), IsBoolean());

export class EligibilityDeclarationsDto {
  @Declared('Registered and paying taxes in the province')
  registeredAndTaxedInProvince!: boolean;

  @Declared('Its main business is not education')
  mainBusinessNotEducation!: boolean;

  @Declared('No major environmental, safety or quality accident')
  noMajorAccident!: boolean;

  @Declared('Good credit standing')
  goodCredit!: boolean;

  @Declared('No tax violation')
  noTaxViolation!: boolean;
}

export class ApplyForIncubationDto {
  @ApiProperty({ example: '91140100MA0GRXXX15', description: '统一社会信用代码: the enterprise id, under which every application and any ban are kept' })
  @Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { message: 'creditCode must be an 18-character unified social credit code' })
  creditCode!: string;

  @Text('太原重工股份有限公司', { max: 200 })
  name!: string;

  @Text('太原市', { max: 100, description: 'The city whose bureau recommends the application' })
  region!: string;

  @Nested(() => EligibilityDeclarationsDto)
  declarations!: EligibilityDeclarationsDto;

  @Documents({ min: 1, description: 'The application form and its annexes' })
  documents!: DocumentRefDto[];
}

export class RecommendDto {
  @Text('该企业校企合作基础扎实，同意推荐')
  opinion!: string;

  @Omissible(Documents())
  documents?: DocumentRefDto[];
}

export class NotRecommendDto {
  @Text('近三年无实质性校企合作项目')
  reason!: string;
}

export class ExpertAssessmentDto {
  @Text('专家组一致同意通过')
  opinion!: string;

  @Documents({ min: 1 })
  documents!: DocumentRefDto[];
}

export class JointReviewDto {
  @OneOf(OUTCOMES, 'passed')
  outcome!: Outcome;

  @Texts(['省发展改革委', '省教育厅', '省财政厅'], { min: 1, description: 'Departments that took part in the joint review (部门联审)' })
  departments!: string[];

  @Nested(() => ExpertAssessmentDto)
  expertAssessment!: ExpertAssessmentDto;

  @Texts(['校企合作协议未实际履行'], { optional: true, description: 'Required (at least one) when failed' })
  reasons: string[] = [];
}

/** Opens a public notice (公示); it lasts as the enterprise rules prescribe, in working days of the calendar. */
export class EnterpriseNoticeDto {
  @DateOnly('2025-03-03', { description: 'First day of the notice (Beijing date), today or later' })
  startsOn!: string;

  @Nested(() => DocumentRefDto, { optional: true, description: 'The published notice' })
  notice?: DocumentRefDto;
}

export class ObjectorDto {
  @Text('张三', { max: 100 })
  name!: string;

  @Text('13800000000', { max: 200 })
  contact!: string;

  @Text('太原市某某职业技术学校', { optional: true, max: 200, description: 'The objector’s organisation, when they object for one' })
  organisation?: string;
}

export class EnterpriseObjectionDto {
  @Nested(() => ObjectorDto, { optional: true, description: 'Real name and contact, seen by the office alone; an anonymous objection is recorded as inadmissible' })
  objector?: ObjectorDto;

  @Text('申报材料中的合作院校数量不实')
  grounds!: string;

  @Documents({ optional: true, description: 'An objection without evidence is recorded as inadmissible' })
  evidence: DocumentRefDto[] = [];
}

export class ResolveEnterpriseObjectionDto {
  @OneOf(['dismissed', 'upheld'] as const, 'dismissed')
  outcome!: 'dismissed' | 'upheld';

  @Text('经核查，合作院校数量属实')
  reason!: string;

  @Omissible(Documents())
  evidence?: DocumentRefDto[];
}

export class ThreeYearPlanDto {
  @Nested(() => DocumentRefDto, { description: 'The published three-year plan' })
  plan!: DocumentRefDto;
}

export class AnnualReportDto {
  @Count(2025, { min: 2000, max: 2100, description: 'The finished year reported on' })
  year!: number;

  @Nested(() => DocumentRefDto)
  report!: DocumentRefDto;
}

export class AnnualReportOverdueDto {
  @Count(2025, { min: 2000, max: 2100, description: 'The year whose report is overdue' })
  year!: number;
}

export class MaterialChangeDto {
  @OneOf(MATERIAL_CHANGE_KINDS, 'rename')
  kind!: MaterialChangeKind;

  @Text('经市场监管部门核准更名')
  details!: string;

  @Text('太原重工集团股份有限公司', { optional: true, max: 200, description: 'Required for a rename' })
  newName?: string;

  @Text('大同市', { optional: true, max: 100, description: 'Required for a relocation: the city now responsible' })
  newRegion?: string;

  @Omissible(Documents())
  documents?: DocumentRefDto[];
}

export class CertificationRequestDto {
  @Documents({ min: 1, description: 'The certification application and the incubation results' })
  documents!: DocumentRefDto[];
}

export class CertificationEvaluationDto {
  @OneOf(OUTCOMES, 'passed')
  outcome!: Outcome;

  @Nested(() => ExpertAssessmentDto)
  assessment!: ExpertAssessmentDto;

  @Texts(['培育期内未开展实质性合作'], { optional: true, description: 'Required (at least one) when failed' })
  reasons: string[] = [];
}

export class DisqualifyEnterpriseDto {
  @OneOf(DISQUALIFICATION_GROUNDS, 'fraud')
  ground!: DisqualificationGround;

  @Text('年度报告数据造假')
  reason!: string;

  @Documents({ min: 1 })
  evidence!: DocumentRefDto[];
}

/** A command that carries nothing but its context (who, when); any field is refused. */
export class EmptyBodyDto {}
