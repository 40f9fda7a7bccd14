import { playPlan } from '../../src/demo/play-plan';
import { formatSummary } from '../../src/demo/summary';
import { Accounts } from '../support/accounts';
import { RunningApp, startTestApp } from '../support/test-app';

/**
 * `npm run demo` at a small scale: the 2020 plan played through HTTP alone against the real service on
 * its simulated clock, every person registered through the API by the office's first admin, from the opening of the cycles to accreditation, revocation, certification and
 * the auditor's verification, with the summary holding.
 */
describe('the demo (npm run demo) at a small scale', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startTestApp({ CLOCK: 'simulated', CLOCK_START: '2020-09-01T01:00:00Z' });
  });
  afterAll(() => running.stop());

  it('plays the 2020 Shanxi plan within the quotas, and the whole log verifies', async () => {
    const lines: string[] = [];
    const result = await playPlan(running.url, await Accounts.of(running), { scale: 20, log: (line) => lines.push(line) });

    expect(result.problems).toEqual([]);
    expect(result.programs.map((p) => [p.programType, p.quota])).toEqual([
      ['secondary-school', 60],
      ['higher-college', 10],
      ['specialty-group', 20],
      ['brand-major', 200],
      ['quality-course', 200],
    ]);
    for (const p of result.programs) {
      expect(p.applications).toBeGreaterThan(0);
      expect(p.approved).toBeGreaterThan(0);
      expect(p.approved).toBeLessThanOrEqual(p.quota);
      expect(p.accredited + p.revoked).toBe(p.approved);
      // Every approved project was granted from the provincial budget, and 60% of it paid.
      expect(p.funds.granted).toBeGreaterThan(0);
      expect(p.funds.granted).toBeLessThanOrEqual(p.funds.budget);
      // The schools match half of their 2020 grants; the downgraded major's 2021 grant has no match.
      expect(p.funds.granted - 2 * p.funds.matching).toBe(p.programType === 'brand-major' ? result.performance.cappedGrant : 0);
    }
    const total = (pick: (p: (typeof result.programs)[number]) => number) => result.programs.reduce((s, p) => s + pick(p), 0);
    expect(total((p) => p.removedAfterObjection)).toBe(1);
    expect(total((p) => p.revoked)).toBe(1);
    expect(total((p) => p.notSelected)).toBeGreaterThan(0);
    expect(result.enterprises).toMatchObject({ notAdmitted: 1, disqualified: 1 });
    expect(result.enterprises.certified).toBeGreaterThan(0);
    expect(result.audit.ok).toBe(true);
    expect(result.audit.checkedEvents).toBeGreaterThan(500);
    expect(result.endedOn).toBe('2025-12-20');

    // One progress line per phase, the refused re-application among them.
    expect(lines.length).toBeGreaterThan(40);
    expect(lines.find((l) => l.includes('banned enterprise re-applies'))).toContain('409 applicant-banned');
    expect(lines.find((l) => l.includes('objection upheld'))).toMatch(/taken off the list/);
    expect(lines.find((l) => l.includes('funds recovered'))).toMatch(/the recovery is complete/);
    // Brand majors scored by the rubric and ranked with a cut-off line; one yearly downgrade with its grant at the cap.
    expect(result.review.ranked).toBeGreaterThan(0);
    expect(result.review.cutOff).toBe(60);
    expect(result.performance).toMatchObject({ poor: 1, cappedGrant: 400_000 });
    expect(result.performance.graded).toBeGreaterThan(1);
    expect(formatSummary(result).join('\n')).toContain('✓ approved ≤ quota and granted ≤ budget in every cycle');
  }, 120_000);
});
