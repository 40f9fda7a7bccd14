import { problem, ProblemError } from './problem.filter';

/**
 * What a member of the public may ask of the service without signing in (the open 公示 notices), per
 * client address: `limit` requests in any `windowMs`, counted in this process's memory. Each address
 * keeps the times of its requests in the window; the oldest tells when the next one is allowed.
 */
export class PublicRateLimit {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly limit = 120,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request from `address`, or refuses it (429, with the seconds until one is allowed again). */
  take(address: string): void {
    const now = this.now();
    const recent = (this.seen.get(address) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
      throw new ProblemError(problem(429, 'rate-limited', `too many requests from this address; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }), {
        'retry-after': String(retryAfterSeconds),
      });
    }
    recent.push(now);
    this.seen.set(address, recent);
    // Addresses that went quiet are forgotten, so the map stays as large as the busy ones.
    if (this.seen.size > 10_000) for (const [key, times] of this.seen) if (now - times[times.length - 1]! >= this.windowMs) this.seen.delete(key);
  }
}
