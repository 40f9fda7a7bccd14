import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProjectQueries } from '../read-models/projects/projects.query';
import { ReadModels } from '../read-models/read-models';
import { Public } from './auth.guard';
import { PublicRateLimit } from './public-rate-limit';
import { PageQuery } from './read-models.controller';

/** What anyone reads without signing in: the public notices (公示), limited per client address. */
@ApiTags('public')
@Controller()
export class PublicController {
  private readonly limit = new PublicRateLimit();

  constructor(
    private readonly readModels: ReadModels,
    private readonly projectQueries: ProjectQueries,
  ) {}

  @Public()
  @Get('notices')
  @ApiOperation({
    summary:
      'Public notices (公示) open now, with their projects, their applicants by name and the number of objections — anyone, without signing in (120 requests a minute from one address); objectors are never shown here',
  })
  async notices(@Query() query: PageQuery, @Req() request: FastifyRequest) {
    this.limit.take(request.ip);
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    return this.projectQueries.notices(query);
  }
}
