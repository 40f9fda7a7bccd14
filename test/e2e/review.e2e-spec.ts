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

  it('forms a panel of a field from the pool, assigns it spreading the load and never to a project’s own side, and shows each expert’s progress', async () => {
    await flow.openCycle('panel-2032', 'brand-major', 2032, { opensAt: '2032-09-01T00:00:00+08:00', closesAt: '2032-09-15T00:00:00+08:00' });
    const recommender = await flow.token({ sub: 'ty-1', role: 'recommender', org: '太原市教育局', region: '太原市' });
    // Four experts of 装备制造: the fourth works at the second school; one more of another field.
    const schools = await Promise.all(['丁', '戊'].map((name, n) => flow.account({ sub: `panel-school-${n}`, role: 'applicant', org: `${name}职业学校`, region: '太原市' })));
    const expert = async (sub: string, org: string, fields: string[]) => {
      const account = await flow.account({ sub, role: 'reviewer', org });
      await flow.ok(flow.http.post(`/people/${account.personId}/expert-profile`, account.token, { fields, affiliations: [] }), `profile ${sub}`);
      return account;
    };
    const experts = [
      await expert('panel-expert-1', 'panel-university-1', ['装备制造']),
      await expert('panel-expert-2', 'panel-university-2', ['装备制造']),
      await expert('panel-expert-3', 'panel-university-3', ['装备制造']),
      await expert('panel-expert-4', '戊职业学校', ['装备制造']),
    ];
    const other = await expert('panel-expert-5', 'panel-university-5', ['电子信息']);
    clock.set(on('2032-09-02'));
    const projects: string[] = [];
    for (const [n, school] of schools.entries()) projects.push(await flow.draft(school.token, 'panel-2032', 'brand-major', `专业 ${n + 1}`));
    clock.set(on('2032-09-05'));
    for (const [n, id] of projects.entries()) await flow.ok(flow.submit(schools[n].token, id), 'submit');
    clock.set(on('2032-09-20'));
    for (const [n, id] of projects.entries()) {
      await flow.ok(flow.http.post(`/projects/${id}/formal-check`, recommender, { result: 'passed' }), 'check');
      await flow.ok(flow.http.post(`/projects/${id}/recommend`, recommender, { rank: n + 1 }), 'recommend');
    }

    const mismatch = await flow.http.post('/cycles/panel-2032/panels', flow.office, { panelId: 'manufacturing', field: '装备制造', experts: [experts[0].personId, other.personId] });
    expect([mismatch.status, mismatch.body.code]).toEqual([409, 'expert-field-mismatch']);
    const formed = await flow.http.post('/cycles/panel-2032/panels', flow.office, { panelId: 'manufacturing', field: '装备制造', experts: experts.map((e) => e.personId) });
    expect([formed.status, formed.headers.get('location')]).toEqual([201, '/cycles/panel-2032/panels/manufacturing']);
    // Who sits on the panel is the office's: the cycle as a school reads it has no panels.
    expect((await flow.http.get('/cycles/panel-2032', schools[0].token)).body).not.toHaveProperty('panels');
    expect((await flow.http.get('/cycles/panel-2032', flow.office)).body.panels.manufacturing.field).toBe('装备制造');

    const assigned = await flow.http.post('/cycles/panel-2032/panels/manufacturing/assign', flow.office, { projectIds: projects, perProject: 3 });
    expect(assigned.status).toBe(200);
    // 戊 cannot have expert 4 (its own school): served first, it gets 1, 2 and 3; 丁 then gets 4, the least loaded, and two more.
    expect(assigned.body.assigned).toHaveLength(6);
    expect(assigned.body.conflicts).toEqual([{ projectId: projects[1], reviewerId: experts[3].personId }]);
    expect(assigned.body.refused).toEqual([]);
    const reviewersOf = async (id: string) => ((await flow.project(id)).body.reviewers as { reviewerId: string }[]).map((r) => r.reviewerId).sort();
    expect(await reviewersOf(projects[1])).toEqual([experts[0], experts[1], experts[2]].map((e) => e.personId).sort());
    expect(await reviewersOf(projects[0])).toContain(experts[3].personId);

    const progress = (await flow.http.get(`/cycles/panel-2032/experts?after=${await flow.lastPosition()}`, flow.office)).body.items as { reviewerId: string; assigned: number; pending: number; scored: number }[];
    const loads = progress.map((p) => p.assigned).sort();
    expect(loads.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
    expect(progress.every((p) => p.pending === p.assigned && p.scored === 0)).toBe(true);
    const refusedRead = await flow.http.get('/cycles/panel-2032/experts', schools[0].token);
    expect([refusedRead.status, refusedRead.body.code]).toEqual([403, 'role-not-allowed']);
    const unknown = await flow.http.post('/cycles/panel-2032/panels/nope/assign', flow.office, { projectIds: projects, perProject: 1 });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'panel-not-found']);
    const byApplicant = await flow.http.post('/cycles/panel-2032/panels/manufacturing/assign', schools[0].token, { projectIds: projects, perProject: 1 });
    expect([byApplicant.status, byApplicant.body.code]).toEqual([403, 'role-not-allowed']);
  });
});
