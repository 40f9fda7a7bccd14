import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { currentSession, Session } from './api';
import { Language, LanguageContext, MESSAGES } from './i18n';
import { navigate, PUBLIC_PAGES, Route, useRoute } from './navigation';

// Each page loads with its first visit: the first route's script stays small.
const Home = lazy(() => import('./pages/Home').then((m) => ({ default: m.Home })));
const SetUp = lazy(() => import('./pages/SetUp').then((m) => ({ default: m.SetUp })));
const SignIn = lazy(() => import('./pages/SignIn').then((m) => ({ default: m.SignIn })));
const Notices = lazy(() => import('./pages/Notices').then((m) => ({ default: m.Notices })));
const Results = lazy(() => import('./pages/Results').then((m) => ({ default: m.Results })));
const Shell = lazy(() => import('./pages/Shell').then((m) => ({ default: m.Shell })));
const Projects = lazy(() => import('./pages/Projects').then((m) => ({ default: m.Projects })));
const Project = lazy(() => import('./pages/Project').then((m) => ({ default: m.Project })));
const Apply = lazy(() => import('./pages/Apply').then((m) => ({ default: m.Apply })));
const Enterprises = lazy(() => import('./pages/Enterprises').then((m) => ({ default: m.Enterprises })));
const Enterprise = lazy(() => import('./pages/Enterprise').then((m) => ({ default: m.Enterprise })));
const Reviews = lazy(() => import('./pages/Reviews').then((m) => ({ default: m.Reviews })));
const Review = lazy(() => import('./pages/Review').then((m) => ({ default: m.Review })));
const Ranking = lazy(() => import('./pages/Ranking').then((m) => ({ default: m.Ranking })));
const Panels = lazy(() => import('./pages/Panels').then((m) => ({ default: m.Panels })));
const Audit = lazy(() => import('./pages/Audit').then((m) => ({ default: m.Audit })));
const Desk = lazy(() => import('./pages/Desk').then((m) => ({ default: m.Desk })));
const Cycles = lazy(() => import('./pages/Cycles').then((m) => ({ default: m.Cycles })));
const Notifications = lazy(() => import('./pages/Notifications').then((m) => ({ default: m.Notifications })));
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })));
const Funding = lazy(() => import('./pages/Funding').then((m) => ({ default: m.Funding })));
const Overdue = lazy(() => import('./pages/Overdue').then((m) => ({ default: m.Overdue })));
const Objections = lazy(() => import('./pages/Objections').then((m) => ({ default: m.Objections })));
const Recommend = lazy(() => import('./pages/Recommend').then((m) => ({ default: m.Recommend })));
const loading = <Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />;

const LANGUAGE_KEY = 'als-language';

/** Ant Design's colours, darkened where its defaults fall short of WCAG AA contrast (4.5:1) on white. */
const THEME = {
  token: {
    colorPrimary: '#1565c0',
    // Hovered and pressed primaries darken instead of lighten, so white text keeps its contrast.
    colorPrimaryHover: '#0d47a1',
    colorPrimaryActive: '#0a3d91',
    colorLink: '#0d47a1',
    // A hovered link darkens too: Ant Design's lighter hover falls below 4.5:1 under the pointer.
    colorLinkHover: '#0a3d91',
    colorError: '#c62828',
    colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  },
  components: {
    // The menu on the header's blue: its items white enough for 4.5:1.
    // Narrower items than the default 20px a side, so the office's nine fit one line at 1280px in Chinese.
    // Its groups open on the header's blue too, not Ant Design's navy, the chosen page darker in them as on the header.
    Menu: {
      itemPaddingInline: 12,
      darkItemBg: 'transparent',
      darkItemColor: 'rgba(255, 255, 255, 0.95)',
      darkItemHoverColor: '#fff',
      darkItemSelectedBg: '#0d47a1',
      darkItemSelectedColor: '#fff',
      darkPopupBg: '#1565c0',
      darkSubMenuItemBg: '#1565c0',
    },
  },
};

export function App() {
  const [language, setLanguageState] = useState<Language>(() => (localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh'));
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(LANGUAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLanguageState(next);
  }, []);
  const languageValue = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  const route = useRoute();
  const page = route.page;
  /** undefined while asked, null when nobody is signed in. */
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const refresh = useCallback(async () => setSession(await currentSession()), []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEffect(() => {
    document.title = MESSAGES[language].appName;
  }, [language]);
  // A page that needs a person sends whoever is not signed in to the sign-in page.
  useEffect(() => {
    if (session === null && !PUBLIC_PAGES.includes(page)) navigate('sign-in');
  }, [session, page]);

  const signedIn = async () => {
    await refresh();
    navigate('home');
  };

  let content;
  if (page === 'notices') content = <Notices />;
  else if (page === 'results') content = <Results />;
  else if (page === 'setup') content = <SetUp onSignedIn={signedIn} />;
  else if (page === 'sign-in') content = <SignIn onSignedIn={signedIn} />;
  else if (session) {
    content = (
      <Shell session={session} page={page} onSignedOut={() => setSession(null)}>
        <Suspense fallback={loading}>{signedInPage(route, session)}</Suspense>
      </Shell>
    );
  } else content = loading;

  return (
    <LanguageContext.Provider value={languageValue}>
      {/* Lists are short here; without virtual scrolling, Ant Design leaves no unnamed listbox behind (axe-core). Buttons keep their words as written (no space inside 保存). */}
      <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={THEME} virtual={false} button={{ autoInsertSpace: false }}>
        <AntApp>
          <Suspense fallback={loading}>{content}</Suspense>
        </AntApp>
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}

/** The page of a signed-in person, inside their frame. */
function signedInPage(route: Route, session: Session) {
  if (route.page === 'projects') return <Projects route={route} />;
  if (route.page === 'project' && route.id) return <Project key={route.id} id={route.id} session={session} />;
  if (route.page === 'apply') return <Apply />;
  if (route.page === 'recommend') return <Recommend route={route} session={session} />;
  if (route.page === 'enterprises') return <Enterprises route={route} />;
  if (route.page === 'reviews') return <Reviews session={session} />;
  if (route.page === 'ranking') return <Ranking route={route} />;
  if (route.page === 'panels') return <Panels route={route} />;
  if (route.page === 'audit') return <Audit route={route} />;
  if (route.page === 'desk') return <Desk route={route} />;
  if (route.page === 'cycles') return <Cycles route={route} />;
  if (route.page === 'dashboard') return <Dashboard route={route} />;
  if (route.page === 'funding') return <Funding route={route} />;
  if (route.page === 'overdue') return <Overdue route={route} />;
  if (route.page === 'objections') return <Objections route={route} />;
  if (route.page === 'notifications') return <Notifications />;
  if (route.page === 'review' && route.id) return <Review key={route.id} id={route.id} session={session} />;
  if (route.page === 'enterprise' && route.id) return <Enterprise key={route.id} id={route.id} session={session} />;
  return <Home session={session} />;
}
