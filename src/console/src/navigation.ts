import { useEffect, useState } from 'react';

/** The console's pages, by the first segment of the path under /console/. */
export type Page = 'home' | 'sign-in' | 'setup' | 'notices' | 'results' | 'projects' | 'project' | 'apply' | 'recommend' | 'enterprises' | 'enterprise' | 'reviews' | 'review' | 'ranking' | 'panels' | 'audit' | 'desk' | 'cycles' | 'dashboard' | 'funding' | 'overdue' | 'objections' | 'notifications';

/** Where the browser is: the page, the id a page is about (a project), and the query's filters. */
export interface Route {
  readonly page: Page;
  readonly id: string | null;
  readonly query: URLSearchParams;
}

const BASE = '/console/';
const PAGES: readonly Page[] = ['sign-in', 'setup', 'notices', 'results', 'projects', 'apply', 'recommend', 'enterprises', 'reviews', 'ranking', 'panels', 'audit', 'desk', 'cycles', 'dashboard', 'funding', 'overdue', 'objections', 'notifications'];

/** The pages anyone opens without signing in. */
export const PUBLIC_PAGES: readonly Page[] = ['sign-in', 'setup', 'notices', 'results'];

export function routeOf(location: { pathname: string; search: string }): Route {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const [first = '', second] = rest.split('/');
  const query = new URLSearchParams(location.search);
  // /console/projects/<id> is one project, /console/enterprises/<id> one enterprise, /console/reviews/<id> one review; without an id, the list.
  if (first === 'projects' && second) return { page: 'project', id: decodeURIComponent(second), query };
  if (first === 'enterprises' && second) return { page: 'enterprise', id: decodeURIComponent(second), query };
  if (first === 'reviews' && second) return { page: 'review', id: decodeURIComponent(second), query };
  const page = PAGES.find((p) => p === first) ?? 'home';
  return { page, id: null, query };
}

/** The path of a page, with its id and query. */
export function pathOf(page: Page, id?: string | null, query?: Record<string, string | undefined>): string {
  const withId = { project: 'projects', enterprise: 'enterprises', review: 'reviews' } as const;
  const segment = page === 'home' ? '' : page in withId ? `${withId[page as keyof typeof withId]}/${encodeURIComponent(id ?? '')}` : page;
  const search = new URLSearchParams(Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')).toString();
  return `${BASE}${segment}${search ? `?${search}` : ''}`;
}

/** Moves to another page of the console without reloading it; the browser's back button returns. */
export function navigate(page: Page, id?: string | null, query?: Record<string, string | undefined>): void {
  window.history.pushState(null, '', pathOf(page, id, query));
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The same page with other filters, without a new history entry for each keystroke. */
export function replaceQuery(query: Record<string, string | undefined>): void {
  const { page, id } = routeOf(window.location);
  window.history.replaceState(null, '', pathOf(page, id, query));
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location));
  useEffect(() => {
    const onPop = () => setRoute(routeOf(window.location));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return route;
}

/** A link inside the console: a real href (opens in a new tab, keyboard-reachable) that navigates in place on a plain click. */
export function linkProps(page: Page, id?: string | null, query?: Record<string, string | undefined>) {
  const href = pathOf(page, id, query);
  return {
    href,
    onClick: (event: { preventDefault: () => void; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; button: number }) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(page, id, query);
    },
  };
}
