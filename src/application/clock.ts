/** The one source of "now" outside the domain; tests and the deadline scheduler inject their own. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };
