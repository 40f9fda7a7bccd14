import type { PeopleQueries } from '../read-models/people/people.query';
import type { ProjectQueries } from '../read-models/projects/projects.query';
import type { ReadModels } from '../read-models/read-models';
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EventStore, ReadStreamOptions, RecordedEvent } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandRequest } from '../../application/handle-command';
import { nameBasedUuid } from '../../application/ids';
import { DecideProject } from '../../application/project.commands';
import { DomainError } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { PROJECT_COMMAND_TYPES, ProjectCommandType } from '../../domain/project/project.commands';
import { EmptyBodyDto } from './enterprises.dto';
import { ProblemError } from './problem.filter';
import { ProjectsController } from './projects.controller';
import * as dto from './projects.dto';
import { DtoCase, DtoClass, dtoCaseTests, plain, validated } from '../../../test/support/dto-cases';
import { defaultCatalog } from '../../domain/catalog/program-catalog';

const doc = { sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', name: '申报书.pdf', size: 48213, mediaType: 'application/pdf' };
const report = { sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', name: '年度建设报告.pdf', size: 1048576 };

const SUBJECTS = {
  school: { kind: 'school' },
  specialtyGroup: {
    kind: 'specialty-group',
    parentProjectId: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11',
    groupName: '智能制造专业群',
    majors: [
      { code: '460301', name: '机电一体化技术' },
      { code: '460305', name: '工业机器人技术' },
      { code: '460103', name: '数控技术' },
    ],
    tier: 'A',
  },
  major: { kind: 'major', majorCode: '460301', majorName: '机电一体化技术' },
  course: { kind: 'course', courseName: 'PLC控制技术', classHours: 64, semestersTaught: 4 },
};

const draft = (subject: unknown, programType = 'brand-major') => ({ cycleId: 'brand-major-2021', programType, title: '机电一体化技术品牌专业建设项目', subject });

/** Every project DTO: a body it accepts (the command's data as the domain defines it) and one it refuses, for one field. */
const CASES: DtoCase[] = [
  [dto.DraftApplicationDto, draft(SUBJECTS.major), draft({ kind: 'major', majorCode: '460301' }), 'subject.majorName'],
  [dto.EditApplicationDto, { title: '机电一体化技术品牌专业建设项目（修订）' }, { title: '' }, 'title'],
  [dto.SubmitApplicationDto, { applicationForm: doc, declarations: { authenticity: doc, commitment: doc }, attachments: [report] }, { applicationForm: doc, declarations: { authenticity: doc } }, 'declarations.commitment'],
  [dto.AttachApplicationDocumentsDto, { applicationForm: doc, attachments: [report] }, { applicationForm: { ...doc, size: 0 }, attachments: [] }, 'applicationForm.size'],
  [dto.WithdrawApplicationDto, { reason: '学校决定调整申报方向' }, { reason: 5 }, 'reason'],
  [dto.ReturnForRevisionDto, { reason: '申报书缺少学校党委会议审议意见' }, {}, 'reason'],
  [dto.FormalCheckDto, { result: 'failed', reasons: ['申报书未加盖学校公章'] }, { result: 'ok' }, 'result'],
  [dto.ProjectRecommendDto, { rank: 1, opinion: '同意推荐' }, { rank: 0 }, 'rank'],
  [dto.ProjectNotRecommendDto, { reason: '招生规模未达到申报条件' }, { reason: '招生规模不足', rank: 2 }, 'rank'],
  [dto.AssignReviewerDto, { reviewerId: 'expert-0427', reviewerOrg: '太原理工大学', declaredRelations: [] }, { reviewerId: 'expert-0427', reviewerOrg: '太原理工大学' }, 'declaredRelations'],
  [dto.DeclareConflictDto, { reason: '曾担任申报学校兼职教师' }, { reason: '' }, 'reason'],
  [dto.ScoreReviewDto, { score: 86.5, comments: '建设目标明确' }, { score: 101, comments: '优秀' }, 'score'],
  [dto.CorrectScoreDto, { reviewerId: 'expert-0427', score: 88, reason: '分项合计有误' }, { reviewerId: 'expert-0427', score: '88', reason: '分项合计有误' }, 'score'],
  [dto.ProjectObjectionDto, { objector: { name: '李四', contact: '13900000000' }, grounds: '“双师型”教师比例不实', evidence: [doc] }, { objector: { name: '李四' }, grounds: '比例不实' }, 'objector.contact'],
  [dto.ResolveProjectObjectionDto, { outcome: 'upheld', reason: '异议成立', evidence: [doc] }, { outcome: 'accepted', reason: '异议成立' }, 'outcome'],
  [
    dto.PublicObjectionDto,
    { projectId: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', objector: { name: '李四', organisation: '太原市某企业', contact: '13900000000' }, statement: '招生人数不实', evidence: [doc] },
    { projectId: 'p-1', objector: { name: '李四', contact: '13900000000' }, statement: '招生人数不实' },
    'evidence',
  ],
  [dto.ConstructionPlanDto, { plan: doc, taskBook: report }, { plan: doc, taskBook: { ...report, sha256: report.sha256.toUpperCase() } }, 'taskBook.sha256'],
  [EmptyBodyDto, {}, { reason: '同意' }, 'reason'],
  [dto.RejectConstructionPlanDto, { reasons: ['建设任务未量化'] }, { reasons: [] }, 'reasons'],
  [dto.ProjectAnnualReportDto, { year: 2022, report }, { year: 2022 }, 'report'],
  [dto.ChangeRequestDto, { description: '调整实训基地建设内容', documents: [doc] }, { description: '调整实训基地建设内容', documents: [] }, 'documents'],
  [dto.DecideChangeDto, { decision: 'approved', reason: '同意变更', expertReview: report }, { decision: 'approve', reason: '同意变更', expertReview: report }, 'decision'],
  [
    dto.MidtermEvaluationDto,
    { findings: { targetsAndTasks: '基本达成', useOfFunds: '使用规范', results: '新建实训室3个', impact: '服务能力提升' }, grade: '良', tasksCompletedPercent: 65, report },
    { findings: { targetsAndTasks: '基本达成', useOfFunds: '使用规范', results: '新建实训室3个' }, grade: '良', tasksCompletedPercent: 65, report },
    'findings.impact',
  ],
  [dto.OrderRectificationDto, { findings: ['实训基地建设进度滞后'], deadline: '2024-06-30' }, { findings: ['进度滞后'], deadline: '2024-06-30T00:00:00+08:00' }, 'deadline'],
  [dto.RectificationReportDto, { report }, { report: { ...report, size: -1 } }, 'report.size'],
  [dto.AcceptRectificationDto, { reason: '整改任务全部完成' }, { reason: '' }, 'reason'],
  [dto.FailRectificationDto, { reason: '整改期满仍未完成' }, {}, 'reason'],
  [dto.SuspendProjectDto, { reason: '建设任务完成率低于30%' }, { reason: ['低于30%'] }, 'reason'],
  [dto.FinalSelfAssessmentDto, { report }, { report, year: 2024 }, 'year'],
  [dto.GrantExtensionDto, { newEndsOn: '2025-06-30', reason: '合作企业搬迁', request: doc }, { newEndsOn: '2025-06-30', reason: '合作企业搬迁' }, 'request'],
  [dto.FinalEvaluationDto, { grade: '优', findings: '建设任务全面完成', report }, { grade: '', findings: '建设任务全面完成', report }, 'grade'],
  [dto.AccreditDto, { document: doc }, { document: 'abc' }, 'document'],
  [dto.CourseUpdateDto, { academicYear: 2024, summary: '更新教学视频12个', documents: [doc] }, { academicYear: 2024.5, summary: '更新教学视频', documents: [doc] }, 'academicYear'],
  [dto.RevokeProjectDto, { reason: 'fraud', explanation: '专利成果系伪造', evidence: [doc], banUntil: '2029-05-31' }, { reason: 'cheating', explanation: '专利成果系伪造', evidence: [doc] }, 'reason'],
  [dto.FundRecoveryDto, { amount: 1500000, deadline: '2025-12-31', reason: '追回已拨付的专项资金' }, { amount: 0, deadline: '2025-12-31', reason: '追回资金' }, 'amount'],
  [dto.FundsRecoveredDto, { amount: 700000, recoveredOn: '2026-09-01', reference: '缴款书 0001' }, { amount: 700000, recoveredOn: '2026-9-1' }, 'recoveredOn'],
  [dto.GradeAnnualReportDto, { year: 2026, grade: '良', reason: '专家组意见', report }, { year: 2026, grade: '良', reason: '专家组意见' }, 'report'],
  [dto.SaveScoreDraftDto, { indicators: [{ id: 'goals', score: 18 }], comments: '待补充' }, { score: 100.5 }, 'score'],
];

/** More bodies, for the subject union and the fields left optional. */
const MORE_VALID: [DtoClass, object][] = [
  [dto.DraftApplicationDto, draft(SUBJECTS.school, 'secondary-school')],
  [dto.DraftApplicationDto, draft(SUBJECTS.specialtyGroup, 'specialty-group')],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, tier: null }, 'specialty-group')],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, tier: undefined }, 'specialty-group')],
  [dto.DraftApplicationDto, draft(SUBJECTS.course, 'quality-course')],
  [dto.EditApplicationDto, { subject: SUBJECTS.course }],
  [dto.DraftApplicationDto, { ...draft(SUBJECTS.school, 'innovation-centre'), partners: ['91140100MA0K000001', '91140100MA0K000002'] }],
  [dto.EditApplicationDto, { partners: [] }],
  [dto.SaveScoreDraftDto, {}],
  [dto.ProjectAnnualReportDto, { year: 2026, report, fundsUsed: { provincial: 450_000, matching: 200_000.5 } }],
  [dto.ScoreReviewDto, { indicators: [{ id: 'goals', score: 18.5, comment: '目标明确' }, { id: 'funds', score: 20 }], comments: '总体良好' }],
  [dto.CorrectScoreDto, { reviewerId: 'expert-0427', indicators: [{ id: 'goals', score: 20 }], reason: '分项合计有误' }],
  [dto.SubmitApplicationDto, { applicationForm: doc, declarations: { authenticity: doc, commitment: report } }],
  [dto.WithdrawApplicationDto, {}],
  [dto.FormalCheckDto, { result: 'passed' }],
  [dto.ProjectRecommendDto, { rank: 3 }],
  [dto.AssignReviewerDto, { reviewerId: 'expert-0427', reviewerOrg: '太原理工大学', declaredRelations: ['山西机电职业技术学院'] }],
  [dto.ProjectObjectionDto, { grounds: '匿名反映材料不实' }],
  [dto.AttachApplicationDocumentsDto, { applicationForm: null, attachments: [] }],
  [dto.ResolveProjectObjectionDto, { outcome: 'dismissed', reason: '经核查属实' }],
  [dto.AccreditDto, {}],
  [dto.RevokeProjectDto, { reason: 'upheld-objection', explanation: '异议成立', evidence: [doc] }],
  [dto.FundRecoveryDto, { amount: 125000.5, deadline: '2025-12-31', reason: '追回资金' }],
];

const declarations = { authenticity: doc, commitment: report };

/** Includes the malformed bodies the project decider used to judge: its shape is checked here, at the edge, and the decider relies on it. */
const MORE_INVALID: [DtoClass, object, string | string[]][] = [
  [dto.DraftApplicationDto, { ...draft(SUBJECTS.major), projectId: 'chosen-by-client' }, 'projectId'],
  [dto.DraftApplicationDto, { ...draft(SUBJECTS.school, 'innovation-centre'), partners: '91140100MA0K000001' }, 'partners'],
  [dto.DraftApplicationDto, { ...draft(SUBJECTS.school, 'innovation-centre'), partners: null }, 'partners'],
  [dto.EditApplicationDto, { partners: [''] }, 'partners'],
  [dto.DraftApplicationDto, { cycleId: 'brand-major-2021', programType: 'brand-major', title: '品牌专业' }, 'subject'],
  [dto.DraftApplicationDto, draft({ kind: 'college' }), 'subject.kind'],
  [dto.DraftApplicationDto, draft({ majorCode: '460301', majorName: '机电一体化技术' }), 'subject.kind'],
  [dto.DraftApplicationDto, draft({ kind: 'school', majorCode: '460301' }), 'subject.majorCode'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.major, classHours: 64 }), 'subject.classHours'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, majors: [{ code: '460301' }] }), 'subject.majors.0.name'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, majors: '460301' }), 'subject.majors'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, tier: '' }), 'subject.tier'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.course, classHours: 1.5 }), 'subject.classHours'],
  [dto.DraftApplicationDto, draft('school'), 'subject'],
  [dto.DraftApplicationDto, draft(null), 'subject'],
  // An array is not a subject; class-validator also looks into its items.
  [dto.DraftApplicationDto, draft([null]), ['subject', 'subject.0']],
  [dto.DraftApplicationDto, draft([SUBJECTS.major]), ['subject', 'subject.0']],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.specialtyGroup, majors: [null] }), 'subject.majors.0'],
  [dto.DraftApplicationDto, draft({ ...SUBJECTS.course, semestersTaught: -1 }), 'subject.semestersTaught'],
  [dto.EditApplicationDto, { subject: { kind: 'course', courseName: 'PLC控制技术', semestersTaught: 4 } }, 'subject.classHours'],
  [dto.EditApplicationDto, { subject: null }, 'subject'],
  [dto.SubmitApplicationDto, { declarations }, 'applicationForm'],
  [dto.SubmitApplicationDto, { applicationForm: { ...doc, sha256: 'xyz' }, declarations }, 'applicationForm.sha256'],
  [dto.SubmitApplicationDto, { applicationForm: doc }, 'declarations'],
  [dto.SubmitApplicationDto, { applicationForm: doc, declarations, attachments: null }, 'attachments'],
  [dto.SubmitApplicationDto, { applicationForm: doc, declarations, attachments: [{ ...report, size: '1048576' }] }, 'attachments.0.size'],
  [dto.FormalCheckDto, { result: 'passed', reasons: null }, 'reasons'],
  [dto.FormalCheckDto, { result: 'failed', reasons: '未盖章' }, 'reasons'],
  [dto.ProjectRecommendDto, { rank: 1.5 }, 'rank'],
  [dto.AssignReviewerDto, { reviewerId: 'expert-0427', reviewerOrg: '太原理工大学', declaredRelations: 'none' }, 'declaredRelations'],
  [dto.ScoreReviewDto, { score: 'x', comments: '好' }, 'score'],
  [dto.ScoreReviewDto, { indicators: [{ id: 'goals', score: 101 }], comments: '好' }, 'indicators.0.score'],
  [dto.ScoreReviewDto, { indicators: [{ score: 18 }], comments: '好' }, 'indicators.0.id'],
  [dto.ScoreReviewDto, { indicators: { id: 'goals', score: 18 }, comments: '好' }, 'indicators'],
  [dto.CorrectScoreDto, { reviewerId: 'expert-0427', indicators: [{ id: 'goals', score: -1 }], reason: '更正' }, 'indicators.0.score'],
  [dto.ScoreReviewDto, { score: 86.555, comments: '好' }, 'score'],
  [dto.ResolveProjectObjectionDto, { outcome: 'dismissed', reason: '不成立', evidence: null }, 'evidence'],
  [dto.ConstructionPlanDto, { plan: doc }, 'taskBook'],
  [dto.ProjectAnnualReportDto, { year: 2022.5, report }, 'year'],
  [dto.DecideChangeDto, { decision: 'approved', reason: '同意' }, 'expertReview'],
  [dto.ResolveProjectObjectionDto, { objectionId: 'o-1', outcome: 'dismissed', reason: '不成立' }, 'objectionId'],
  [dto.DecideChangeDto, { changeId: 'change-1', decision: 'approved', reason: '同意', expertReview: report }, 'changeId'],
  [dto.MidtermEvaluationDto, { findings: { targetsAndTasks: '达成', useOfFunds: '规范', results: '良好', impact: '提升' }, grade: '良', tasksCompletedPercent: 100.5, report }, 'tasksCompletedPercent'],
  [dto.MidtermEvaluationDto, { grade: '良', tasksCompletedPercent: 65, report }, 'findings'],
  [dto.RevokeProjectDto, { reason: 'fraud', explanation: '专利成果系伪造', evidence: 'none' }, 'evidence'],
  [dto.FundRecoveryDto, { amount: '1500000', deadline: '2025-12-31', reason: '追回资金' }, 'amount'],
  [dto.FundRecoveryDto, { amount: 12.345, deadline: '2025-12-31', reason: '追回资金' }, 'amount'],
  [dto.FundRecoveryDto, { amount: 1000, deadline: '2025/12/31', reason: '追回资金' }, 'deadline'],
  [dto.FundsRecoveredDto, { amount: 0.001, recoveredOn: '2026-09-01' }, 'amount'],
  [dto.GradeAnnualReportDto, { year: 2026, grade: '差', reason: '意见', report, rectification: { findings: [], deadline: '2027-10-31' } }, 'rectification.findings'],
  [dto.ProjectAnnualReportDto, { year: 2026, report, fundsUsed: { provincial: -1 } }, 'fundsUsed.provincial'],
  [dto.ProjectAnnualReportDto, { year: 2026, report, fundsUsed: { lottery: 1 } }, 'fundsUsed.lottery'],
];

describe('project DTOs', () => {
  dtoCaseTests({
    module: dto,
    cases: CASES,
    moreValid: MORE_VALID,
    moreInvalid: MORE_INVALID,
    nested: [...Object.values(dto.SUBJECT_TYPES), dto.MajorDto, dto.SubmissionDeclarationsDto, dto.MidtermFindingsDto, dto.IndicatorScoreDto, dto.PerformanceRectificationDto, dto.FundsBySourceDto],
    omissible: [
      [dto.EditApplicationDto, 'subject'],
      [dto.SubmitApplicationDto, 'attachments'],
      [dto.FormalCheckDto, 'reasons'],
      [dto.ResolveProjectObjectionDto, 'evidence'],
    ],
  });

  it('gives the subject the class of its kind', async () => {
    for (const [kind, type] of Object.entries(dto.SUBJECT_TYPES)) {
      const subject = Object.values(SUBJECTS).find((s) => s.kind === kind);
      const result = (await validated(dto.DraftApplicationDto, draft(subject))) as dto.DraftApplicationDto;
      expect(result.subject).toBeInstanceOf(type);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The controller with a fake command bus and store: which command each route sends, and who reads what.

const SYSTEM_ISSUED: ProjectCommandType[] = [
  'RecordSelection',
  'RecordPublicNotice',
  'RecordRemovalFromList',
  'RecordApproval',
  'RecordConstructionPlanOverdue',
  'RecordAnnualReportOverdue',
  'RecordCourseUpdateOverdue',
  'RecordRectificationOverdue',
  'RecordConstructionPeriodEnded',
  'RecordFundRecoveryOverdue',
  'RemindDeadline',
];

const OUTCOME = { stream: 'project-p', revision: 4, position: 42n, events: ['Something'], written: [], repeated: false };

function fakeReply() {
  const headers: Record<string, string> = {};
  let status = 200;
  const reply = {
    header(name: string, value: string) {
      headers[name] = value;
      return reply;
    },
    status(code: number) {
      status = code;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers, status: () => status };
}

const office: Actor = { id: 'office-1', role: 'office', org: '山西省教育厅' };
const request = (actor: Actor = office, commandId = 'office-1:key-1'): CommandRequest => ({ actor, commandId, correlationId: 'req-1' });

function controllerWith(history: RecordedEvent[] = []) {
  const sent: DecideProject[] = [];
  const bus = { execute: async (command: DecideProject) => (sent.push(command), OUTCOME) } as unknown as CommandBus;
  const store = {
    readStream: async (stream: string, options?: ReadStreamOptions) => (stream === 'project-p1' ? history.slice(options?.fromRevision ?? 0) : []),
  } as unknown as EventStore;
  return { controller: new ProjectsController(bus, store, new FoldedStreams(store), {} as ReadModels, { cycleName: () => null } as unknown as ProjectQueries, { organisationNames: () => new Map() } as unknown as PeopleQueries, defaultCatalog, { now: () => new Date('2032-01-01T00:00:00Z') }), sent };
}

/** Each POST route: its path, handler name and body type, from Nest's own metadata. */
function postRoutes() {
  const prototype = ProjectsController.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor' && Reflect.getMetadata(METHOD_METADATA, prototype[name]) === RequestMethod.POST)
    .map((name) => {
      const path = Reflect.getMetadata(PATH_METADATA, prototype[name]) as string;
      const params = Reflect.getMetadata('design:paramtypes', prototype, name) as unknown[];
      const bodyType = params.find((p) => [...CASES.map(([type]) => type)].includes(p as DtoClass)) as DtoClass;
      return { name, path: path === '/' ? '/projects' : `/projects/${path.replace(/:(\w+)/g, '{$1}')}`, params: params.length, bodyType };
    });
}

describe('ProjectsController', () => {
  it('has a route for every command a person issues, and none for the system-issued ones', async () => {
    const table: string[] = [];
    for (const route of postRoutes()) {
      const { controller, sent } = controllerWith();
      const body = await validated(route.bodyType, CASES.find(([type]) => type === route.bodyType)![1]);
      const { reply } = fakeReply();
      const handler = (controller as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[route.name].bind(controller);
      if (route.params === 3) await handler(body, request(), reply);
      else if (route.params === 4) await handler('p1', body, request(), reply);
      else await handler('p1', 'sub-1', body, request(), reply);
      expect(sent).toHaveLength(1);
      table.push(`${route.path} → ${sent[0].command.type}`);
    }
    const commands = table.map((row) => row.split(' → ')[1]);
    expect(new Set(commands).size).toBe(commands.length);
    expect([...commands].sort()).toEqual(PROJECT_COMMAND_TYPES.filter((t) => !SYSTEM_ISSUED.includes(t)).sort());
    expect(table).toHaveLength(37);
  });

  it('drafts under an id named after the command id, answered with 201 and its Location', async () => {
    const { controller, sent } = controllerWith();
    const { reply, headers, status } = fakeReply();
    const body = (await validated(dto.DraftApplicationDto, draft(SUBJECTS.major))) as dto.DraftApplicationDto;
    await controller.draft(body, request({ id: 'u-1', role: 'applicant', org: 'sxjd', region: '太原市' }, 'u-1:draft-1'), reply);
    const projectId = nameBasedUuid('project:u-1:draft-1');
    expect(sent[0].projectId).toBe(projectId);
    expect(plain(sent[0].command)).toStrictEqual({ type: 'DraftApplication', data: { projectId, ...draft(SUBJECTS.major) } });
    expect([status(), headers.location, headers.etag]).toEqual([201, `/projects/${projectId}`, '"4"']);
  });

  it('names a new objection after the command id and takes path ids into the data', async () => {
    const { controller, sent } = controllerWith();
    const objection = (await validated(dto.ProjectObjectionDto, { grounds: '材料不实', evidence: [doc] })) as dto.ProjectObjectionDto;
    const answered = await controller.fileObjection('p1', objection, request(office, 'office-1:obj'), fakeReply().reply);
    const objectionId = nameBasedUuid('objection:office-1:obj');
    expect(answered).toMatchObject({ objectionId, revision: 4, position: '42' });
    expect(plain(sent[0].command.data)).toStrictEqual({ objectionId, grounds: '材料不实', evidence: [doc] });

    const resolve = (await validated(dto.ResolveProjectObjectionDto, { outcome: 'dismissed', reason: '不成立' })) as dto.ResolveProjectObjectionDto;
    await controller.resolveObjection('p1', 'o-7', resolve, request(), fakeReply().reply);
    expect(plain(sent[1].command.data)).toStrictEqual({ outcome: 'dismissed', reason: '不成立', objectionId: 'o-7' });

    const decide = (await validated(dto.DecideChangeDto, { decision: 'rejected', reason: '不同意', expertReview: report })) as dto.DecideChangeDto;
    await controller.decideChange('p1', 'change-2', decide, request(), fakeReply().reply);
    expect(plain(sent[2].command.data)).toStrictEqual({ decision: 'rejected', reason: '不同意', expertReview: report, changeId: 'change-2' });
  });

  describe('reading a project', () => {
    const event = (revision: number, type: string, data: object) => ({ type, data, metadata: {}, stream: 'project-p1', revision, position: BigInt(revision + 1) }) as unknown as RecordedEvent;
    const objector = { name: '李四', contact: '13900000000' };
    const history = [
      event(0, 'ApplicationDrafted', {
        projectId: 'p1',
        cycleId: 'brand-major-2021',
        programType: 'brand-major',
        applicantOrg: 'sxjd',
        region: '太原市',
        title: '机电一体化技术品牌专业建设项目',
        subject: SUBJECTS.major,
        rules: {},
        rulesVersion: 'brand-major/2020.1',
        draftedAt: '2021-03-02T09:00:00+08:00',
      }),
      event(1, 'ReviewerAssigned', { reviewerId: 'rev-1', reviewerOrg: '太原理工大学', declaredRelations: [], assignedAt: '2021-05-01T09:00:00+08:00' }),
      event(2, 'ReviewerAssigned', { reviewerId: 'rev-2', reviewerOrg: '中北大学', declaredRelations: [], assignedAt: '2021-05-01T09:00:00+08:00' }),
      event(3, 'ReviewerRecused', { reviewerId: 'rev-2', reason: '曾任兼职教师', recusedAt: '2021-05-02T09:00:00+08:00' }),
      event(4, 'ObjectionFiled', { objectionId: 'o-1', noticeId: 'n-1', objector, grounds: '材料不实', evidence: [doc], filedAt: '2021-06-02T09:00:00+08:00' }),
      event(5, 'ObjectionRejected', { objectionId: 'o-2', noticeId: 'n-1', reasons: ['anonymous'], objector: null, grounds: '匿名', evidence: [], filedAt: '2021-06-02T10:00:00+08:00' }),
    ];

    async function read(actor: Actor, id = 'p1') {
      const { controller } = controllerWith(history);
      const { reply, headers } = fakeReply();
      try {
        const body = (await controller.get(id, actor, reply)) as { objections: { objectionId: string; objector: unknown }[] };
        return { ok: true as const, body, etag: headers.etag };
      } catch (error) {
        if (error instanceof DomainError) return { ok: false as const, code: error.code };
        if (error instanceof ProblemError) return { ok: false as const, code: error.problem.code, status: error.problem.status };
        throw error;
      }
    }

    it('answers the folded state with its ETag, objectors named to the office alone', async () => {
      const asOffice = await read(office);
      expect(asOffice).toMatchObject({ ok: true, etag: '"5"', body: { id: 'p1', revision: 5, status: 'Draft', applicantOrg: 'sxjd' } });
      expect(asOffice.ok && asOffice.body.objections).toEqual([
        { objectionId: 'o-1', noticeId: 'n-1', status: 'open', objector },
        { objectionId: 'o-2', noticeId: 'n-1', status: 'rejected', objector: null },
      ]);
      for (const actor of [
        { id: 'aud-1', role: 'auditor', org: '省审计厅' },
        { id: 'u-1', role: 'applicant', org: 'sxjd', region: '太原市' },
        { id: 'rec-ty', role: 'recommender', org: '太原市教育局', region: '太原市' },
        { id: 'rev-1', role: 'reviewer', org: '太原理工大学' },
      ] as Actor[]) {
        const seen = await read(actor);
        expect(seen.ok && seen.body.objections.map((o) => o.objector)).toEqual([{ redacted: true }, { redacted: true }]);
      }
    });

    it('refuses other organisations, other regions and reviewers not (or no longer) assigned', async () => {
      expect(await read({ id: 'u-2', role: 'applicant', org: 'other-school', region: '太原市' })).toEqual({ ok: false, code: 'not-own-organisation' });
      expect(await read({ id: 'rec-dt', role: 'recommender', org: '大同市教育局', region: '大同市' })).toEqual({ ok: false, code: 'not-own-region' });
      expect(await read({ id: 'rev-3', role: 'reviewer', org: '山西大学' })).toEqual({ ok: false, code: 'not-assigned-reviewer' });
      expect(await read({ id: 'rev-2', role: 'reviewer', org: '中北大学' })).toEqual({ ok: false, code: 'reviewer-recused' });
    });

    it('answers 404 project-not-found for a project never drafted', async () => {
      expect(await read(office, 'nope')).toEqual({ ok: false, code: 'project-not-found', status: 404 });
    });
  });
});
