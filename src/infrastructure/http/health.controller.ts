import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CALENDAR } from '../../application/calendar';
import { Clock, CLOCK } from '../../application/clock';
import { chinaDateOf, daysOfCoverageLeft, WorkingDayCalendar } from '../../domain/calendar';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { ReadModels } from '../read-models/read-models';
import { Public } from './auth.guard';

/**
 * How far the read models may trail the log while an instance still takes traffic (a catch-up after
 * start does not): the oldest event not yet applied at most this old, and, where positions count events
 * (SQLite, PostgreSQL; EventStoreDB's count bytes), at most this many behind.
 */
const READY_BEHIND_SECONDS = 10;
const READY_BEHIND_EVENTS = 1000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CALENDAR) private readonly calendar: WorkingDayCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'The service, its event store, the projection lag (503 when the store is down or a projection failed), and the working-day calendar, with a warning when its coverage ends within 60 days.' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const store = await this.store.status();
    const projections = await this.readModels.runner.lag(this.clock.now());
    const ok = store.ok && !projections.failure;
    if (!ok) reply.status(503);
    return {
      status: ok ? 'ok' : 'unavailable',
      store: { ...store, lastPosition: store.lastPosition?.toString() ?? null },
      projections,
      calendar: this.calendarCoverage(),
      // A sandbox (SANDBOX=true) says so, for the console's banner: simulated data, not a production installation.
      sandbox: this.config.sandbox,
    };
  }

  @Public()
  @Get('live')
  @ApiOkResponse({ description: 'The process answers: for a liveness probe, which restarts it otherwise. Nothing else is asked.' })
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOkResponse({
    description: `Ready for traffic: the event store answers and the read models are within ${READY_BEHIND_SECONDS} s (and ${READY_BEHIND_EVENTS} events) of the log, none failed (503 with the reasons otherwise): for a load balancer's readiness probe.`,
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const store = await this.store.status();
    const projections = await this.readModels.runner.lag(this.clock.now());
    const reasons = [
      ...(store.ok ? [] : [`the event store does not answer${store.detail ? `: ${store.detail}` : ''}`]),
      ...(projections.failure ? [`a projection failed: ${projections.failure}`] : []),
      ...(projections.behindSeconds > READY_BEHIND_SECONDS ? [`the read models are ${projections.behindSeconds} s behind the log (at most ${READY_BEHIND_SECONDS})`] : []),
      ...(store.adapter !== 'esdb' && projections.behindEvents > READY_BEHIND_EVENTS ? [`the read models are ${projections.behindEvents} events behind the log (at most ${READY_BEHIND_EVENTS})`] : []),
    ];
    if (reasons.length > 0) reply.status(503);
    return { status: reasons.length === 0 ? 'ready' : 'not-ready', reasons, behindEvents: projections.behindEvents };
  }

  /** Working-day notices past the last covered day are refused, so the office hears of it two months ahead. */
  private calendarCoverage() {
    const { version, coversFrom, coversTo } = this.calendar;
    const daysLeft = daysOfCoverageLeft(this.calendar, chinaDateOf(this.clock.now().toISOString()));
    const warning =
      daysLeft < 0
        ? `the working-day calendar ended on ${coversTo}: working-day notices are refused until CALENDAR_FILE adds the next year's holidays`
        : daysLeft <= CALENDAR_WARNING_DAYS
          ? `the working-day calendar ends on ${coversTo}, in ${daysLeft} days: add the next year's holidays with CALENDAR_FILE`
          : null;
    return { version, coversFrom, coversTo, daysLeft, warning };
  }
}

const CALENDAR_WARNING_DAYS = 60;
