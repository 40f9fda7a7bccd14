import 'reflect-metadata';
import * as dto from './cycles.dto';
import { DtoCase, DtoClass, dtoCaseTests } from '../../../test/support/dto-cases';

const doc = { sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', name: '公示.pdf', size: 48213, mediaType: 'application/pdf' };
const cycle = { programType: 'brand-major', name: '品牌专业 2021 batch', label: '2021', opensAt: '2021-03-01T00:00:00+08:00', closesAt: '2021-04-01T00:00:00+08:00' };
/** Every rule a cycle may set. */
const rules = {
  quota: 200,
  tiers: [{ name: 'A', quota: 3 }],
  perApplicantLimit: 2,
  perRecommenderLimit: 20,
  formalCheckDays: 28,
  minReviewers: 3,
  publicNotice: { length: 5, unit: 'working-days' },
  constructionPlanDueDays: 30,
  constructionMonths: 36,
  annualReportDue: { month: 3, day: 31 },
  midtermAfterMonths: 18,
  maxRectificationMonths: 24,
  midtermMinTasksPercent: 30,
  gradeScale: { grades: ['优秀', '良好', '合格', '不合格'], passing: ['优秀', '良好', '合格'], deferring: [], barring: ['不合格'] },
  schoolKinds: ['中职', '高职'],
  bans: { suspensionYears: 100, revocationYears: 3 },
  specialtyGroup: { minMajors: 3, maxMajors: 5 },
  course: { minClassHours: 32, minSemestersTaught: 2, serviceYears: 5 },
  reapplication: { identity: 'major' },
  withoutConstruction: false,
  applicantKinds: ['school', 'enterprise'],
  partners: { min: 1, max: 5, kinds: ['enterprise'] },
  withoutRecommendation: true,
  rubric: { dimensions: [{ name: '建设基础', indicators: [{ id: 'basis', name: '办学基础', max: 40 }, { id: 'goals', name: '目标任务', max: 60 }] }] },
  aggregate: 'trimmed-mean',
  cutOff: 60,
  performance: { poorGrades: ['不合格'], consequences: [{ poorYears: 1, actions: ['warning', 'reduced-grant'] }, { poorYears: 3, actions: ['removal'] }], grantReductionPercent: 20 },
};
const shortlist = { shortlisted: [{ projectId: 'p1', tier: 'A' }], notSelected: [{ projectId: 'p2', reason: '评审得分未达入围线' }], reason: '评审会议纪要' };

/**
 * Every cycle DTO: a body it accepts (the command's data as the domain defines it) and one it
 * refuses, for one field. The shape is checked here, at the edge: the cycle decider relies on it.
 */
const CASES: DtoCase[] = [
  [dto.OpenCycleDto, { id: 'brand-major-2021', ...cycle, rules, rulesVersion: 'brand-major/2021.1' }, { ...cycle, opensAt: 'next Monday' }, 'opensAt'],
  [dto.CloseWindowDto, { reason: '所有申报材料已收齐' }, { reason: '' }, 'reason'],
  [dto.ShortlistDto, shortlist, { ...shortlist, shortlisted: 'p1' }, 'shortlisted'],
  [dto.OpenNoticeDto, { startsOn: '2021-06-01', document: doc }, { startsOn: '2021-06-01', document: { ...doc, sha256: 'nope' } }, 'document.sha256'],
  [dto.EndNoticeDto, { noticeId: 'brand-major-2021/notice-1' }, {}, 'noticeId'],
  [dto.ApproveListDto, { projectIds: ['p1'], reason: '公示无异议，予以立项', document: doc }, { projectIds: 'p1', reason: '立项' }, 'projectIds'],
  [dto.CloseCycleDto, { reason: '2021 batch complete' }, {}, 'reason'],
  [dto.FormPanelDto, { panelId: 'manufacturing', field: '装备制造', experts: ['expert-0427'] }, { field: '装备制造', experts: [] }, 'experts'],
  [dto.AssignPanelDto, { projectIds: ['p1', 'p2'], perProject: 5 }, { projectIds: ['p1'], perProject: 0 }, 'perProject'],
  [dto.RaiseTargetDto, { target: 80, reason: '省政府同意扩大建设规模' }, { target: 80.5, reason: '扩大' }, 'target'],
  [dto.RemoveFromListDto, { projectId: 'p1', reason: '异议成立', objectionId: 'objection-1' }, { projectId: 'p1', reason: '异议成立', objectionId: '' }, 'objectionId'],
];

/** Bodies with fields left out, which the DTO accepts as absent. */
const MORE_VALID: [DtoClass, object][] = [
  [dto.OpenCycleDto, cycle],
  [dto.FormPanelDto, { field: '装备制造', experts: ['expert-0427', 'expert-0512'] }],
  [dto.OpenCycleDto, { ...cycle, rules: { reapplication: null } }],
  [dto.OpenCycleDto, { ...cycle, rules: { partners: null } }],
  [dto.OpenCycleDto, { ...cycle, rules: { rubric: null, cutOff: null, performance: null } }],
  [dto.OpenCycleDto, { ...cycle, rules: { rubric: { dimensions: [{ name: '综合', indicators: [{ id: 'quality', name: '质量', weight: 100 }] }] } } }],
  [dto.CloseWindowDto, {}],
  [dto.OpenNoticeDto, { startsOn: '2021-06-01' }],
  [dto.ApproveListDto, { projectIds: ['p1', 'p2'], reason: '立项' }],
];

/** Malformed bodies the domain used to judge: the DTO refuses them with a 400 naming the field. */
const MORE_INVALID: [DtoClass, object, string][] = [
  [dto.OpenCycleDto, { ...cycle, rules: { quota: 0 } }, 'rules.quota'],
  [dto.OpenCycleDto, { ...cycle, rules: { tiers: [{ name: 'A', quota: 1.5 }] } }, 'rules.tiers.0.quota'],
  [dto.OpenCycleDto, { ...cycle, rules: { publicNotice: { length: 5, unit: 'weeks' } } }, 'rules.publicNotice.unit'],
  [dto.OpenCycleDto, { ...cycle, rules: { annualReportDue: { month: 13, day: 1 } } }, 'rules.annualReportDue.month'],
  [dto.OpenCycleDto, { ...cycle, rules: { gradeScale: { ...rules.gradeScale, barring: '不合格' } } }, 'rules.gradeScale.barring'],
  [dto.OpenCycleDto, { ...cycle, rules: { gradeScale: { ...rules.gradeScale, grades: [] } } }, 'rules.gradeScale.grades'],
  [dto.OpenCycleDto, { ...cycle, rules: { bans: { suspensionYears: 100 } } }, 'rules.bans.revocationYears'],
  [dto.OpenCycleDto, { ...cycle, rules: { course: { minClassHours: 32, minSemestersTaught: -1, serviceYears: 5 } } }, 'rules.course.minSemestersTaught'],
  [dto.OpenCycleDto, { ...cycle, rules: { midtermMinTasksPercent: 101 } }, 'rules.midtermMinTasksPercent'],
  [dto.OpenCycleDto, { ...cycle, rules: { formalCheckDays: 1.5 } }, 'rules.formalCheckDays'],
  [dto.OpenCycleDto, { ...cycle, rules: { reapplication: { identity: 'school' } } }, 'rules.reapplication.identity'],
  [dto.OpenCycleDto, { ...cycle, rules: { applicantKinds: ['bureau'] } }, 'rules.applicantKinds'],
  [dto.OpenCycleDto, { ...cycle, rules: { partners: { min: 1, max: 5, kinds: ['government'] } } }, 'rules.partners.kinds'],
  [dto.OpenCycleDto, { ...cycle, rules: { partners: { min: 1, kinds: ['enterprise'] } } }, 'rules.partners.max'],
  [dto.OpenCycleDto, { ...cycle, rules: { withoutRecommendation: 'yes' } }, 'rules.withoutRecommendation'],
  [dto.OpenCycleDto, { ...cycle, rules: { rubric: { dimensions: [] } } }, 'rules.rubric.dimensions'],
  [dto.OpenCycleDto, { ...cycle, rules: { rubric: { dimensions: [{ name: '甲', indicators: [{ id: 'Goals!', name: 'A', max: 100 }] }] } } }, 'rules.rubric.dimensions.0.indicators.0.id'],
  [dto.OpenCycleDto, { ...cycle, rules: { rubric: { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 101 }] }] } } }, 'rules.rubric.dimensions.0.indicators.0.max'],
  [dto.OpenCycleDto, { ...cycle, rules: { aggregate: 'median' } }, 'rules.aggregate'],
  [dto.OpenCycleDto, { ...cycle, rules: { cutOff: 100.5 } }, 'rules.cutOff'],
  [dto.OpenCycleDto, { ...cycle, rules: { performance: { consequences: [{ poorYears: 1, actions: ['fine'] }], grantReductionPercent: 20 } } }, 'rules.performance.consequences.0.actions'],
  [dto.OpenCycleDto, { ...cycle, rules: { performance: { consequences: [], grantReductionPercent: 120 } } }, 'rules.performance.grantReductionPercent'],
  [dto.ShortlistDto, { ...shortlist, notSelected: [{ projectId: 'p2' }] }, 'notSelected.0.reason'],
  [dto.FormPanelDto, { panelId: 'Panel 1', field: '装备制造', experts: ['e1'] }, 'panelId'],
  [dto.AssignPanelDto, { projectIds: [], perProject: 1 }, 'projectIds'],
  [dto.OpenNoticeDto, { startsOn: '2021-06-01', document: null }, 'document'],
  [dto.OpenNoticeDto, { startsOn: '2021-06-01', document: { ...doc, size: -1 } }, 'document.size'],
  [dto.OpenNoticeDto, { startsOn: '2025-9-30' }, 'startsOn'],
  [dto.ApproveListDto, { projectIds: ['p1'], reason: '立项', document: null }, 'document'],
  [dto.ApproveListDto, { projectIds: ['p1'], reason: '立项', document: { sha256: doc.sha256, name: '立项.pdf' } }, 'document.size'],
];

describe('cycle DTOs', () => {
  dtoCaseTests({
    module: dto,
    cases: CASES,
    moreValid: MORE_VALID,
    moreInvalid: MORE_INVALID,
    nested: [dto.TierDto, dto.NoticeRuleDto, dto.MonthDayDto, dto.GradeScaleDto, dto.BanRulesDto, dto.SpecialtyGroupRulesDto, dto.CourseRulesDto, dto.ReapplicationRuleDto, dto.PartnerRulesDto, dto.RubricDto, dto.RubricDimensionDto, dto.RubricIndicatorDto, dto.PerformanceConsequenceDto, dto.PerformanceRulesDto, dto.CycleRulesOverrideDto, dto.ShortlistEntryDto, dto.NotSelectedEntryDto],
    omissible: [
      [dto.OpenNoticeDto, 'document'],
      [dto.ApproveListDto, 'document'],
    ],
  });
});
