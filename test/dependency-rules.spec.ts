import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The floors above the domain, as code (the domain's own, importing only the domain and no clock or I/O, is
 * src/domain/domain-purity.spec.ts): the application imports the domain and itself, never infrastructure or
 * the composition root; HTTP controllers reach the store through the application's port, never through an
 * adapter. Module names are read by the TypeScript compiler's own pre-processor, so comments and strings
 * never count.
 */
const SRC = resolve(__dirname, '../src');

interface Rule {
  readonly name: string;
  /** The files the rule is about, relative to src/ with forward slashes. */
  readonly applies: (file: string) => boolean;
  /** Why an import is refused, or undefined when it is allowed. */
  readonly refuses: (target: Import) => string | undefined;
}

/** A package by the name written, or a file of the project resolved relative to src/. */
type Import = { readonly package: string } | { readonly file: string };

const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

export const RULES: readonly Rule[] = [
  {
    name: 'the application does not import infrastructure',
    applies: under('application'),
    refuses: (target) => {
      if ('package' in target) return undefined;
      for (const outer of ['infrastructure', 'cli', 'bench', 'demo', 'console']) if (under(outer)(target.file)) return `src/${target.file}, of the ${outer} layer`;
      if (/^(app|app\.module|main|config)$/.test(target.file)) return `src/${target.file}, the composition root`;
      return undefined;
    },
  },
  {
    name: 'HTTP controllers do not import a store adapter',
    applies: under('infrastructure/http'),
    refuses: (target) => ('file' in target && under('infrastructure/event-store')(target.file) && /\.event-store$/.test(target.file) ? `src/${target.file}, a store adapter` : undefined),
  },
];

/** The imports of a file: relative ones resolved against src/, without their extension. */
export function importsOf(source: string, file: string): Import[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .map((name) => (name.startsWith('.') ? { file: relative(SRC, resolve(dirname(file), name)).split(sep).join('/').replace(/\.tsx?$/, '') } : { package: name }));
}

export function violations(files: readonly { path: string; source: string }[]): string[] {
  return files.flatMap(({ path, source }) => {
    const file = relative(SRC, path).split(sep).join('/');
    return RULES.filter((rule) => rule.applies(file)).flatMap((rule) =>
      importsOf(source, path).flatMap((target) => {
        const why = rule.refuses(target);
        return why ? [`${rule.name}: src/${file} imports ${why}`] : [];
      }),
    );
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'console' || entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('dependency rules', () => {
  it('hold for every source file of src/ (specs excepted)', () => {
    const files = sourceFiles(SRC).map((path) => ({ path, source: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it('refuse each kind of forbidden import, and only those', () => {
    const at = (file: string, source: string) => ({ path: join(SRC, file), source });
    expect(
      violations([
        at('domain/y.ts', "import { a } from '../application/handle-command';"),
        at('application/z.ts', "// import { X } from '../infrastructure/x';\nconst s = \"import { Y } from '../infrastructure/y'\";\nimport { S } from '../infrastructure/event-store/sqlite.event-store';\nimport { C } from '../config';\nimport { D } from '../domain/decider';\nimport { Inject } from '@nestjs/common';"),
        at('infrastructure/http/w.controller.ts', "export { E } from '../event-store/esdb.event-store';\nimport { P } from '../../application/event-store';\nimport { M } from '../event-store/event-store.module';"),
      ]),
    ).toEqual([
      'the application does not import infrastructure: src/application/z.ts imports src/infrastructure/event-store/sqlite.event-store, of the infrastructure layer',
      'the application does not import infrastructure: src/application/z.ts imports src/config, the composition root',
      'HTTP controllers do not import a store adapter: src/infrastructure/http/w.controller.ts imports src/infrastructure/event-store/esdb.event-store, a store adapter',
    ]);
  });
});
