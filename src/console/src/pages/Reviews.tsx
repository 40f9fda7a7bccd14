import { Card, Empty, Skeleton, Table, Tag } from 'antd';
import { call, service, Session } from '../api';
import { PROGRAMS, useMessages } from '../i18n';
import { linkProps } from '../navigation';
import { DueTag, ProblemAlert, useLoad } from '../parts';

interface Assignment {
  readonly projectId: string;
  readonly title: string;
  readonly cycleId: string;
  readonly programType: string;
  readonly status: string;
  readonly score: number | null;
  /** The day (Beijing) the score is due. */
  readonly dueOn: string | null;
  /** Still to score after its day, by the service's clock. */
  readonly overdue: boolean;
  readonly state: 'pending' | 'submitted' | 'recused';
}

// Colours whose text keeps 4.5:1 on their tag (Ant Design's orange and green fall short).
const STATE_COLOUR = { pending: 'blue', submitted: 'default', recused: 'default' } as const;

/** An expert's queue (评审任务): the projects assigned to them, those still to score first. */
export function Reviews({ session }: { session: Session }) {
  const { t, language } = useMessages();
  const queue = useLoad(
    async () => (await call(service.GET('/reviewers/{reviewerId}/queue', { params: { path: { reviewerId: session.personId }, query: { limit: 500 } } }))) as unknown as { items: Assignment[]; pending: number; submitted: number },
    [session.personId],
  );
  const states: Record<Assignment['state'], string> = { pending: t.reviewPending, submitted: t.reviewSubmitted, recused: t.reviewRecused };
  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.menuReviews}</h1>
      <ProblemAlert problem={queue.problem} />
      <Card>
        {queue.value === undefined && !queue.problem && <Skeleton active />}
        {queue.value?.items.length === 0 && <Empty description={t.reviewsEmpty} />}
        {queue.value && queue.value.items.length > 0 && (
          <Table<Assignment>
            rowKey="projectId"
            pagination={false}
            dataSource={queue.value.items}
            caption={t.reviewsCaption.replace('{pending}', String(queue.value.pending)).replace('{submitted}', String(queue.value.submitted))}
            columns={[
              { title: t.projectTitle, dataIndex: 'title', render: (title: string, row) => <a {...linkProps('review', row.projectId)}>{title}</a> },
              { title: t.program, dataIndex: 'programType', render: (code: string) => PROGRAMS[language][code] ?? code },
              { title: t.reviewState, dataIndex: 'state', render: (state: Assignment['state']) => <Tag color={STATE_COLOUR[state]}>{states[state]}</Tag> },
              { title: t.score, dataIndex: 'score', render: (score: number | null) => score ?? '—' },
              // Only what is still to score has a day that matters; a day passed reads as overdue.
              {
                title: t.reviewDueOn,
                dataIndex: 'dueOn',
                render: (dueOn: string | null, row) => (row.state !== 'pending' || !dueOn ? '—' : <DueTag>{row.overdue ? `${dueOn} ${t.reviewOverdue}` : dueOn}</DueTag>),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
