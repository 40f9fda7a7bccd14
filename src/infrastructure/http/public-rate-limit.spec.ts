import { PublicRateLimit } from './public-rate-limit';
import { ProblemError } from './problem.filter';

describe('PublicRateLimit', () => {
  it('takes `limit` requests from an address in any window, refuses the next with the seconds to wait, and counts addresses apart', () => {
    let now = 1_000_000;
    const limit = new PublicRateLimit(3, 60_000, () => now);
    for (let i = 0; i < 3; i += 1) {
      limit.take('10.0.0.1');
      now += 10_000;
    }
    let refusal: unknown;
    try {
      limit.take('10.0.0.1');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ProblemError);
    const { problem, headers } = refusal as ProblemError;
    // The first of the three was 30 s ago: one is allowed again in 30 s.
    expect({ status: problem.status, code: problem.code, retryAfterSeconds: problem.retryAfterSeconds, header: headers['retry-after'] }).toEqual({ status: 429, code: 'rate-limited', retryAfterSeconds: 30, header: '30' });
    expect(() => limit.take('10.0.0.2')).not.toThrow();
    now += 30_000;
    expect(() => limit.take('10.0.0.1')).not.toThrow();
    expect(() => limit.take('10.0.0.1')).toThrow(ProblemError);
  });
});
