import { Button, Card, Flex, Skeleton, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { call, NOTIFICATIONS_CHANGED, Problem, service } from '../api';
import { useMessages } from '../i18n';
import { linkProps } from '../navigation';
import { attempt, ProblemAlert, useLoad } from '../parts';
import { beijingTime, notificationSentence } from '../words';
import { NotificationPreferences } from './NotificationPreferences';

/** One notification as GET /notifications answers it. */
export interface NotificationView {
  readonly id: string;
  readonly kind: string;
  readonly subject: 'project' | 'enterprise' | 'person';
  readonly recordId: string;
  readonly title: string | null;
  readonly outcome: string | null;
  readonly dueOn: string | null;
  readonly at: string;
  readonly read: boolean;
}

interface NotificationsPage {
  readonly items: NotificationView[];
  readonly total: number;
  readonly unread: number;
}

/** Where a notification leads: the project (an expert's assignment, to its review), the enterprise, or home for a duty. */
const linkOf = (n: NotificationView) =>
  n.subject === 'project' ? linkProps(n.kind === 'reviewer-assigned' ? 'review' : 'project', n.recordId) : n.subject === 'enterprise' ? linkProps('enterprise', n.recordId) : linkProps('home');

/** The most a person's list shows at once: the newest first. */
const PAGE = 200;

/** The person's notifications, newest first, unread ones marked, each a link to its record; read marks per item or all at once. */
export function Notifications() {
  const { t, language } = useMessages();
  const [problem, setProblem] = useState<Problem | null>(null);
  const page = useLoad(async () => (await call(service.GET('/notifications', { params: { query: { limit: PAGE } } }))) as unknown as NotificationsPage, []);
  const sentence = (n: NotificationView) => notificationSentence(language, n);

  const mark = async (body: { ids: string[] } | { all: true }) => {
    setProblem(null);
    const done = await attempt(() => call(service.POST('/notifications/read', { body: body as never })), setProblem);
    if (done === undefined) return;
    page.reload();
    window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
  };

  const unread = page.value?.unread ?? 0;
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.notificationsTitle}</h1>
      <Card>
        <Typography.Paragraph type="secondary">{t.notificationsIntro}</Typography.Paragraph>
        <ProblemAlert problem={page.problem ?? problem} />
        <Flex gap={16} align="center" style={{ marginBottom: 16 }}>
          <Typography.Text strong>{t.notificationsUnread.replace('{count}', String(unread))}</Typography.Text>
          <Button onClick={() => void mark({ all: true })} disabled={unread === 0}>
            {t.notificationsMarkAll}
          </Button>
        </Flex>
        {page.value === undefined && !page.problem ? (
          <Skeleton active />
        ) : (
          <Table<NotificationView>
            rowKey="id"
            pagination={false}
            locale={{ emptyText: t.notificationsEmpty }}
            dataSource={page.value?.items ?? []}
            onRow={(n) => (n.read ? {} : { style: { background: '#e6f4ff' } })}
            columns={[
              {
                title: t.notificationsWhat,
                key: 'what',
                render: (_: unknown, n) => (
                  <Flex gap={8} align="center" wrap>
                    {n.read ? null : <Tag color="blue">{t.notificationsUnreadTag}</Tag>}
                    <a {...linkOf(n)} style={{ fontWeight: n.read ? undefined : 600 }}>
                      {sentence(n)}
                    </a>
                  </Flex>
                ),
              },
              { title: t.notificationsWhen, dataIndex: 'at', width: 180, render: (at: string) => <span style={{ whiteSpace: 'nowrap' }}>{beijingTime(at)}</span> },
              {
                title: '',
                key: 'mark',
                width: 120,
                render: (_: unknown, n) =>
                  n.read ? null : (
                    <Button size="small" onClick={() => void mark({ ids: [n.id] })}>
                      {t.notificationsMarkRead}
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <NotificationPreferences />
    </>
  );
}
