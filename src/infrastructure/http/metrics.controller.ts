import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Metrics } from '../metrics/metrics';
import { ReactorService } from '../reactor/reactor.service';
import { ReadModels } from '../read-models/read-models';
import { Public } from './auth.guard';

/**
 * GET /metrics in the Prometheus text format, for the province's monitoring to scrape. Public like
 * /health: it counts requests and commands by route and type and names no one; keep it behind the
 * reverse proxy where the monitoring network alone reaches it.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    readModels: ReadModels,
    reactor: ReactorService,
  ) {
    metrics.watch({ projections: () => readModels.runner.behindByProjection(), reactorFailures: () => reactor.reactor.failures() });
  }

  @Public()
  @Get()
  @Header('cache-control', 'no-store')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.type(this.metrics.contentType);
    return this.metrics.text();
  }
}
