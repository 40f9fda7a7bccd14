import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { Public } from './auth.guard';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'The service and its event store are up (503 when the store is not).' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const store = await this.store.status();
    if (!store.ok) reply.status(503);
    return {
      status: store.ok ? 'ok' : 'unavailable',
      store: { ...store, lastPosition: store.lastPosition?.toString() ?? null },
    };
  }
}
