import { FakeClock, on } from '../support/lifecycle';
import { ProjectFlow } from '../support/project-flow';
import { RunningApp, startTestApp } from '../support/test-app';

/** A cycle's rubric (评分指标), its aggregate rule and its cut-off line, over HTTP. */
describe('review by rubric, and the ranking', () => {
  const clock = new FakeClock(on('2032-09-01'));
  let running: RunningApp;
  let flow: ProjectFlow;

  beforeAll(async () => {
    running = await startTestApp({}, clock);
    flow = await ProjectFlow.start(running, clock);
  });
  afterAll(() => running.stop());

  const RUBRIC = {
    dimensions: [
      { name: '建设基础', indicators: [{ id: 'basis', name: '办学基础', max: 40 }] },
      { name: '建设方案', indicators: [{ id: 'goals', name: '目标任务', max: 35 }, { id: 'funds', name: '经费保障', max: 25 }] },
    ],
  };
  /** A reviewer's indicator scores adding up to `total` (basis 40 at most, goals 35, funds the rest). */
  const scoring = (total: number) => {
    const basis = Math.min(40, total);
    const goals = Math.min(35, total - basis);
    return [{ id: 'basis', score: basis, comment: '办学基础扎实' }, { id: 'goals', score: goals }, { id: 'funds', score: total - basis - goals }];
  };

  it('scores indicator by indicator, ranks by the mean without the highest and lowest of five, marks the quota’s places and the cut-off line; the office corrects with a reason', async () => {
    await flow.openCycle('rubric-2032', 'brand-major', 2032, {
      rules: { quota: 2, rubric: RUBRIC, aggregate: 'trimmed-mean', cutOff: 75 },
      rulesVersion: 'brand-major/2032-rubric',
    });
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    const experts = await Promise.all([1, 2, 3, 4, 5].map((n) => flow.account({ sub: `rubric-expert-${n}`, role: 'reviewer', org: `rubric-university-${n}` })));
    const schools = await Promise.all(['甲', '乙', '丙'].map((name, n) => flow.token({ sub: `rubric-school-${n}`, role: 'applicant', org: `${name}职业学校`, region: '太原市' })));
    clock.set(on('2032-09-02'));
    const projects: string[] = [];
    for (const [n, school] of schools.entries()) projects.push(await flow.draft(school, 'rubric-2032', 'brand-major', `品牌专业 ${n + 1}`));
    clock.set(on('2032-09-05'));
    for (const [n, id] of projects.entries()) await flow.ok(flow.submit(schools[n], id), `submit ${id}`);
    clock.set(on('2032-09-20'));
    for (const [n, id] of projects.entries()) {
      await flow.ok(flow.http.post(`/projects/${id}/formal-check`, recommender, { result: 'passed' }), 'check');
      await flow.ok(flow.http.post(`/projects/${id}/recommend`, recommender, { rank: n + 1 }), 'recommend');
      for (const e of experts) await flow.ok(flow.http.post(`/projects/${id}/reviewers`, flow.office, { reviewerId: e.personId, reviewerOrg: e.org, declaredRelations: [] }), 'assign');
    }
    clock.set(on('2032-10-10'));
    // A single score is refused where the cycle scores by its rubric, naming the field.
    const single = await flow.http.post(`/projects/${projects[0]}/scores`, experts[0].token, { score: 80, comments: '好' });
    expect([single.status, single.body.code, single.headers.get('content-type')]).toEqual([400, 'indicators-required', expect.stringContaining('application/problem+json')]);
    // Five totals each: the highest and the lowest are left out of the project's score.
    const totals = [
      [95, 88, 86, 84, 50], // trimmed 86, mean 80.6
      [90, 80, 79, 78, 77], // trimmed 79
      [70, 72, 74, 60, 99], // trimmed 72: below the line of 75
    ];
    for (const [p, id] of projects.entries()) {
      for (const [n, e] of experts.entries()) {
        await flow.ok(flow.http.post(`/projects/${id}/scores`, e.token, { indicators: scoring(totals[p][n]), comments: `评审意见 ${n + 1}` }), `score ${id}`);
      }
    }
    const project = (await flow.project(projects[0])).body;
    expect(project.reviewers.find((r: { reviewerId: string }) => r.reviewerId === experts[0].personId)).toMatchObject({ score: 95, indicators: scoring(95) });

    const ranking = await flow.http.get('/cycles/rubric-2032/ranking', flow.office);
    expect(ranking.status).toBe(200);
    expect(ranking.body).toMatchObject({ cycleId: 'rubric-2032', quota: 2, cutOff: 75 });
    expect(ranking.body.items.map((i: Record<string, unknown>) => [i.projectId, i.rank, i.score, i.scores, i.withinQuota, i.belowCutOff])).toEqual([
      [projects[0], 1, 86, 5, true, false],
      [projects[1], 2, 79, 5, true, false],
      [projects[2], 3, 72, 5, false, true],
    ]);
    expect(ranking.body.items[0]).toMatchObject({ applicantName: '甲职业学校', status: 'UnderReview' });

    // The office corrects the second project's lowest score (77 to 85) with a reason: 79, 80 and 85 now count, 81.33.
    const corrected = await flow.http.post(`/projects/${projects[1]}/scores/correct`, flow.office, { reviewerId: experts[4].personId, indicators: scoring(85), reason: '分项合计有误，经专家确认更正' });
    expect(corrected.status).toBe(200);
    const after = (await flow.http.get('/cycles/rubric-2032/ranking', flow.office)).body.items;
    expect(after.map((i: Record<string, unknown>) => [i.projectId, i.score])).toEqual([
      [projects[0], 86],
      [projects[1], 81.33],
      [projects[2], 72],
    ]);

    const auditor = await flow.token({ sub: 'rubric-auditor', role: 'auditor', org: '省审计厅' });
    expect((await flow.http.get('/cycles/rubric-2032/ranking', auditor)).status).toBe(200);
    const applicant = await flow.http.get('/cycles/rubric-2032/ranking', schools[0]);
    expect([applicant.status, applicant.body.code]).toEqual([403, 'role-not-allowed']);
    const expert = await flow.http.get('/cycles/rubric-2032/ranking', experts[0].token);
    expect([expert.status, expert.body.code]).toEqual([403, 'role-not-allowed']);
    const unknown = await flow.http.get('/cycles/no-such-cycle/ranking', flow.office);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'cycle-not-found']);
  });
});
