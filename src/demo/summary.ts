import type { PlanResult } from './play-plan';
import { count, displayWidth as width, padEnd, padStart } from './text';

/** The summary table per program, the enterprises, the audit and the checks, as lines of text. */
export function formatSummary(result: PlanResult): string[] {
  const header = ['program', 'quota', 'applications', 'shortlisted', 'not selected', 'removed', 'approved', 'accredited', 'revoked', ''];
  const rows = result.programs.map((p) => [
    p.programType,
    count(p.quota),
    count(p.applications),
    count(p.shortlisted),
    count(p.notSelected),
    count(p.removedAfterObjection),
    `${count(p.approved)}/${count(p.quota)}`,
    count(p.accredited),
    count(p.revoked),
    p.name,
  ]);
  const total = (pick: (p: PlanResult['programs'][number]) => number) => count(result.programs.reduce((s, p) => s + pick(p), 0));
  rows.push([
    'total',
    total((p) => p.quota),
    total((p) => p.applications),
    total((p) => p.shortlisted),
    total((p) => p.notSelected),
    total((p) => p.removedAfterObjection),
    `${total((p) => p.approved)}/${total((p) => p.quota)}`,
    total((p) => p.accredited),
    total((p) => p.revoked),
    '',
  ]);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? padEnd(c, widths[i]) : padStart(c, widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const e = result.enterprises;
  const lines = [
    '',
    'Summary (GET /cycles/{id}/dashboard and GET /projects?cycleId=…&status=…, read with ?after=<last position>)',
    '',
    line(header),
    rule,
    ...rows.slice(0, -1).map(line),
    rule,
    line(rows[rows.length - 1]),
    '',
    `review (GET /cycles/{id}/ranking): brand majors scored by a 3-dimension rubric, ${count(result.review.ranked)} ranked, top ${result.review.top}, ${count(result.review.belowCutOff)} below the cut-off line of ${result.review.cutOff}`,
    `yearly performance (POST /projects/{id}/annual-reports/grade): ${count(result.performance.graded)} reports graded, ${count(result.performance.poor)} poor${result.performance.school ? ` (${result.performance.school}: warned, next grant ¥${count(result.performance.cappedGrant ?? 0)}, 20% less)` : ''}`,
    `funds (GET /cycles/{id}/funds), yuan: ${result.programs.map((p) => `${p.programType} ${count(p.funds.granted)} granted of ${count(p.funds.budget)}, ${count(p.funds.disbursed)} paid`).join(' · ')}`,
    `enterprises (GET /enterprises?status=…): ${count(e.applied)} applied · ${count(e.notAdmitted)} not admitted · ${count(e.incubating)} incubating · ${count(e.certified)} certified · ${count(e.disqualified)} disqualified (banned 5 years)`,
    `audit (GET /audit/verify as auditor): ${result.audit.ok ? 'ok' : 'BROKEN'} — ${count(result.audit.checkedEvents)} events in ${count(result.audit.checkedStreams)} streams checked`,
    `played to ${result.endedOn} in ${result.seconds.toFixed(1)} s: ${count(result.requests)} HTTP requests (${count(result.retries)} resent), ${count(result.documents)} documents uploaded`,
    '',
  ];
  if (result.problems.length === 0) {
    lines.push('✓ approved ≤ quota and granted ≤ budget in every cycle; every approved project accredited or revoked; the hash chain of the whole log is intact');
  } else {
    lines.push('✗ the summary does not hold:', ...result.problems.map((p) => `  - ${p}`));
  }
  return lines;
}
