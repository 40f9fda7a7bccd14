import { App, Button, Card, Empty, Flex, Input, Skeleton, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { Route } from '../navigation';
import { attempt, CyclePicker, ProblemAlert, Section, useLoad } from '../parts';
import { beijingDay, beijingToday } from '../words';

interface Notice {
  readonly noticeId: string;
  readonly projectIds: readonly string[];
  readonly startsOn: string;
  readonly endsOn: string;
  readonly ended: boolean;
}
interface CycleState {
  readonly rules: { readonly publicNotice: { readonly length: number; readonly unit: 'working-days' | 'calendar-days' } };
  readonly selections: Readonly<Record<string, { readonly status: string }>>;
  readonly notices: Readonly<Record<string, Notice>>;
}

/**
 * The office's selection desk of a cycle (公示与立项): the shortlist put on public notice from a day, its
 * last day counted by the cycle's rule (working days skip weekends and holidays), the notice ended once it
 * has run, and the list approved (立项) with its reason.
 */
export function Desk({ route }: { route: Route }) {
  const { t } = useMessages();
  const { message } = App.useApp();
  const cycleId = route.query.get('cycleId') ?? undefined;
  const cycle = useLoad(async () => (cycleId ? ((await call(service.GET('/cycles/{id}', { params: { path: { id: cycleId } } }))) as unknown as CycleState) : null), [cycleId]);
  const projects = useLoad(
    async () => (cycleId ? ((await call(service.GET('/projects', { params: { query: { cycleId, limit: 500 } } }))) as unknown as { items: { id: string; title: string }[] }).items : []),
    [cycleId],
  );
  const [startsOn, setStartsOn] = useState(beijingToday());
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  const titleOf = (id: string) => projects.value?.find((p) => p.id === id)?.title ?? id;
  const withStatus = (status: string) => Object.entries(cycle.value?.selections ?? {}).filter(([, s]) => s.status === status).map(([id]) => id);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setProblem(null);
    if (await attempt(action, setProblem)) {
      void message.success(done);
      cycle.reload();
    }
  };
  const notice = cycle.value?.rules.publicNotice;

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.deskTitle}</h1>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t.deskIntro}</Typography.Paragraph>
        <CyclePicker value={cycleId} />
        <ProblemAlert problem={cycle.problem ?? problem} style={{ marginTop: 16 }} />
      </Card>
      {cycleId && cycle.value === undefined && <Skeleton active />}
      {cycleId && cycle.value && notice && (
        <>
          <Section title={t.openNoticeTitle}>
            <Typography.Paragraph>
              {t.awaitingNotice.replace('{n}', String(withStatus('shortlisted').length))}{' '}
              {(notice.unit === 'working-days' ? t.noticeWorkingDays : t.noticeCalendarDays).replace('{n}', String(notice.length))}
            </Typography.Paragraph>
            <Flex gap={12} align="flex-end" wrap>
              <label>
                {t.noticeStartsOn}{' '}
                <Input aria-label={t.noticeStartsOn} type="date" style={{ width: 180 }} value={startsOn} onChange={(event) => setStartsOn(event.target.value)} />
              </label>
              <Button
                type="primary"
                disabled={withStatus('shortlisted').length === 0 || !startsOn}
                onClick={() => run(() => call(service.POST('/cycles/{id}/open-notice', { params: { path: { id: cycleId } }, body: { startsOn } })), t.noticeOpened)}
              >
                {t.openNotice}
              </Button>
            </Flex>
          </Section>
          <Section title={t.noticesOfCycle}>
            {Object.keys(cycle.value.notices).length === 0 ? (
              <Empty description={t.noNotices} />
            ) : (
              <Table<Notice>
                rowKey="noticeId"
                pagination={false}
                dataSource={Object.values(cycle.value.notices)}
                columns={[
                  { title: t.noticeProjects, dataIndex: 'projectIds', render: (ids: string[]) => ids.map(titleOf).join('、') },
                  { title: t.noticePeriod, render: (_: unknown, n) => `${beijingDay(n.startsOn)} – ${beijingDay(n.endsOn)}` },
                  { title: t.stage, dataIndex: 'ended', render: (ended: boolean) => <Tag color={ended ? 'default' : 'blue'}>{ended ? t.noticeEnded : t.noticeRunning}</Tag> },
                  {
                    title: '',
                    render: (_: unknown, n) =>
                      !n.ended && (
                        <Flex gap={12} align="center">
                          {/* The paper posted while the notice runs; once ended, its projects have left the notice. */}
                          <a href={`/notices/${encodeURIComponent(cycleId)}/${encodeURIComponent(n.noticeId)}/pdf`} target="_blank" rel="noreferrer">
                            {t.printNotice}
                          </a>
                          <Button onClick={() => run(() => call(service.POST('/cycles/{id}/end-notice', { params: { path: { id: cycleId } }, body: { noticeId: n.noticeId } })), t.noticeEndedDone)}>
                            {t.endNotice}
                          </Button>
                        </Flex>
                      ),
                  },
                ]}
              />
            )}
          </Section>
          <Section title={t.approveTitle}>
            <Typography.Paragraph>{t.awaitingApproval.replace('{n}', String(withStatus('notice-ended').length))}</Typography.Paragraph>
            <Flex gap={12} align="flex-end" wrap>
              <label style={{ flex: '1 1 360px' }}>
                {t.approveReason}
                <Input aria-label={t.approveReason} value={reason} onChange={(event) => setReason(event.target.value)} maxLength={2000} />
              </label>
              <Button
                type="primary"
                disabled={withStatus('notice-ended').length === 0 || reason.trim() === ''}
                onClick={() => run(() => call(service.POST('/cycles/{id}/approve', { params: { path: { id: cycleId } }, body: { projectIds: withStatus('notice-ended'), reason } })), t.approved)}
              >
                {t.approveList.replace('{n}', String(withStatus('notice-ended').length))}
              </Button>
            </Flex>
          </Section>
        </>
      )}
    </>
  );
}
