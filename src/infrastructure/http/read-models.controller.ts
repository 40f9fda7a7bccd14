import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import { CATALOG } from '../../application/catalog';
import { isProjectProgramType, ProgramCatalog } from '../../domain/catalog/program-catalog';
import { forbidden } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { PROJECT_STATUSES } from '../../domain/project/project.events';
import { PORTFOLIO_ACCESS, requireView } from '../../domain/access';
import { ENTERPRISE_ACCESS } from '../../domain/enterprise/enterprise.access';
import { PROGRAM_CYCLE_ACCESS } from '../../domain/program-cycle/program-cycle.access';
import { PROJECT_ACCESS, PUBLISHED_WHILE, REVIEWER_QUEUE_ACCESS } from '../../domain/project/project.access';
import { Condition, equalities, PageQuery as StorePageQuery, pageOf, where } from '../read-models/query';
import { visibleTo } from '../read-models/visibility';
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

export const ENTERPRISE_STATUSES = ['Submitted', 'Recommended', 'JointlyReviewed', 'InPublicNotice', 'InIncubation', 'CertificationRequested', 'CertificationEvaluated', 'Certified', 'CertificateExpired', 'NotAdmitted', 'Disqualified'];

export class EnterpriseRegistryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ENTERPRISE_STATUSES, example: 'Certified' })
  @IsOptional()
  @IsIn(ENTERPRISE_STATUSES)
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
}

export class CycleListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'brand-major', description: 'A program type of the catalog; another answers 400 with those allowed' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  programType?: string;
}

/** Who sees which enterprises: ENTERPRISE_ACCESS (enterprise.access.ts) on the registry's columns. */
const enterpriseVisibility = (actor: Actor): Condition => visibleTo(ENTERPRISE_ACCESS.see.relations, actor, { org: 'org', region: 'region' });

/** Who sees which projects: PROJECT_ACCESS (project.access.ts) on the project-status columns, of the table named `table` in the query. */
const projectVisibility = (actor: Actor, table = 'project_status'): Condition =>
  visibleTo(PROJECT_ACCESS.see.relations, actor, {
    org: `${table}.applicant_org`,
    region: `${table}.region`,
    reviewers: { id: `${table}.id`, table: 'project_reviewers', record: 'project_id', reviewer: 'reviewer_id', recused: 'recused' },
  });

/** Who sees which cycles: PROGRAM_CYCLE_ACCESS (program-cycle.access.ts); a cycle row has no organisation or city. */
const cycleVisibility = (actor: Actor): Condition => visibleTo(PROGRAM_CYCLE_ACCESS.see.relations, actor, {});

/** What a public notice publishes of a project to everyone signed in (project.access.ts). */
const PUBLISHED = `status = '${PUBLISHED_WHILE}'`;

const PROJECT_COLUMNS = `id, cycle_id AS cycleId, program_type AS programType, applicant_org AS applicantOrg, region, title, status, tier, grade,
  notice_id AS noticeId, notice_ends_on AS noticeEndsOn, objections, open_objections AS openObjections, plan_due_on AS planDueOn,
  construction_ends_on AS constructionEndsOn, ban_until AS banUntil, last_decision AS lastDecision, last_reason AS lastReason,
  last_decided_at AS lastDecidedAt, overdue, revision`;

const parseJson = (row: Record<string, unknown>, ...columns: string[]) => {
  const copy: Record<string, unknown> = { ...row };
  for (const column of columns) copy[column] = JSON.parse(String(row[column] ?? 'null'));
  return copy;
};

@ApiTags('read models')
@ApiBearerAuth()
@Controller()
export class ReadModelsController {
  constructor(
    private readonly readModels: ReadModels,
    private readonly reactor: ReactorService,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
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
    return pageOf(
      this.readModels.db,
      'enterprise_registry',
      ENTERPRISE_COLUMNS,
      [enterpriseVisibility(actor), ...equalities({ status: query.status, region: query.region })],
      'name, id',
      query,
      toEnterprise,
    );
  }

  @Get('projects')
  @ApiOperation({ summary: 'Project status: stage, program, cycle, applicant, grade, deadlines, last decision and reason — filtered by visibility' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', cycleId: 'brand-major-2021', programType: 'brand-major', applicantOrg: 'taiyuan-vocational-college', status: 'UnderConstruction', lastDecision: 'ConstructionPlanAccepted', overdue: [] }], total: 1, limit: 50, offset: 0 } } })
  async projects(@Query() query: ProjectListQuery, @CurrentActor() actor: Actor) {
    this.checkProgramType(query.programType, true);
    await this.reach(query);
    return this.projectPage(
      [
        projectVisibility(actor),
        ...equalities({ cycle_id: query.cycleId, status: query.status, program_type: query.programType, region: query.region, applicant_org: query.applicantOrg }),
      ],
      query,
    );
  }

  @Get('organisations/:org/portfolio')
  @ApiOperation({ summary: "An organisation's projects across all programs, and its enterprise record — the organisation itself, office, auditor" })
  async portfolio(@Param('org') org: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireView(PORTFOLIO_ACCESS, actor, { org });
    await this.reach(query);
    const projects = this.projectPage([projectVisibility(actor), where('applicant_org = ?', org)], query);
    const enterprise = pageOf(this.readModels.db, 'enterprise_registry', ENTERPRISE_COLUMNS, [enterpriseVisibility(actor), where('org = ?', org)], 'id', { limit: 10 }, toEnterprise).items;
    return { org, projects, enterprises: enterprise };
  }

  @Get('reviewers/:reviewerId/queue')
  @ApiOperation({ summary: "A reviewer's assigned projects with pending and submitted scores — the reviewer itself, office, auditor" })
  async queue(@Param('reviewerId') reviewerId: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    requireView(REVIEWER_QUEUE_ACCESS, actor, { person: reviewerId });
    await this.reach(query);
    const page = pageOf(
      this.readModels.db,
      'project_reviewers r JOIN project_status p ON p.id = r.project_id',
      `p.id AS projectId, p.title, p.cycle_id AS cycleId, p.program_type AS programType, p.status, r.recused, r.score,
       CASE WHEN r.recused = 1 THEN 'recused' WHEN r.score IS NULL THEN 'pending' ELSE 'submitted' END AS state`,
      [where('r.reviewer_id = ?', reviewerId), projectVisibility(actor, 'p')],
      "state = 'pending' DESC, p.id",
      query,
      (row) => ({ ...row, recused: row.recused === 1 }),
    );
    const counts = this.readModels.db
      .prepare(`SELECT sum(recused = 0 AND score IS NULL) AS pending, sum(recused = 0 AND score IS NOT NULL) AS submitted FROM project_reviewers WHERE reviewer_id = ?`)
      .get(reviewerId) as { pending: number | null; submitted: number | null };
    return { reviewerId, pending: counts.pending ?? 0, submitted: counts.submitted ?? 0, ...page };
  }

  @Get('notices')
  @ApiOperation({ summary: 'Public notices (公示) open now, with their projects and the number of objections; objectors are never shown here' })
  async notices(@Query() query: PageQuery) {
    await this.reach(query);
    const page = pageOf(
      this.readModels.db,
      `(SELECT notice_id AS noticeId, cycle_id AS cycleId, program_type AS programType, max(notice_ends_on) AS endsOn,
        count(*) AS projectCount, sum(objections) AS objections FROM project_status WHERE ${PUBLISHED} GROUP BY notice_id)`,
      '*',
      [],
      'endsOn, noticeId',
      query,
      (row) => row,
    );
    const projectsOf = this.readModels.db.prepare(
      `SELECT id, title, applicant_org AS applicantOrg, tier, objections, open_objections AS openObjections FROM project_status WHERE ${PUBLISHED} AND notice_id = ? ORDER BY id`,
    );
    return { ...page, items: page.items.map((notice) => ({ ...notice, projects: projectsOf.all(notice.noticeId) })) };
  }

  @Get('overdue')
  @ApiOperation({ summary: 'Overdue obligations across programs: construction plans, annual reports, course updates, enterprise plans and reports — by visibility' })
  async overdue(@Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    const projects = this.projectPage([projectVisibility(actor), where("overdue <> '[]'")], query);
    const enterprises = pageOf(this.readModels.db, 'enterprise_registry', ENTERPRISE_COLUMNS, [enterpriseVisibility(actor), where("overdue <> '[]'")], 'id', query, toEnterprise);
    return { projects, enterprises };
  }

  @Get('cycles')
  @ApiOperation({ summary: 'Cycle dashboards: status, quota used and remaining, per tier' })
  async cycles(@Query() query: CycleListQuery, @CurrentActor() actor: Actor) {
    this.checkProgramType(query.programType, false);
    await this.reach(query);
    return pageOf(this.readModels.db, 'cycle_dashboard', CYCLE_COLUMNS, [cycleVisibility(actor), ...equalities({ program_type: query.programType })], 'opens_at DESC, id', query, toDashboard);
  }

  @Get('cycles/:id/dashboard')
  @ApiOperation({ summary: "One cycle's dashboard" })
  async dashboard(@Param('id') id: string, @Query() query: PageQuery, @CurrentActor() actor: Actor) {
    await this.reach(query);
    const [row] = pageOf(this.readModels.db, 'cycle_dashboard', CYCLE_COLUMNS, [cycleVisibility(actor), where('id = ?', id)], 'id', { limit: 1 }, toDashboard).items;
    if (!row) throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id} in the read models` });
    const stages = this.readModels.db.prepare('SELECT status, count(*) AS n FROM project_status WHERE cycle_id = ? GROUP BY status ORDER BY status').all(id) as { status: string; n: number }[];
    return { ...row, projectsPerStage: Object.fromEntries(stages.map((s) => [s.status, s.n])) };
  }

  private reach(query: PageQuery) {
    return this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
  }

  private projectPage(conditions: Condition[], query: PageQuery) {
    return pageOf(this.readModels.db, 'project_status', PROJECT_COLUMNS, conditions, 'cycle_id, id', query, (row) => parseJson(row, 'overdue'));
  }

  @Get('reactions/failures')
  @ApiOperation({ summary: 'Cross-stream reactions that failed: retrying with backoff, or dead-lettered with their error — office' })
  failures(@CurrentActor() actor: Actor) {
    if (actor.role !== 'office') throw forbidden('role-not-allowed', 'the dead-letter view is the program office’s');
    const items = this.reactor.reactor.failures();
    return { items, retrying: items.filter((f) => !f.dead).length, dead: items.filter((f) => f.dead).length };
  }

  @Post('read-models/rebuild')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drop every read model and rebuild it from the log — office' })
  async rebuild(@CurrentActor() actor: Actor) {
    if (actor.role !== 'office') throw forbidden('role-not-allowed', 'only the program office rebuilds the read models');
    const started = Date.now();
    await this.readModels.runner.rebuild();
    return { rebuilt: true, position: this.readModels.runner.position?.toString() ?? null, ms: Date.now() - started };
  }
}

const ENTERPRISE_COLUMNS = `id, org, name, credit_code AS creditCode, region, status, admitted_at AS admittedAt, certificate_no AS certificateNo,
  certified_until AS certifiedUntil, banned_until AS bannedUntil, disqualification_ground AS disqualificationGround, overdue, revision`;

const toEnterprise = (row: Record<string, unknown>) => parseJson(row, 'overdue');

const CYCLE_COLUMNS = `id, program_type AS programType, name, label, status, quota, places_taken AS placesTaken, approved, applications, tiers,
  opens_at AS opensAt, closes_at AS closesAt, revision`;

function toDashboard(row: Record<string, unknown>) {
  const parsed = parseJson(row, 'tiers');
  return { ...parsed, remaining: Number(row.quota) - Number(row.placesTaken) };
}
