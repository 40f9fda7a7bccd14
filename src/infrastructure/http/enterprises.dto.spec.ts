import 'reflect-metadata';
import * as dto from './enterprises.dto';
import { DtoCase, DtoClass, dtoCaseTests } from '../../../test/support/dto-cases';

const doc = { sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', name: '申报书.pdf', size: 48213, mediaType: 'application/pdf' };
const report = { sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', name: '年度报告.pdf', size: 1048576 };
const declarations = { registeredAndTaxedInProvince: true, mainBusinessNotEducation: true, noMajorAccident: true, goodCredit: true, noTaxViolation: true };
const application = { creditCode: '91350100M000100Y43', name: '太原重工股份有限公司', region: '太原市', declarations, documents: [doc] };
const assessment = { opinion: '专家组一致同意通过', documents: [report] };
const jointReview = { outcome: 'failed', departments: ['省发展改革委', '省教育厅'], expertAssessment: assessment, reasons: ['校企合作协议未实际履行'] };

/**
 * Every enterprise DTO: a body it accepts (the command's data as the domain defines it) and one it
 * refuses, for one field. The shape is checked here, at the edge: the enterprise decider relies on it.
 */
const CASES: DtoCase[] = [
  [dto.ApplyForIncubationDto, application, { ...application, declarations: { ...declarations, goodCredit: undefined } }, 'declarations.goodCredit'],
  [dto.RecommendDto, { opinion: '同意推荐', documents: [doc] }, { opinion: '同意推荐', documents: null }, 'documents'],
  [dto.NotRecommendDto, { reason: '近三年无实质性校企合作项目' }, {}, 'reason'],
  [dto.JointReviewDto, jointReview, { ...jointReview, outcome: 'maybe' }, 'outcome'],
  [dto.EnterpriseNoticeDto, { startsOn: '2025-03-03', notice: doc }, { startsOn: '12 April' }, 'startsOn'],
  [dto.EnterpriseObjectionDto, { objector: { name: '张三', contact: '13800000000' }, grounds: '合作院校数量不实', evidence: [doc] }, { objector: { name: '张三' }, grounds: '不实' }, 'objector.contact'],
  [dto.ResolveEnterpriseObjectionDto, { outcome: 'upheld', reason: '经核查异议属实', evidence: [doc] }, { outcome: 'accepted', reason: '属实' }, 'outcome'],
  [dto.ThreeYearPlanDto, { plan: doc }, { plan: { ...doc, size: 1.5 } }, 'plan.size'],
  [dto.AnnualReportDto, { year: 2025, report }, { year: 2024.5, report }, 'year'],
  [dto.AnnualReportOverdueDto, { year: 2025 }, { year: '2025' }, 'year'],
  [dto.MaterialChangeDto, { kind: 'rename', details: '经市场监管部门核准更名', newName: '太原重工集团股份有限公司', documents: [doc] }, { kind: 'split', details: '分立' }, 'kind'],
  [dto.CertificationRequestDto, { documents: [doc, report] }, { documents: [] }, 'documents'],
  [dto.CertificationEvaluationDto, { outcome: 'passed', assessment, reasons: [] }, { outcome: 'maybe', assessment, reasons: [] }, 'outcome'],
  [dto.DisqualifyEnterpriseDto, { ground: 'fraud', reason: '年度报告数据造假', evidence: [doc] }, { ground: 'late', reason: '逾期', evidence: [doc] }, 'ground'],
  [dto.EmptyBodyDto, {}, { reason: '同意' }, 'reason'],
];

/** Bodies with fields left out, which the DTO accepts as absent. */
const MORE_VALID: [DtoClass, object][] = [
  [dto.ApplyForIncubationDto, { ...application, declarations: { ...declarations, goodCredit: false } }],
  [dto.RecommendDto, { opinion: '同意推荐' }],
  [dto.EnterpriseNoticeDto, { startsOn: '2025-03-03' }],
  [dto.EnterpriseObjectionDto, { grounds: '匿名反映材料不实' }],
  [dto.ResolveEnterpriseObjectionDto, { outcome: 'dismissed', reason: '合作院校数量属实' }],
  [dto.MaterialChangeDto, { kind: 'merger', details: '吸收合并' }],
];

/** Malformed bodies the domain used to judge: the DTO refuses them with a 400 naming the field. */
const MORE_INVALID: [DtoClass, object, string][] = [
  [dto.ApplyForIncubationDto, { ...application, documents: [{ sha256: 'x', name: 'a', size: 1 }] }, 'documents.0.sha256'],
  [dto.ApplyForIncubationDto, { ...application, documents: 'not a list' }, 'documents'],
  [dto.ApplyForIncubationDto, { ...application, declarations: { ...declarations, noTaxViolation: 'yes' } }, 'declarations.noTaxViolation'],
  [dto.ApplyForIncubationDto, { ...application, declarations: undefined }, 'declarations'],
  [dto.JointReviewDto, { ...jointReview, expertAssessment: undefined }, 'expertAssessment'],
  [dto.JointReviewDto, { ...jointReview, departments: '省教育厅' }, 'departments'],
  [dto.ResolveEnterpriseObjectionDto, { outcome: 'dismissed', reason: '属实', evidence: null }, 'evidence'],
  [dto.AnnualReportDto, { year: 2025 }, 'report'],
  [dto.MaterialChangeDto, { kind: 'merger', details: '吸收合并', documents: null }, 'documents'],
  [dto.CertificationEvaluationDto, { outcome: 'passed', assessment: { opinion: '通过', documents: 'none' }, reasons: [] }, 'assessment.documents'],
  [dto.CertificationEvaluationDto, { outcome: 'passed', reasons: [] }, 'assessment'],
];

describe('enterprise DTOs', () => {
  dtoCaseTests({
    module: dto,
    cases: CASES,
    moreValid: MORE_VALID,
    moreInvalid: MORE_INVALID,
    nested: [dto.EligibilityDeclarationsDto, dto.ExpertAssessmentDto, dto.ObjectorDto],
    omissible: [
      [dto.RecommendDto, 'documents', { isArray: true }],
      [dto.ResolveEnterpriseObjectionDto, 'evidence', { isArray: true }],
      [dto.MaterialChangeDto, 'documents', { isArray: true }],
    ],
  });
});
