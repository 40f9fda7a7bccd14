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
