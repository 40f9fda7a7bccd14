import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CATALOG } from '../../application/catalog';
import { Clock, CLOCK } from '../../application/clock';
import { chinaDateOf } from '../../domain/beijing-time';
import { isProjectProgramType, ProgramCatalog } from '../../domain/catalog/program-catalog';
import { requireOperation } from '../../domain/service.access';
import { Actor } from '../../domain/messages';
import { ENTERPRISE_STATUSES } from '../../domain/enterprise/enterprise.state';
import { PROJECT_STATUSES } from '../../domain/project/project.events';
import { PORTFOLIO_ACCESS, requireView } from '../../domain/access';
import { REVIEWER_QUEUE_ACCESS } from '../../domain/project/project.access';
import { CycleQueries } from '../read-models/cycles/cycles.query';
import { FUNDING_GROUPS, FundingGroup, FundingQueries } from '../read-models/funding/funding.query';
import { Column, pagingOf, sendTable, TABLE_FORMATS, TableFormat } from './downloads';
import { EnterpriseQueries } from '../read-models/enterprises/enterprises.query';
import { OBLIGATIONS, ProjectQueries } from '../read-models/projects/projects.query';
import { PageQuery as StorePageQuery } from '../read-models/query';
import { ReadModels } from '../read-models/read-models';
import { ReactorService } from '../reactor/reactor.service';
import { CurrentActor } from './auth.guard';
import { ProblemError } from './problem.filter';
import { beijingDay, beijingTime, ENTERPRISE_STAGES, EVENTS, overdueWords, STAGES, word } from '../../words';

/**
 * The deepest page a list serves. An offset beyond the 64-bit integers SQLite takes was a 500 (datatype
 * mismatch); a million rows is ten times the largest population measured (100,000 projects).
 */
export const MAX_OFFSET = 1_000_000;

/** Paging and read-your-writes, as every list takes them, with offset bounded. */
export class PageQuery extends StorePageQuery {
  @ApiPropertyOptional({ example: 0, minimum: 0, maximum: MAX_OFFSET, description: `At most ${MAX_OFFSET}` })
  @Max(MAX_OFFSET)
  override offset?: number;
}

/** A list a clerk works from, as JSON or as a file for a spreadsheet (every row up to TABLE_ROWS, unless a limit is asked). */
export class TableQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TABLE_FORMATS, example: 'xlsx', description: 'xlsx or csv: the list as a file (CSV in UTF-8 with a BOM), every row the filters select up to 10,000 unless a limit is given' })
  @IsOptional()
  @IsIn(TABLE_FORMATS)
  format?: TableFormat;
}

/** The statuses a project can be listed in ('None' is the state of a stream not yet written). */
export const LISTED_PROJECT_STATUSES = PROJECT_STATUSES.filter((status) => status !== 'None');

/** The statuses an enterprise can be listed in. */
export const LISTED_ENTERPRISE_STATUSES = ENTERPRISE_STATUSES.filter((status) => status !== 'None');

export class EnterpriseRegistryQuery extends TableQuery {
  @ApiPropertyOptional({ enum: LISTED_ENTERPRISE_STATUSES, example: 'Certified' })
  @IsOptional()
  @IsIn(LISTED_ENTERPRISE_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: '太原市' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;
}

export class ProjectListQuery extends TableQuery {
  @ApiPropertyOptional({ example: 'brand-major-2021' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cycleId?: string;

  @ApiPropertyOptional({ enum: LISTED_PROJECT_STATUSES, example: 'UnderConstruction' })
  @IsOptional()
  @IsIn(LISTED_PROJECT_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: 'brand-major', description: 'A project program type of the catalog; another answers 400 with those allowed' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  programType?: string;

  @ApiPropertyOptional({ example: '太原市' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  region?: string;

  @ApiPropertyOptional({ example: 'taiyuan-vocational-college' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  applicantOrg?: string;

  @ApiPropertyOptional({ enum: OBLIGATIONS, example: 'annual-report-due', description: 'Only projects with a deadline of this kind not yet met, as the to-do list counts them' })
  @IsOptional()
  @IsIn([...OBLIGATIONS])
  due?: string;
}

export class CycleListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'brand-major', description: 'A program type of the catalog; another answers 400 with those allowed' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  programType?: string;
}

/** A cycle's or a program's year of figures, as JSON or as a spreadsheet file. */
class YearFiguresQuery extends TableQuery {
  @ApiPropertyOptional({ example: 'brand-major-2021' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  cycleId?: string;

  @ApiPropertyOptional({ example: 'brand-major' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  programType?: string;

  @ApiPropertyOptional({ example: 2026, description: 'The budget year (funding) or the year reported on (performance)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class FundingQuery extends YearFiguresQuery {
  @ApiPropertyOptional({ enum: Object.keys(FUNDING_GROUPS), example: 'city', description: 'Group by program (default), city or school' })
  @IsOptional()
  @IsIn(Object.keys(FUNDING_GROUPS))
  by?: FundingGroup;
}

export class PerformanceQuery extends YearFiguresQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], example: 'true', description: 'Only the years graded poor (true) or not (false)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  poor?: 'true' | 'false';
}

@ApiTags('read models')
@ApiBearerAuth()
@Controller()
export class ReadModelsController {
  constructor(
    private readonly readModels: ReadModels,
    private readonly projectQueries: ProjectQueries,
    private readonly enterpriseQueries: EnterpriseQueries,
    private readonly cycleQueries: CycleQueries,
    private readonly fundingQueries: FundingQueries,
    private readonly reactor: ReactorService,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A filter naming no program type of the catalog would list nothing: it is refused, with the codes it may take. */
  private checkProgramType(programType: string | undefined, projectsOnly: boolean): void {
    if (programType === undefined) return;
    const allowed = Object.values(this.catalog)
      .filter((type) => !projectsOnly || isProjectProgramType(type))
      .map((type) => type.code);
    if (allowed.includes(programType)) return;
    const reason = `programType must be one of the following values: ${allowed.join(', ')}`;
    throw new ProblemError({ status: 400, code: 'validation-failed', title: 'Bad Request', detail: `programType: ${reason}`, errors: [{ field: 'programType', reason }], allowed });
  }

  @Get('enterprises')
  @ApiOperation({ summary: 'Enterprise registry: incubating, certified (with validity), disqualified (with ban end)' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '91140100MA0GRXXX1A', name: '太原重工股份有限公司', status: 'Certified', certifiedUntil: '2029-06-01T00:00:00.000Z' }], total: 1, limit: 50, offset: 0 } } })
  async enterprises(@Query() query: EnterpriseRegistryQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.reach(query);
    const page = this.enterpriseQueries.list(actor, query, pagingOf(query));
    if (query.format === undefined || query.format === 'json') return page;
    return sendTable(reply, query.format, '企业名录', [
      ['企业名称', (r) => text(r.name)],
      ['统一社会信用代码', (r) => text(r.creditCode ?? r.org)],
      ['所在城市', (r) => text(r.region)],
      ['状态', (r) => word(ENTERPRISE_STAGES, 'zh', text(r.status))],
      ['入库时间', (r) => day(r.admittedAt)],
      ['证书编号', (r) => text(r.certificateNo)],
      ['证书有效期至', (r) => day(r.certifiedUntil)],
      ['禁入期至', (r) => day(r.bannedUntil)],
      ['逾期事项', (r) => overdueList(r.overdue)],
    ], page.items);
  }

  @Get('projects')
  @ApiOperation({ summary: 'Project status: stage, program, cycle, applicant, grade, deadlines, last decision and reason — filtered by visibility' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', cycleId: 'brand-major-2021', programType: 'brand-major', applicantOrg: 'taiyuan-vocational-college', status: 'UnderConstruction', lastDecision: 'ConstructionPlanAccepted', overdue: [] }], total: 1, limit: 50, offset: 0 } } })
  async projects(@Query() query: ProjectListQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    this.checkProgramType(query.programType, true);
    await this.reach(query);
    const page = this.projectQueries.list(actor, query, pagingOf(query));
    if (query.format === undefined || query.format === 'json') return page;
    const title = ['项目', query.cycleId, query.region, query.status && word(STAGES, 'zh', query.status)].filter(Boolean).join('-');
    return sendTable(reply, query.format, title, this.projectColumns(), page.items);
  }

  @Get('todo')
  @ApiOperation({ summary: 'The acting person’s to-do list (待办): each kind of work waiting, how many, the earliest due day (Beijing), and the project status that lists them — by role and visibility' })
  @ApiOkResponse({ schema: { example: { items: [{ subject: 'project', kind: 'formal-check', count: 12, dueOn: '2025-10-09', status: 'Submitted' }] } } })
  async todo(@Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    return { items: [...this.projectQueries.todo(actor), ...this.enterpriseQueries.todo(actor)] };
  }

  @Get('organisations/:org/portfolio')
  @ApiOperation({ summary: "An organisation's projects across all programs, and its enterprise record — the organisation itself, office, auditor" })
  async portfolio(@Param('org') org: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireView(PORTFOLIO_ACCESS, actor, { org });
    await this.reach(query);
    return { org, projects: this.projectQueries.list(actor, { applicantOrg: org }, query), enterprises: this.enterpriseQueries.ofOrganisation(actor, org) };
  }

  @Get('reviewers/:reviewerId/queue')
  @ApiOperation({ summary: "A reviewer's assigned projects with pending and submitted scores — the reviewer itself, office, auditor" })
  async queue(@Param('reviewerId') reviewerId: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireView(REVIEWER_QUEUE_ACCESS, actor, { person: reviewerId });
    await this.reach(query);
    const queue = this.projectQueries.reviewerQueue(actor, reviewerId, query);
    // Overdue by the service's own day (a simulated clock's too), not the reader's.
    const today = chinaDateOf(this.clock.now().toISOString());
    return { ...queue, items: queue.items.map((item: Record<string, unknown>) => ({ ...item, overdue: item.state === 'pending' && typeof item.dueOn === 'string' && item.dueOn < today })) };
  }

  @Get('overdue')
  @ApiOperation({ summary: 'Overdue obligations across programs: construction plans, annual reports, course updates, enterprise plans and reports — by visibility' })
  async overdue(@Query() query: TableQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.reach(query);
    const paging = pagingOf(query);
    const projects = this.projectQueries.overdue(actor, paging);
    const enterprises = this.enterpriseQueries.overdue(actor, paging);
    if (query.format === undefined || query.format === 'json') return { projects, enterprises };
    const rows = [
      ...projects.items.map((r) => ({ subject: '项目', name: r.title, org: r.applicantName ?? r.applicantOrg, region: r.region, status: word(STAGES, 'zh', text(r.status)), overdue: r.overdue, due: r.planDueOn })),
      ...enterprises.items.map((r) => ({ subject: '企业', name: r.name, org: r.creditCode ?? r.org, region: r.region, status: word(ENTERPRISE_STAGES, 'zh', text(r.status)), overdue: JSON.parse(String(r.overdue ?? '[]')) as unknown, due: null })),
    ];
    return sendTable(reply, query.format, '逾期事项', [
      ['类别', (r) => r.subject],
      ['名称', (r) => text(r.name)],
      ['单位', (r) => text(r.org)],
      ['所在城市', (r) => text(r.region)],
      ['状态', (r) => r.status],
      ['逾期事项', (r) => overdueList(r.overdue)],
    ], rows);
  }

  @Get('cycles')
  @ApiOperation({ summary: 'Cycle dashboards: status, quota used and remaining, per tier, and whether the application window is open now (by the service’s clock)' })
  async cycles(@Query() query: CycleListQuery, @CurrentActor() actor: Actor) {
    this.checkProgramType(query.programType, false);
    await this.reach(query);
    const page = this.cycleQueries.list(actor, query, query);
    const now = this.clock.now().getTime();
    const windowOpen = (c: Record<string, unknown>) => c.status === 'Open' && Date.parse(String(c.opensAt)) <= now && now < Date.parse(String(c.closesAt));
    return { ...page, items: page.items.map((c) => ({ ...c, windowOpen: windowOpen(c) })) };
  }

  @Get('cycles/:id/dashboard')
  @ApiOperation({ summary: "One cycle's dashboard" })
  async dashboard(@Param('id') id: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    const dashboard = this.cycleQueries.dashboard(actor, id);
    if (!dashboard) throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id} in the read models` });
    return { ...dashboard, projectsPerStage: this.projectQueries.perStage(id) };
  }

  @Get('funding')
  @ApiOperation({ summary: 'Funding per program, city or school: granted and paid by source (central, provincial, matching) — a school its own, a city its schools’, office and auditors all; ?format=csv exports it' })
  async funding(@Query() query: FundingQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    this.checkProgramType(query.programType, true);
    await this.reach(query);
    const group = query.by ?? 'program';
    const result = this.fundingQueries.by(actor, group, query);
    if (query.format === undefined || query.format === 'json') return result;
    const money = (kind: 'granted' | 'disbursed', source: string) => (row: Record<string, unknown>) => (row[kind] as Record<string, number>)[source];
    const heading = { program: '项目类型', city: '城市', school: '统一社会信用代码', project: '项目编号' }[group];
    return sendTable(reply, query.format, `资金-${{ program: '按项目类型', city: '按城市', school: '按学校', project: '按项目' }[group]}`, [
      [heading, (r: Record<string, unknown>) => (group === 'program' ? this.programName(text(r.program)) : text(r[group]))],
      ...(group === 'school' || group === 'project' ? [[group === 'school' ? '单位名称' : '项目名称', (r: Record<string, unknown>) => text(r.name)] as const] : []),
      ...(group === 'project' ? [] : [['项目数', (r: Record<string, unknown>) => Number(r.projects)] as const]),
      ['中央财政·已安排', money('granted', 'central')],
      ['省级财政·已安排', money('granted', 'provincial')],
      ['学校配套·已安排', money('granted', 'matching')],
      ['中央财政·已拨付', money('disbursed', 'central')],
      ['省级财政·已拨付', money('disbursed', 'provincial')],
      ['学校配套·已到位', money('disbursed', 'matching')],
    ], result.items);
  }

  @Get('performance')
  @ApiOperation({ summary: 'Yearly performance per project per year: the grade of each annual report, poor or not — by the visibility of projects; ?format=csv exports the page' })
  async performance(@Query() query: PerformanceQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    this.checkProgramType(query.programType, true);
    await this.reach(query);
    const page = this.projectQueries.performance(actor, { ...query, poor: query.poor === undefined ? undefined : query.poor === 'true' }, query);
    if (query.format === undefined || query.format === 'json') return page;
    return sendTable(reply, query.format, '年度绩效', [
      ['年度', (r) => Number(r.year)],
      ['项目', (r) => text(r.title)],
      ['项目类型', (r) => this.programName(text(r.programType))],
      ['申报单位', (r) => text(r.applicantName ?? r.applicantOrg)],
      ['城市', (r) => text(r.region)],
      ['等级', (r) => text(r.grade)],
      ['不达标', (r) => (r.poor ? '是' : '否')],
      ['项目状态', (r) => word(STAGES, 'zh', text(r.status))],
    ], page.items);
  }

  @Get('cycles/:id/ranking')
  @ApiOperation({ summary: "A cycle's applications ranked by review score under its aggregate rule, with the quota's places and the cut-off line — office, auditor" })
  @ApiOkResponse({ schema: { example: { cycleId: 'brand-major-2021', quota: 200, cutOff: 60, items: [{ rank: 1, projectId: 'p-1', title: '机电一体化技术', applicantName: '太原职业技术学院', score: 91.5, scores: 5, withinQuota: true, belowCutOff: false }] } } })
  async ranking(@Param('id') id: string, @Query() query: TableQuery, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    requireOperation('ReadReview', actor);
    await this.reach(query);
    const dashboard = this.cycleQueries.dashboard(actor, id);
    if (!dashboard) throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id} in the read models` });
    const quota = Number(dashboard.quota);
    const ranking = { cycleId: id, quota, ...this.projectQueries.ranking(id, quota) };
    if (query.format === undefined || query.format === 'json') return ranking;
    return sendTable(reply, query.format, `评审排名-${text(dashboard.name) || id}`, [
      ['名次', (r) => (r.rank === null || r.rank === undefined ? null : Number(r.rank))],
      ['项目名称', (r) => text(r.title)],
      ['申报单位', (r) => text(r.applicantName ?? r.applicantOrg)],
      ['所在城市', (r) => text(r.region)],
      ['档次', (r) => text(r.tier)],
      ['评审得分', (r) => (r.score === null || r.score === undefined ? null : Number(r.score))],
      ['评分专家数', (r) => Number(r.scores ?? 0)],
      ['名额内', (r) => (r.withinQuota ? '是' : '否')],
      ['低于分数线', (r) => (r.belowCutOff ? '是' : '否')],
      ['状态', (r) => word(STAGES, 'zh', text(r.status))],
    ], ranking.items);
  }

  /** The columns of a downloaded list of projects (applications by cycle and status, recommendations by city, the approved). */
  private projectColumns(): Column<Record<string, unknown>>[] {
    return [
      ['项目名称', (r) => text(r.title)],
      ['项目类型', (r) => this.programName(text(r.programType))],
      ['申报批次', (r) => text(r.cycleId)],
      ['申报单位', (r) => text(r.applicantName ?? r.applicantOrg)],
      ['统一社会信用代码', (r) => text(r.applicantOrg)],
      ['所在城市', (r) => text(r.region)],
      ['推荐排名', (r) => (r.recommendationRank === null || r.recommendationRank === undefined ? null : Number(r.recommendationRank))],
      ['档次', (r) => text(r.tier)],
      ['状态', (r) => word(STAGES, 'zh', text(r.status))],
      ['最近决定', (r) => (r.lastDecision ? word(EVENTS, 'zh', text(r.lastDecision)) : '')],
      ['决定理由', (r) => text(r.lastReason)],
      ['决定时间（北京时间）', (r) => (r.lastDecidedAt ? beijingTime(text(r.lastDecidedAt)) : '')],
      ['异议数', (r) => Number(r.objections ?? 0)],
      ['逾期事项', (r) => overdueList(r.overdue)],
    ];
  }

  /** A program's name as the catalog gives it in Chinese; a code the catalog lacks as it is. */
  private programName(code: string): string {
    return Object.prototype.hasOwnProperty.call(this.catalog, code) ? this.catalog[code].name.zh : code;
  }

  private reach(query: PageQuery) {
    return this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
  }

  @Get('reactions/failures')
  @ApiOperation({ summary: 'Cross-stream reactions that failed: retrying with backoff, or dead-lettered with their error — office' })
  failures(@CurrentActor() actor: Actor) {
    requireOperation('ReadReactionFailures', actor);
    const items = this.reactor.reactor.failures();
    return { items, retrying: items.filter((f) => !f.dead).length, dead: items.filter((f) => f.dead).length };
  }

  @Post('read-models/rebuild')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop every read model and rebuild it from the log — office' })
  async rebuild(@CurrentActor() actor: Actor) {
    requireOperation('RebuildReadModels', actor);
    const started = Date.now();
    await this.readModels.runner.rebuild();
    return { rebuilt: true, position: this.readModels.runner.position?.toString() ?? null, ms: Date.now() - started };
  }
}

/** A read model's value as a cell's text. */
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** An instant or a day as the day in Beijing, empty when there is none. */
const day = (value: unknown): string => (value ? beijingDay(String(value)) : '');

/** A row's overdue items in plain words, one after another. */
const overdueList = (items: unknown): string => (Array.isArray(items) ? items.map((item) => overdueWords('zh', String(item))).join('；') : '');
