import { Card, Descriptions, Empty, Flex, Skeleton, Tag, Typography } from 'antd';
import { useContext } from 'react';
import { call, Session, service } from '../api';
import { LanguageContext, useMessages } from '../i18n';
import { linkProps } from '../navigation';
import { DueTag, ProblemAlert, useLoad } from '../parts';
import { beijingDay, word, WORK } from '../words';

interface TodoItem {
  readonly subject: 'project' | 'enterprise';
  readonly kind: string;
  readonly count: number;
  readonly dueOn: string | null;
  readonly status: string | null;
}

/** Where a to-do item leads: the list under its status, the overdue list, or the enterprise's own page for what it owes. */
function todoLink(item: TodoItem, session: Session) {
  if (item.kind === 'score-review') return linkProps('reviews');
  // The office resolves objections from their own page, across projects and enterprises.
  if (item.kind === 'resolve-objections') return linkProps('objections');
  if (item.subject === 'enterprise') return item.status ? linkProps('enterprises', null, { status: item.status }) : linkProps('enterprise', session.actor?.org);
  if (item.status) return linkProps('projects', null, { status: item.status });
  return linkProps('projects', null, item.kind === 'overdue' ? { overdue: '1' } : { due: item.kind });
}

/** A person's home: their to-do list (待办) with counts and due days, who they act as, and their grants. */
export function Home({ session }: { session: Session }) {
  const { t, duties } = useMessages();
  const { language } = useContext(LanguageContext);
  // Chinese punctuation for Chinese text, Latin for English.
  const [colon, open, close] = language === 'zh' ? ['：', '（', '）'] : [': ', ' (', ')'];
  const acting = session.grants.find((g) => g.org === session.actor?.org && g.role === session.actor?.role);
  const todo = useLoad(async () => (session.actor ? ((await call(service.GET('/todo'))) as unknown as { items: TodoItem[] }).items : []), [session.actor]);

  return (
    <>
      <h1 style={{ fontSize: 22 }}>{t.todo}</h1>
      <ProblemAlert problem={todo.problem} />
      <Card style={{ marginBottom: 24 }}>
        {todo.value === undefined && !todo.problem && <Skeleton active />}
        {todo.value?.length === 0 && <Empty description={t.todoEmpty} />}
        {todo.value && todo.value.length > 0 && (
          <ul aria-label={t.todo} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {todo.value.map((item) => (
              <li key={`${item.subject}/${item.kind}`} style={{ padding: '12px 0', borderBottom: '1px solid #f0f0f0' }}>
                <Flex justify="space-between" align="center" gap={16}>
                  <a {...todoLink(item, session)}>
                    <Typography.Text strong>{word(WORK, language, item.kind)}</Typography.Text>
                  </a>
                  <Flex gap={8} align="center">
                    {item.dueOn && <DueTag>{`${t.dueBy} ${beijingDay(item.dueOn)}`}</DueTag>}
                    <Tag color="blue" style={{ fontSize: 14 }}>{`${item.count} ${t.todoCount}`.trim()}</Tag>
                  </Flex>
                </Flex>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <h2 style={{ fontSize: 18 }}>{t.actingAs}</h2>
      {session.actor ? (
        <Descriptions bordered size="small" column={1} style={{ marginBottom: 24, background: '#fff' }}>
          <Descriptions.Item label={t.duty}>{acting ? duties[acting.kind] : session.actor.role}</Descriptions.Item>
          <Descriptions.Item label={t.organisation}>{acting?.orgName ?? session.actor.org}</Descriptions.Item>
          {session.actor.region && <Descriptions.Item label={t.city}>{session.actor.region}</Descriptions.Item>}
        </Descriptions>
      ) : (
        <Typography.Paragraph type="warning">{t.noGrant}</Typography.Paragraph>
      )}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t.myGrants}</h2>}>
        <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {session.grants.map((grant) => (
            <li key={grant.grantId} style={{ padding: '12px 0', borderBottom: '1px solid #f0f0f0' }}>
              <Flex justify="space-between" align="center" gap={16}>
                <div>
                  <Typography.Text strong>{duties[grant.kind] ?? grant.kind}</Typography.Text>
                  <br />
                  <Typography.Text type="secondary">
                    {[grant.orgName ? `${grant.orgName}${open}${grant.org}${close}` : grant.org, grant.region].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </div>
                <Tag>{`${t.project}${colon}${grant.projectId ?? t.allProjects}`}</Tag>
              </Flex>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
