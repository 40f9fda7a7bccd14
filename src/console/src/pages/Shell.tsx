import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useContext } from 'react';
import { Session, signOut } from '../api';
import { LanguageContext, Messages, useMessages } from '../i18n';
import { navigate, Page, pathOf } from '../navigation';

/** The pages each role works on, in its menu; everyone also reads the public notices and results. */
function menuOf(session: Session, t: Messages): { key: string; label: string; href: string; go: () => void }[] {
  const role = session.actor?.role;
  const org = session.actor?.org;
  const holds = (kinds: readonly string[]) => session.grants.some((g) => g.org === org && kinds.includes(g.kind));
  // A city government applies for its pilot as a school applies for its projects.
  const school = holds(['school-admin', 'project-lead', 'liaison', 'school-head', 'government-admin']);
  const enterprise = holds(['enterprise-admin']);
  const page = (key: Page, label: string, id?: string) => ({ key, label, href: pathOf(key, id), go: () => navigate(key, id) });
  return [
    page('home', t.menuHome),
    ...(role && !(role === 'applicant' && enterprise && !school) ? [page('projects', t.menuProjects)] : []),
    ...(role === 'applicant' && school ? [page('apply', t.menuApply)] : []),
    ...(role === 'recommender' ? [page('recommend', t.menuRecommend)] : []),
    ...(role === 'reviewer' ? [page('reviews', t.menuReviews)] : []),
    // The office's desk in the order of a cycle's work: panels, ranking and shortlist, notice and approval; then the audit.
    ...(role === 'office' ? [page('panels', t.menuPanels)] : []),
    ...(role === 'office' || role === 'auditor' ? [page('ranking', t.menuRanking)] : []),
    ...(role === 'office' ? [page('desk', t.menuDesk)] : []),
    ...(role === 'office' || role === 'auditor' ? [page('audit', t.menuAudit)] : []),
    ...(role === 'applicant' && enterprise && org ? [page('enterprise', t.menuEnterprise, org)] : []),
    ...(role === 'recommender' || role === 'office' || role === 'auditor' ? [page('enterprises', t.menuEnterprises)] : []),
    page('notices', t.notices),
    page('results', t.menuResults),
  ];
}

/** A signed-in person's frame: the platform, the menu of their role, who they act for, the language, sign-out. */
export function Shell({ session, page, onSignedOut, children }: { session: Session; page: Page; onSignedOut: () => void; children: ReactNode }) {
  const { t } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  const acting = session.grants.find((g) => g.org === session.actor?.org && g.role === session.actor?.role);
  const selected = page === 'project' ? 'projects' : page === 'review' ? 'reviews' : page === 'enterprise' && session.actor?.role !== 'applicant' ? 'enterprises' : page;

  const leave = async () => {
    await signOut();
    onSignedOut();
    navigate('sign-in');
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {/* The header grows when a long menu wraps, so every item stays on its blue. */}
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#1565c0', paddingInline: 24, height: 'auto', minHeight: 64 }}>
        <Typography.Text strong style={{ color: '#fff', fontSize: 18, whiteSpace: 'nowrap' }}>
          {t.appName}
        </Typography.Text>
        <nav aria-label={t.menuHome} style={{ flex: 1, minWidth: 0 }}>
          {/* Every item stays a reachable link: the office's menu is long, and a folded "…" would hide focusable items (axe: aria-hidden-focus). */}
          <Menu
            mode="horizontal"
            theme="dark"
            disabledOverflow
            selectedKeys={[selected]}
            style={{ background: 'transparent', borderBottom: 'none', flexWrap: 'wrap' }}
            items={menuOf(session, t).map((item) => ({
              key: item.key,
              label: (
                <a
                  href={item.href}
                  onClick={(event) => {
                    event.preventDefault();
                    item.go();
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
