import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST } from './children';

/** A chunk of the console as Vite's manifest describes it. */
interface Chunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly dynamicImports?: readonly string[];
}

export interface ConsoleFigures {
  /** Compressed JavaScript a page's first visit loads: the entry, the page's chunk and all they import statically, in KB (gzip -9). */
  readonly firstRouteKb: Readonly<Record<string, number>>;
  /** Every JavaScript file of the console, compressed, in KB. */
  readonly totalKb: number;
}

/** Each page's first visit: the entry and the page's chunks (a signed-in page comes inside its frame, Shell). */
const PAGES = {
  'sign-in': ['src/pages/SignIn.tsx'],
  setup: ['src/pages/SetUp.tsx'],
  home: ['src/pages/Shell.tsx', 'src/pages/Home.tsx'],
  projects: ['src/pages/Shell.tsx', 'src/pages/Projects.tsx'],
  project: ['src/pages/Shell.tsx', 'src/pages/Project.tsx'],
  notices: ['src/pages/Notices.tsx'],
} as const;

/** C7: the console's JavaScript budget, from the build `npm run build` made (dist/console). */
export function measureConsole(): ConsoleFigures {
  const dir = join(DIST, 'console');
  const manifestFile = join(dir, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) throw new Error(`no console build at ${dir}: npm run build makes it`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, Chunk>;
  const kb = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length / 1024;
  const closure = (keys: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const imported of manifest[key]?.imports ?? []) visit(imported);
    };
    keys.forEach(visit);
    return seen;
  };
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry) throw new Error('the console manifest names no entry');
  const round = (n: number) => Math.round(n * 10) / 10;
  const firstRouteKb = Object.fromEntries(
    Object.entries(PAGES).map(([page, sources]) => [page, round([...closure([entry, ...sources])].reduce((sum, key) => sum + kb(manifest[key].file), 0))]),
  );
  const scripts = new Set(Object.values(manifest).map((chunk) => chunk.file).filter((file) => file.endsWith('.js')));
  return { firstRouteKb, totalKb: round([...scripts].reduce((sum, file) => sum + kb(file), 0)) };
}
