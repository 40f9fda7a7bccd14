import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLOCK, SimulatedClock } from '../../application/clock';
import { requireOperation } from '../../domain/service.access';
import { Actor } from '../../domain/messages';
import { ReadModels } from '../read-models/read-models';
import { DeadlinesService } from '../scheduling/deadlines.service';
import { CurrentActor } from './auth.guard';
import { Instant } from './dto-support';
import { ProblemError } from './problem.filter';

/** The simulated clock stays within the plan's horizon: a year such as 9999 would fire every deadline ever set. */
export const SIMULATED_CLOCK_RANGE = { from: '2000-01-01T00:00:00Z', until: '2101-01-01T00:00:00Z' } as const;

export class AdvanceClockDto {
  @Instant('2026-03-31T16:00:00Z', { within: SIMULATED_CLOCK_RANGE, description: 'Forward only; from 2000 through 2100' })
  to!: string;
}

/** Only with CLOCK=simulated: the office moves time forward, and every deadline passed on the way fires. */
@ApiTags('simulated clock')
@ApiBearerAuth()
@Controller('clock')
export class ClockController {
  constructor(
    @Inject(CLOCK) private readonly clock: SimulatedClock,
    private readonly deadlines: DeadlinesService,
    private readonly readModels: ReadModels,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the simulated clock forward and fire the deadlines passed — office; only when CLOCK=simulated' })
  async advance(@Body() body: AdvanceClockDto, @CurrentActor() actor: Actor) {
    requireOperation('MoveSimulatedClock', actor);
    try {
      this.clock.advanceTo(new Date(body.to));
    } catch (error) {
      throw new ProblemError({ status: 409, code: 'clock-backwards', title: 'Conflict', detail: (error as Error).message });
    }
    // Every deadline set so far must be in the read model before the scheduler looks.
    await this.readModels.reachStored();
    const fired = await this.deadlines.scheduler.tick();
    return { now: this.clock.now().toISOString(), deadlines: fired.map((o) => ({ status: o.status, stream: o.deadline.stream, kind: o.deadline.kind })) };
  }
}
