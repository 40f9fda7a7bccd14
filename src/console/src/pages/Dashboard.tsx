import { Card, Col, Empty, Flex, Row, Select, Skeleton, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { call, service } from '../api';
import { useMessages } from '../i18n';
import { replaceQuery, Route } from '../navigation';
import { CyclePicker, ProblemAlert, Section, useLoad } from '../parts';
import { CYCLE_STAGES, STAGES, word } from '../words';

// ECharts comes with the charts, after the page and its tables: no other page downloads it.
const StageFunnel = lazy(() => import('../charts').then((m) => ({ default: m.StageFunnel })));
const QuotaGauge = lazy(() => import('../charts').then((m) => ({ default: m.QuotaGauge })));
const TargetChart = lazy(() => import('../charts').then((m) => ({ default: m.TargetChart })));

/** GET /cycles/{id}/dashboard: the cycle's quota used and remaining (per tier) and its projects per stage. */
interface CycleDashboard {
  readonly id: string;
  readonly programType: string;
  readonly name: string;
  readonly status: string;
  readonly quota: number;
  readonly placesTaken: number;
  readonly remaining: number;
  readonly approved: number;
  readonly applications: number;
  readonly tiers: readonly { readonly tier: string; readonly quota: number; readonly taken: number; readonly remaining: number }[];
  readonly projectsPerStage: Readonly<Record<string, number>>;
}

interface ProgramSummary {
  readonly code: string;
  readonly name: string;
  readonly target: number | null;
  readonly catalogTarget: number | null;
}

/** GET /programs/{code}: the program's target, the quotas its batches took, each batch's approvals (latest opened first). */
interface ProgramDashboard extends ProgramSummary {
  readonly quotasGiven: number;
  readonly placesLeft: number | null;
  readonly cycles: readonly { readonly id: string; readonly name: string; readonly quota: number; readonly approved: number; readonly countsAgainstTarget: boolean }[];
  readonly projects: { readonly approved: number; readonly accredited: number; readonly revoked: number };
}

/** The project lifecycle's stages in order, as words.ts lists them (the service's PROJECT_STATUSES). */
const LIFECYCLE = Object.keys(STAGES.zh);
const lifecycleIndex = (stage: string) => (LIFECYCLE.includes(stage) ? LIFECYCLE.indexOf(stage) : LIFECYCLE.length);

const chartFallback = (height: number) => <Skeleton.Node active style={{ width: '100%', height }} />;

/**
 * The office's and auditors' dashboard (数据看板): a cycle's projects per stage and its quota's places
 * used (per tier where it has tiers); a program's batches against its target. Each chart is a summary
 * to a screen reader, with its numbers in a table beside or below it.
 */
export function Dashboard({ route }: { route: Route }) {
  const { t, language, programs: programNames } = useMessages();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const dashboard = useLoad(
    async () => (cycleId ? ((await call(service.GET('/cycles/{id}/dashboard', { params: { path: { id: cycleId } } }))) as unknown as CycleDashboard) : null),
    [cycleId],
  );
  const programs = useLoad(async () => ((await call(service.GET('/programs'))) as unknown as { items: ProgramSummary[] }).items, []);
  // The program followed is the one asked for, else the chosen cycle's, else the catalog's first.
  const cycleLoading = cycleId !== undefined && dashboard.value === undefined && !dashboard.problem;
  const programCode = route.query.get('program') ?? (cycleLoading ? undefined : (dashboard.value?.programType ?? programs.value?.[0]?.code));
  const program = useLoad(async () => (programCode ? ((await call(service.GET('/programs/{code}', { params: { path: { code: programCode } } }))) as unknown as ProgramDashboard) : null), [programCode]);
  const list = (items: string[]) => items.join(language === 'zh' ? '；' : '; ');

  const stages = useMemo(
    () =>
      Object.entries(dashboard.value?.projectsPerStage ?? {})
        .sort(([a], [b]) => lifecycleIndex(a) - lifecycleIndex(b) || a.localeCompare(b))
        .map(([stage, count]) => ({ stage, name: word(STAGES, language, stage), count })),
    [dashboard.value, language],
  );
  const quotas = dashboard.value
    ? [
        { key: '', name: t.quotaWhole, quota: dashboard.value.quota, taken: dashboard.value.placesTaken, remaining: dashboard.value.remaining },
        ...dashboard.value.tiers.map((tier) => ({ key: tier.tier, name: t.quotaTier.replace('{tier}', tier.tier), quota: tier.quota, taken: tier.taken, remaining: tier.remaining })),
      ]
    : [];
  const quotaSummary = (q: (typeof quotas)[number]) =>
    t.quotaGaugeSummary.replace('{name}', q.name).replace('{quota}', String(q.quota)).replace('{taken}', String(q.taken)).replace('{remaining}', String(q.remaining));

  // Chronological, the first batch first: the running total climbs towards the target.
  const batches = useMemo(() => {
    let soFar = 0;
    return [...(program.value?.cycles ?? [])].reverse().map((c) => {
      soFar += c.approved;
      return { ...c, soFar };
    });
  }, [program.value]);
  const programName = (code: string, name?: string) => programNames[code] ?? name ?? code;
  const names = useMemo(() => ({ approved: t.approvedInBatch, soFar: t.approvedSoFar, target: t.targetLine }), [t]);
  const chartBatches = useMemo(() => batches.map((b) => ({ name: b.name, approved: b.approved, soFar: b.soFar })), [batches]);
  const targetSummary = program.value
    ? (program.value.target === null ? t.targetChartNone : t.targetChartSummary)
        .replace('{program}', programName(program.value.code, program.value.name))
        .replace('{target}', String(program.value.target))
        .replace('{list}', list(batches.map((b) => t.batchApproved.replace('{batch}', b.name).replace('{n}', String(b.approved)).replace('{sum}', String(b.soFar)))))
    : '';

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.dashboardTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.dashboardIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} />
        <ProblemAlert problem={dashboard.problem} style={{ marginTop: 16 }} />
      </Card>
      {cycleLoading && <Skeleton active />}
      {dashboard.value && (
        <>
          <Section title={t.stageFunnel}>
            {stages.length === 0 ? (
              <Empty description={t.stageFunnelEmpty} />
            ) : (
              <Row gutter={[24, 16]}>
                <Col xs={24} lg={14}>
                  <Suspense fallback={chartFallback(32 * stages.length + 24)}>
                    <StageFunnel
                      stages={stages}
                      seriesName={t.projectsInStage}
                      label={t.stageFunnelSummary.replace('{list}', list(stages.map((s) => t.stageCount.replace('{stage}', s.name).replace('{n}', String(s.count)))))}
                    />
                  </Suspense>
                </Col>
                <Col xs={24} lg={10}>
                  <Table
                    aria-label={t.stageFunnel}
                    size="small"
                    rowKey="stage"
                    pagination={false}
                    dataSource={stages}
                    columns={[
                      { title: t.stage, dataIndex: 'name' },
                      { title: t.projectsInStage, dataIndex: 'count', align: 'right' },
                    ]}
                  />
                </Col>
              </Row>
            )}
          </Section>
          <Section title={t.quotaGauges}>
            <Flex gap={48} wrap style={{ marginBottom: 16 }}>
              <Statistic title={t.cycleStatus} value={word(CYCLE_STAGES, language, dashboard.value.status)} />
              <Statistic title={t.dashApplications} value={dashboard.value.applications} />
              <Statistic title={t.dashApproved} value={dashboard.value.approved} />
            </Flex>
            <Flex gap={16} wrap>
              {quotas.map((q) => (
                <Suspense key={q.key} fallback={chartFallback(220)}>
                  <QuotaGauge name={q.name} quota={q.quota} taken={q.taken} label={quotaSummary(q)} />
                </Suspense>
              ))}
            </Flex>
            <Table
              aria-label={t.quotaGauges}
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={quotas}
              style={{ marginTop: 16, maxWidth: 640 }}
              columns={[
                { title: t.quotaScope, dataIndex: 'name' },
                { title: t.quota, dataIndex: 'quota', align: 'right' },
                { title: t.placesTaken, dataIndex: 'taken', align: 'right' },
                { title: t.placesLeft, dataIndex: 'remaining', align: 'right' },
              ]}
            />
          </Section>
        </>
      )}
      <Section title={t.dashProgramTarget}>
        <label>
          {t.programPick}{' '}
          <Select
            aria-label={t.programPick}
            style={{ width: 320 }}
            value={programCode}
            onChange={(code: string) => replaceQuery({ cycleId, program: code })}
            options={(programs.value ?? []).map((p) => ({ value: p.code, label: programName(p.code, p.name) }))}
          />
        </label>
        <ProblemAlert problem={programs.problem ?? program.problem} style={{ marginTop: 16 }} />
        {programCode && program.value === undefined && !program.problem && <Skeleton active style={{ marginTop: 16 }} />}
        {program.value && (
          <>
            <Flex gap={48} wrap style={{ margin: '16px 0' }}>
              <Statistic
                title={t.dashTarget}
                value={program.value.target ?? t.targetNone}
                suffix={program.value.target !== null && program.value.catalogTarget !== null && program.value.target !== program.value.catalogTarget ? t.targetRaised.replace('{n}', String(program.value.catalogTarget)) : undefined}
              />
              <Statistic title={t.quotasGiven} value={program.value.quotasGiven} />
              {program.value.placesLeft !== null && <Statistic title={t.targetPlacesLeft} value={program.value.placesLeft} />}
              <Statistic title={t.dashApproved} value={program.value.projects.approved} />
              <Statistic title={t.accreditedCount} value={program.value.projects.accredited} />
              <Statistic title={t.revokedCount} value={program.value.projects.revoked} />
            </Flex>
            {batches.length === 0 ? (
              <Empty description={t.noBatches} />
            ) : (
              <>
                <Suspense fallback={chartFallback(300)}>
                  <TargetChart batches={chartBatches} target={program.value.target} names={names} label={targetSummary} />
                </Suspense>
                <Table
                  aria-label={t.dashProgramTarget}
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={batches}
                  style={{ marginTop: 16 }}
                  columns={[
                    { title: t.dashBatch, dataIndex: 'name' },
                    { title: t.batchQuota, dataIndex: 'quota', align: 'right' },
                    { title: t.approvedInBatch, dataIndex: 'approved', align: 'right' },
                    { title: t.approvedSoFar, dataIndex: 'soFar', align: 'right' },
                    { title: t.countsAgainstTarget, dataIndex: 'countsAgainstTarget', render: (counts: boolean) => (counts ? t.dashYes : t.dashNo) },
                  ]}
                />
              </>
            )}
          </>
        )}
      </Section>
    </>
  );
}
