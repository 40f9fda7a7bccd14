import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { forbidden } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { Condition, equalities, everything, nothing, PageQuery, pageOf, where } from '../read-models/query';
import { ReadModels } from '../read-models/read-models';
import { CurrentActor } from './auth.guard';
import { ProblemError } from './problem.filter';

const ENTERPRISE_STATUSES = ['Submitted', 'Recommended', 'JointlyReviewed', 'InPublicNotice', 'InIncubation', 'CertificationRequested', 'CertificationEvaluated', 'Certified', 'CertificateExpired', 'NotAdmitted', 'Disqualified'];

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

export class CycleListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'brand-major' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  programType?: string;
}

/** Who sees which enterprises: the enterprise itself, the recommender of its city, the office and auditors. */
function enterpriseVisibility(actor: Actor): Condition {
  switch (actor.role) {
    case 'office':
    case 'auditor':
      return everything;
    case 'applicant':
      return where('org = ?', actor.org);
    case 'recommender':
      return actor.region ? where('region = ?', actor.region) : nothing;
    case 'reviewer':
      return nothing;
  }
}

const parseJson = (row: Record<string, unknown>, ...columns: string[]) => {
  const copy: Record<string, unknown> = { ...row };
  for (const column of columns) copy[column] = JSON.parse(String(row[column] ?? 'null'));
  return copy;
};

@ApiTags('read models')
@ApiBearerAuth()
@Controller()
export class ReadModelsController {
  constructor(private readonly readModels: ReadModels) {}

  @Get('enterprises')
  @ApiOperation({ summary: 'Enterprise registry: incubating, certified (with validity), disqualified (with ban end)' })
  @ApiOkResponse({ schema: { example: { items: [{ id: '91140100MA0GRXXX1A', name: '太原重工股份有限公司', status: 'Certified', certifiedUntil: '2029-06-01T00:00:00.000Z' }], total: 1, limit: 50, offset: 0 } } })
  async enterprises(@Query() query: EnterpriseRegistryQuery, @CurrentActor() actor: Actor) {
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return pageOf(
      this.readModels.db,
      'enterprise_registry',
      `id, org, name, credit_code AS creditCode, region, status, admitted_at AS admittedAt, certificate_no AS certificateNo,
       certified_until AS certifiedUntil, banned_until AS bannedUntil, disqualification_ground AS disqualificationGround, revision`,
      [enterpriseVisibility(actor), ...equalities({ status: query.status, region: query.region })],
      'name, id',
      query,
      (row) => row,
    );
  }

  @Get('cycles')
  @ApiOperation({ summary: 'Cycle dashboards: status, quota used and remaining, per tier' })
  async cycles(@Query() query: CycleListQuery) {
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return pageOf(this.readModels.db, 'cycle_dashboard', CYCLE_COLUMNS, equalities({ program_type: query.programType }), 'opens_at DESC, id', query, toDashboard);
  }

  @Get('cycles/:id/dashboard')
  @ApiOperation({ summary: "One cycle's dashboard" })
  async dashboard(@Param('id') id: string, @Query() query: PageQuery) {
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    const [row] = pageOf(this.readModels.db, 'cycle_dashboard', CYCLE_COLUMNS, [where('id = ?', id)], 'id', { limit: 1 }, toDashboard).items;
    if (!row) throw new ProblemError({ status: 404, code: 'cycle-not-found', title: 'Not Found', detail: `no cycle ${id} in the read models` });
    return row;
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

const CYCLE_COLUMNS = `id, program_type AS programType, name, label, status, quota, places_taken AS placesTaken, approved, applications, tiers,
  opens_at AS opensAt, closes_at AS closesAt, revision`;

function toDashboard(row: Record<string, unknown>) {
  const parsed = parseJson(row, 'tiers');
  return { ...parsed, remaining: Number(row.quota) - Number(row.placesTaken) };
}
