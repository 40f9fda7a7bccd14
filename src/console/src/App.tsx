import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { currentSession, Session } from './api';
import { Language, LanguageContext, MESSAGES } from './i18n';
import { navigate, usePage } from './navigation';

// Each page loads with its first visit: the first route's script stays small.
const Home = lazy(() => import('./pages/Home').then((m) => ({ default: m.Home })));
const SetUp = lazy(() => import('./pages/SetUp').then((m) => ({ default: m.SetUp })));
const SignIn = lazy(() => import('./pages/SignIn').then((m) => ({ default: m.SignIn })));
const Notices = lazy(() => import('./pages/Notices').then((m) => ({ default: m.Notices })));
const loading = <Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />;

const LANGUAGE_KEY = 'als-language';

/** Ant Design's colours, darkened where its defaults fall short of WCAG AA contrast (4.5:1) on white. */
const THEME = {
  token: {
    colorPrimary: '#1565c0',
    colorLink: '#0d47a1',
    colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
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
  const page = usePage();
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
    if (session === null && page === 'home') navigate('sign-in');
  }, [session, page]);

  const signedIn = async () => {
    await refresh();
    navigate('home');
  };

  let content;
  if (page === 'notices') content = <Notices />;
  else if (page === 'setup') content = <SetUp onSignedIn={signedIn} />;
  else if (page === 'sign-in') content = <SignIn onSignedIn={signedIn} />;
  else if (session) content = <Home session={session} onSignedOut={() => setSession(null)} />;
  else content = loading;

  return (
    <LanguageContext.Provider value={languageValue}>
      <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={THEME}>
        <AntApp>
          <Suspense fallback={loading}>{content}</Suspense>
        </AntApp>
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}
