import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CATALOG } from '../../application/catalog';
import { Clock, CLOCK } from '../../application/clock';
import { isProjectProgramType, ProgramCatalog } from '../../domain/catalog/program-catalog';
import { requireOperation } from '../../domain/service.access';
import { Actor } from '../../domain/messages';
import { ENTERPRISE_STATUSES } from '../../domain/enterprise/enterprise.state';
import { PROJECT_STATUSES } from '../../domain/project/project.events';
import { PORTFOLIO_ACCESS, requireView } from '../../domain/access';
import { REVIEWER_QUEUE_ACCESS } from '../../domain/project/project.access';
import { CycleQueries } from '../read-models/cycles/cycles.query';
import { FUNDING_GROUPS, FundingGroup, FundingQueries } from '../read-models/funding/funding.query';
import { sendCsv } from './csv';
import { EnterpriseQueries } from '../read-models/enterprises/enterprises.query';
import { OBLIGATIONS, ProjectQueries } from '../read-models/projects/projects.query';
import { PageQuery as StorePageQuery } from '../read-models/query';
import { ReadModels } from '../read-models/read-models';
import { ReactorService } from '../reactor/reactor.service';
import { CurrentActor } from './auth.guard';
import { ProblemError } from './problem.filter';

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

/** The statuses a project can be listed in ('None' is the state of a stream not yet written). */
export const LISTED_PROJECT_STATUSES = PROJECT_STATUSES.filter((status) => status !== 'None');

/** The statuses an enterprise can be listed in. */
export const LISTED_ENTERPRISE_STATUSES = ENTERPRISE_STATUSES.filter((status) => status !== 'None');

export class EnterpriseRegistryQuery extends PageQuery {
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

export class ProjectListQuery extends PageQuery {
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
class YearFiguresQuery extends PageQuery {
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

  @ApiPropertyOptional({ enum: ['json', 'csv'], example: 'csv', description: 'csv: a spreadsheet file (UTF-8 with BOM)' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
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
  async enterprises(@Query() query: EnterpriseRegistryQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    return this.enterpriseQueries.list(actor, query, query);
  }

  @Get('projects')
  @ApiOperation({ summary: 'Project status: stage, program, cycle, applicant, grade, deadlines, last decision and reason — filtered by visibility' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', cycleId: 'brand-major-2021', programType: 'brand-major', applicantOrg: 'taiyuan-vocational-college', status: 'UnderConstruction', lastDecision: 'ConstructionPlanAccepted', overdue: [] }], total: 1, limit: 50, offset: 0 } } })
  async projects(@Query() query: ProjectListQuery, @CurrentActor() actor: Actor) {
    this.checkProgramType(query.programType, true);
    await this.reach(query);
    return this.projectQueries.list(actor, query, query);
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
    return this.projectQueries.reviewerQueue(actor, reviewerId, query);
  }

  @Get('overdue')
  @ApiOperation({ summary: 'Overdue obligations across programs: construction plans, annual reports, course updates, enterprise plans and reports — by visibility' })
  async overdue(@Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    return { projects: this.projectQueries.overdue(actor, query), enterprises: this.enterpriseQueries.overdue(actor, query) };
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
    if (query.format !== 'csv') return result;
    const money = (kind: 'granted' | 'disbursed', source: string) => (row: Record<string, unknown>) => (row[kind] as Record<string, number>)[source];
    return sendCsv(reply, `资金-${group}.csv`, [
      [group === 'program' ? '项目类型' : group === 'city' ? '城市' : '统一社会信用代码', (r) => r[group]],
      ...(group === 'school' ? ([['单位名称', (r: Record<string, unknown>) => r.name]] as const) : []),
      ['项目数', (r) => r.projects],
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
    if (query.format !== 'csv') return page;
    return sendCsv(reply, '年度绩效.csv', [
      ['年度', (r) => r.year],
      ['项目', (r) => r.title],
      ['项目类型', (r) => r.programType],
      ['申报单位', (r) => r.applicantName ?? r.applicantOrg],
      ['城市', (r) => r.region],
      ['等级', (r) => r.grade],
      ['不达标', (r) => (r.poor ? '是' : '否')],
      ['项目状态', (r) => r.status],
    ], page.items);
  }

  @Get('cycles/:id/ranking')
  @ApiOperation({ summary: "A cycle's applications ranked by review score under its aggregate rule, with the quota's places and the cut-off line — office, auditor" })
  @ApiOkResponse({ schema: { example: { cycleId: 'brand-major-2021', quota: 200, cutOff: 60, items: [{ rank: 1, projectId: 'p-1', title: '机电一体化技术', applicantName: '太原职业技术学院', score: 91.5, scores: 5, withinQuota: true, belowCutOff: false }] } } })
  async ranking(@Param('id') id: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireOperation('ReadReview', actor);
    await this.reach(query);
    const dashboard = this.cycleQueries.dashboard(actor, id);
    if (!dashboard) throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id} in the read models` });
    const quota = Number(dashboard.quota);
    return { cycleId: id, quota, ...this.projectQueries.ranking(id, quota) };
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
