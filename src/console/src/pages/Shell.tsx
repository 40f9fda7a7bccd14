import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useContext } from 'react';
import { Session, signOut } from '../api';
import { LanguageContext, Messages, useMessages } from '../i18n';
import { navigate, Page, pathOf } from '../navigation';

/** The pages each role works on, in its menu; everyone also reads the public notices and results. */
function menuOf(session: Session, t: Messages): { key: Page; label: string }[] {
  const role = session.actor?.role;
  const school = session.grants.some((g) => g.org === session.actor?.org && ['school-admin', 'project-lead', 'liaison', 'school-head'].includes(g.kind));
  return [
    { key: 'home', label: t.menuHome },
    ...(role ? [{ key: 'projects' as const, label: t.menuProjects }] : []),
    ...(role === 'applicant' && school ? [{ key: 'apply' as const, label: t.menuApply }] : []),
    ...(role === 'recommender' ? [{ key: 'recommend' as const, label: t.menuRecommend }] : []),
    { key: 'notices', label: t.notices },
    { key: 'results', label: t.menuResults },
  ];
}

/** A signed-in person's frame: the platform, the menu of their role, who they act for, the language, sign-out. */
export function Shell({ session, page, onSignedOut, children }: { session: Session; page: Page; onSignedOut: () => void; children: ReactNode }) {
  const { t } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  const acting = session.grants.find((g) => g.org === session.actor?.org && g.role === session.actor?.role);
  const selected = page === 'project' ? 'projects' : page;

  const leave = async () => {
    await signOut();
    onSignedOut();
    navigate('sign-in');
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#1565c0', paddingInline: 24 }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 18, whiteSpace: 'nowrap' }}>
          {t.appName}
        </Typography.Text>
        <nav aria-label={t.menuHome} style={{ flex: 1, minWidth: 0 }}>
          <Menu
            mode="horizontal"
            theme="dark"
            selectedKeys={[selected]}
            style={{ background: 'transparent', borderBottom: 'none' }}
            items={menuOf(session, t).map((item) => ({
              key: item.key,
              label: (
                <a
                  href={pathOf(item.key)}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(item.key);
                  }}
                >
                  {item.label}
                </a>
              ),
            }))}
          />
        </nav>
        <Space>
          <Typography.Text style={{ color: '#fff' }}>{acting?.orgName ?? session.actor?.org ?? ''}</Typography.Text>
          <Button type="link" style={{ color: '#fff' }} onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
            {t.language}
          </Button>
          <Button onClick={leave}>{t.signOut}</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1200, width: '100%', margin: '0 auto' }}>{children}</Layout.Content>
    </Layout>
  );
}
