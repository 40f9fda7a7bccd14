import { App, Button, Card, Empty, Flex, Input, Skeleton, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { linkProps, Route } from '../navigation';
import { attempt, CyclePicker, ExportLinks, ProblemAlert, useLoad } from '../parts';
import { word, STAGES } from '../words';

interface Ranked {
  readonly projectId: string;
  readonly title: string;
  readonly applicantName: string | null;
  readonly applicantOrg: string;
  readonly region: string;
  readonly status: string;
  readonly score: number | null;
  readonly scores: number;
  readonly rank: number | null;
  readonly withinQuota: boolean;
  readonly belowCutOff: boolean;
}

/** Where a project may still be shortlisted from. */
const SHORTLISTABLE = ['Recommended', 'UnderReview', 'FormallyChecked'];

/**
 * The program office's ranked list of a cycle (排名): the applications by their review score under the
 * cycle's aggregate rule, the quota's places and the cut-off line in view; the office picks the
 * shortlist from it (preselected: the places the quota has, above the line) and records it with its reason.
 */
export function Ranking({ route }: { route: Route }) {
  const { t, language } = useMessages();
  const { message } = App.useApp();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const dashboard = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}/dashboard', { params: { path: { id: cycleId } } }))) as unknown as { quota: number; placesTaken: number; remaining: number }) : null), [cycleId]);
  const ranking = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}/ranking', { params: { path: { id: cycleId } } }))) as unknown as { cutOff: number | null; items: Ranked[] }) : null), [cycleId]);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const open = (ranking.value?.items ?? []).filter((r) => SHORTLISTABLE.includes(r.status));
  const left = dashboard.value?.remaining ?? 0;
  const suggested = open.filter((r) => r.score !== null && !r.belowCutOff).slice(0, left).map((r) => r.projectId);
  const selected = chosen ?? suggested;

  const shortlist = async () => {
    if (!cycleId) return;
    setProblem(null);
    setBusy(true);
    const done = await attempt(() => call(service.POST('/cycles/{id}/shortlist', { params: { path: { id: cycleId } }, body: { shortlisted: selected.map((projectId) => ({ projectId })), notSelected: [], reason } })), setProblem);
    setBusy(false);
    if (done) {
      void message.success(t.shortlisted);
      setChosen(null);
      dashboard.reload();
      ranking.reload();
    }
  };

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.rankingTitle}</h1>
      <Card>
        <Typography.Paragraph type="secondary">{t.rankingIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} onChange={() => setChosen(null)} />
        <ProblemAlert problem={dashboard.problem ?? ranking.problem} style={{ marginTop: 16 }} />
        {cycleId && (ranking.value === undefined || dashboard.value === undefined) && <Skeleton active />}
        {ranking.value && dashboard.value && (
          <>
            <Flex gap={48} style={{ margin: '16px 0' }}>
              <Statistic title={t.quota} value={dashboard.value.quota} />
              <Statistic title={t.placesTaken} value={dashboard.value.placesTaken} />
              <Statistic title={t.placesLeft} value={dashboard.value.remaining} />
              <Statistic title={t.cutOffLine} value={ranking.value.cutOff ?? '—'} />
            </Flex>
            <Flex justify="flex-end" style={{ marginBottom: 8 }}>
              <ExportLinks path={`/cycles/${encodeURIComponent(cycleId ?? '')}/ranking`} />
            </Flex>
            {ranking.value.items.length === 0 ? (
              <Empty description={t.rankingEmpty} />
            ) : (
              <Table<Ranked>
                rowKey="projectId"
                pagination={false}
                dataSource={ranking.value.items}
                rowSelection={{
                  selectedRowKeys: selected,
                  onChange: (keys) => setChosen(keys.map(String)),
                  getCheckboxProps: (row) => ({ disabled: !SHORTLISTABLE.includes(row.status), 'aria-label': `${t.chooseForShortlist}：${row.title}` }),
                }}
                columns={[
                  { title: t.rankPlace, dataIndex: 'rank', render: (rank: number | null) => rank ?? '—', width: 72 },
                  { title: t.projectTitle, dataIndex: 'title', render: (title: string, row) => <a {...linkProps('project', row.projectId)}>{title}</a> },
                  { title: t.applicant, dataIndex: 'applicantName', render: (name: string | null, row) => name ?? row.applicantOrg },
                  { title: t.score, dataIndex: 'score', render: (score: number | null, row) => (score === null ? '—' : `${score}（${row.scores} ${t.scoresCount}）`) },
                  {
                    title: t.line,
                    render: (_: unknown, row) => (
                      <>
                        {row.withinQuota && <Tag color="blue">{t.withinQuota}</Tag>}
                        {row.belowCutOff && <Tag color="red">{t.belowCutOff}</Tag>}
                      </>
                    ),
                  },
                  { title: t.stage, dataIndex: 'status', render: (status: string) => word(STAGES, language, status) },
                ]}
              />
            )}
            <ProblemAlert problem={problem} style={{ marginTop: 16 }} />
            <Flex gap={12} align="flex-end" wrap style={{ marginTop: 16 }}>
              <label style={{ flex: '1 1 360px' }}>
                {t.shortlistReason}
                <Input aria-label={t.shortlistReason} value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} />
              </label>
              <Button type="primary" onClick={shortlist} loading={busy} disabled={selected.length === 0 || reason.trim() === ''}>
                {t.shortlistChosen.replace('{n}', String(selected.length))}
              </Button>
            </Flex>
          </>
        )}
      </Card>
    </>
  );
}
