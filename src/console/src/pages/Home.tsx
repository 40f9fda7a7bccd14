import { Button, Card, Descriptions, Empty, Flex, Layout, Space, Tag, Typography } from 'antd';
import { useContext } from 'react';
import { Session, signOut } from '../api';
import { LanguageContext, useMessages } from '../i18n';
import { navigate } from '../navigation';

/** A person's home: who they act as, their grants, and (to come) their to-do list. */
export function Home({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const { t, duties } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  // Chinese punctuation for Chinese text, Latin for English.
  const [colon, open, close] = language === 'zh' ? ['：', '（', '）'] : [': ', ' (', ')'];
  const acting = session.grants.find((g) => g.org === session.actor?.org && g.role === session.actor?.role);

  const leave = async () => {
    await signOut();
    onSignedOut();
    navigate('sign-in');
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', background: '#1565c0' }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 18 }}>
          {t.appName}
        </Typography.Text>
        <Space>
          <Button type="link" style={{ color: '#fff' }} onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
            {t.language}
          </Button>
          <Button onClick={leave}>{t.signOut}</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1100, width: '100%', margin: '0 auto' }}>
        <h1 style={{ fontSize: 22 }}>{t.actingAs}</h1>
        {session.actor ? (
          <Descriptions bordered size="small" column={1} style={{ marginBottom: 24, background: '#fff' }}>
            <Descriptions.Item label={t.duty}>{acting ? duties[acting.kind] : session.actor.role}</Descriptions.Item>
            <Descriptions.Item label={t.organisation}>{acting?.orgName ?? session.actor.org}</Descriptions.Item>
            {session.actor.region && <Descriptions.Item label={t.city}>{session.actor.region}</Descriptions.Item>}
          </Descriptions>
        ) : (
          <Typography.Paragraph type="warning">{t.noGrant}</Typography.Paragraph>
        )}
        <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t.todo}</h2>} style={{ marginBottom: 24 }}>
          <Empty description={t.todoEmpty} />
        </Card>
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
      </Layout.Content>
    </Layout>
  );
}
