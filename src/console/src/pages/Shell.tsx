import { BellOutlined, DownOutlined } from '@ant-design/icons';
import { Badge, Button, Layout, Menu, MenuProps, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useContext, useEffect, useState } from 'react';
import { NOTIFICATIONS_CHANGED, ProblemError, Session, signOut, unreadNotifications } from '../api';
import { LanguageContext, Messages, useMessages } from '../i18n';
import { linkProps, navigate, Page, pathOf } from '../navigation';
import { SandboxBanner } from '../SandboxBanner';

interface MenuEntry {
  readonly key: string;
  readonly label: string;
  readonly href?: string;
  readonly go?: () => void;
  /** A group of pages, opened by a click (or Enter) on its title. */
  readonly children?: readonly MenuEntry[];
}

/** The pages each role works on, in its menu; everyone also reads the public notices and results. */
function menuOf(session: Session, t: Messages): MenuEntry[] {
  const role = session.actor?.role;
  const org = session.actor?.org;
  const holds = (kinds: readonly string[]) => session.grants.some((g) => g.org === org && kinds.includes(g.kind));
  // A city government applies for its pilot as a school applies for its projects.
  const school = holds(['school-admin', 'project-lead', 'liaison', 'school-head', 'government-admin']);
  const enterprise = holds(['enterprise-admin']);
  const page = (key: Page, label: string, id?: string): MenuEntry => ({ key, label, href: pathOf(key, id), go: () => navigate(key, id) });
  const office = role === 'office';
  return [
    page('home', t.menuHome),
    ...(role && !(role === 'applicant' && enterprise && !school) ? [page('projects', t.menuProjects)] : []),
    ...(role === 'applicant' && school ? [page('apply', t.menuApply)] : []),
    ...(role === 'recommender' ? [page('recommend', t.menuRecommend)] : []),
    ...(role === 'reviewer' ? [page('reviews', t.menuReviews)] : []),
    // The office's selection in the order of a cycle's work: cycles, panels, ranking and shortlist, notice and approval, objections.
    ...(office
      ? [{ key: 'selection', label: t.menuSelection, children: [page('cycles', t.menuCycles), page('panels', t.menuPanels), page('ranking', t.menuRanking), page('desk', t.menuDesk), page('objections', t.menuObjections)] }]
      : []),
    ...(role === 'auditor' ? [page('ranking', t.menuRanking)] : []),
    ...(office ? [{ key: 'construction', label: t.menuConstruction, children: [page('funding', t.menuFunding), page('overdue', t.menuOverdue)] }] : []),
    ...(office || role === 'auditor' ? [page('dashboard', t.menuDashboard), page('audit', t.menuAudit)] : []),
    ...(role === 'applicant' && enterprise && org ? [page('enterprise', t.menuEnterprise, org)] : []),
    ...(role === 'recommender' || office || role === 'auditor' ? [page('enterprises', t.menuEnterprises)] : []),
    page('notices', t.notices),
    page('results', t.menuResults),
  ];
}

/** An entry as the menu shows it: a real link (keyboard-reachable, opens in a new tab) that moves in place on a click. */
function menuItem(entry: MenuEntry): NonNullable<MenuProps['items']>[number] {
  if (entry.children) {
    // A horizontal menu draws no arrow on a group (Ant Design hides it there): this one says the group opens.
    const label = (
      <>
        {entry.label}
        <DownOutlined aria-hidden style={{ fontSize: 10, marginInlineStart: 6 }} />
      </>
    );
    return { key: entry.key, label, children: entry.children.map(menuItem) };
  }
  return {
    key: entry.key,
    label: (
      <a
        href={entry.href}
        onClick={(event) => {
          event.preventDefault();
          entry.go?.();
        }}
      >
        {entry.label}
      </a>
    ),
  };
}

/**
 * The keyboard's focus ring round a menu item, not only round its words: the menu moves the focus onto
 * an item's link, and Ant Design stretches the link's ::before over the whole item, so the ring is drawn
 * there. White, as on the header's blue and its popups' the ring keeps its 3:1 (a group's title too).
 */
const MENU_FOCUS = `
.ant-menu-dark .ant-menu-item a:focus-visible { outline: none; }
.ant-menu-dark .ant-menu-item a:focus-visible::before { outline: 2px solid #fff; outline-offset: -4px; border-radius: inherit; }
.ant-menu-dark .ant-menu-submenu-title:focus-visible { outline: 2px solid #fff; outline-offset: -4px; }
.notifications-bell:focus-visible { outline: 2px solid #fff; outline-offset: 2px; border-radius: 4px; }
`;

/** The person's unread notifications: counted again on every page they open and whenever marks change. */
function useUnread(page: Page): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    let current = true;
    const count = () =>
      unreadNotifications().then(
        (n) => current && setUnread(n),
        (error: unknown) => {
          // The bell is not worth an error of its own: the page shows the service's problems.
          if (!(error instanceof ProblemError)) throw error;
        },
      );
    void count();
    window.addEventListener(NOTIFICATIONS_CHANGED, count);
    return () => {
      current = false;
      window.removeEventListener(NOTIFICATIONS_CHANGED, count);
    };
  }, [page]);
  return unread;
}

/** A signed-in person's frame: the platform, the menu of their role, who they act for, the language, sign-out. */
export function Shell({ session, page, onSignedOut, children }: { session: Session; page: Page; onSignedOut: () => void; children: ReactNode }) {
  const { t } = useMessages();
  const { language, setLanguage } = useContext(LanguageContext);
  const acting = session.grants.find((g) => g.org === session.actor?.org && g.role === session.actor?.role);
  const selected = page === 'project' ? 'projects' : page === 'review' ? 'reviews' : page === 'enterprise' && session.actor?.role !== 'applicant' ? 'enterprises' : page;

  const unread = useUnread(page);

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
          <style href="menu-focus" precedence="default">
            {MENU_FOCUS}
          </style>
          {/* Every item stays a reachable link: the office's menu is long, and a folded "…" would hide focusable items (axe: aria-hidden-focus). */}
          <Menu
            mode="horizontal"
            theme="dark"
            disabledOverflow
            selectedKeys={[selected]}
            style={{ background: 'transparent', borderBottom: 'none', flexWrap: 'wrap' }}
            triggerSubMenuAction="click"
            items={menuOf(session, t).map(menuItem)}
          />
        </nav>
        <Space>
          {/* A real link: reached by Tab, opened by Enter; its name says how many are unread. */}
          <a {...linkProps('notifications')} aria-label={t.notificationsBell.replace('{count}', String(unread))} title={t.notificationsTitle} className="notifications-bell" style={{ display: 'inline-flex', padding: 6 }}>
            <Badge count={unread} size="small" overflowCount={99}>
              <BellOutlined aria-hidden style={{ fontSize: 20, color: '#fff' }} />
            </Badge>
          </a>
          <Typography.Text style={{ color: '#fff' }}>{acting?.orgName ?? session.actor?.org ?? ''}</Typography.Text>
          <Button type="link" style={{ color: '#fff' }} onClick={() => setLanguage(language === 'zh' ? 'en' : 'zh')}>
            {t.language}
          </Button>
          <Button onClick={leave}>{t.signOut}</Button>
        </Space>
      </Layout.Header>
      <SandboxBanner />
      <Layout.Content style={{ padding: 24, maxWidth: 1200, width: '100%', margin: '0 auto' }}>{children}</Layout.Content>
    </Layout>
  );
}
