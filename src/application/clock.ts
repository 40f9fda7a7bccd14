/** The one source of "now" outside the domain; tests and the deadline scheduler inject their own. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to, for demonstration and training installations that need to
 * play years of a program in minutes. Time never goes backwards: events keep their order in time.
 */
export class SimulatedClock implements Clock {
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `to`; a time before the current one is refused. */
  advanceTo(to: Date): void {
    if (Number.isNaN(to.getTime()) || to.getTime() < this.current) {
      throw new RangeError(`the simulated clock only moves forward (it is ${new Date(this.current).toISOString()})`);
    }
    this.current = to.getTime();
  }
}
