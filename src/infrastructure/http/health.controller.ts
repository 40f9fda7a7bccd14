import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock, CLOCK } from '../../application/clock';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { ReadModels } from '../read-models/read-models';
import { Public } from './auth.guard';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'The service, its event store and the projection lag (503 when the store is down or a projection failed).' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const store = await this.store.status();
    const projections = await this.readModels.runner.lag(this.clock.now());
    const ok = store.ok && !projections.failure;
    if (!ok) reply.status(503);
    return {
      status: ok ? 'ok' : 'unavailable',
      store: { ...store, lastPosition: store.lastPosition?.toString() ?? null },
      projections,
    };
  }
}
