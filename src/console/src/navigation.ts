import { useEffect, useState } from 'react';

/** The console's pages, by the path under /console/. */
export type Page = 'home' | 'sign-in' | 'setup' | 'notices';

const BASE = '/console/';

export function pageOf(pathname: string): Page {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  if (rest.startsWith('setup')) return 'setup';
  if (rest.startsWith('sign-in')) return 'sign-in';
  if (rest.startsWith('notices')) return 'notices';
  return 'home';
}

/** Moves to another page of the console without reloading it; the browser's back button returns. */
export function navigate(page: Page): void {
  window.history.pushState(null, '', page === 'home' ? BASE : `${BASE}${page}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePage(): Page {
  const [page, setPage] = useState(() => pageOf(window.location.pathname));
  useEffect(() => {
    const onPop = () => setPage(pageOf(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return page;
}
