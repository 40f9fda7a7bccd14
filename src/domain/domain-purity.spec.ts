import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The domain is pure: its files import only other files of src/domain and never read a clock, a random
 * source, the process or the console. Specs are exempt (tests may use node), everything else under
 * src/domain is scanned. Comments are ignored, and string contents are ignored except as module names.
 */
const DOMAIN_ROOT = resolve(__dirname);

const FORBIDDEN: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /(?<![\w$.])Date\s*\.\s*now\b/g, what: 'Date.now' },
  { pattern: /(?<![\w$.])new\s+Date\s*\(\s*\)/g, what: 'new Date() without an argument' },
  { pattern: /(?<![\w$.])new\s+Date\b(?!\s*\()/g, what: 'new Date without an argument' },
  { pattern: /(?<![\w$.])Math\s*\.\s*random\b/g, what: 'Math.random' },
  { pattern: /(?<![\w$.])process\s*\./g, what: 'process.' },
  { pattern: /(?<![\w$.])process\s*\[/g, what: 'process[' },
  { pattern: /(?<![\w$.])console\s*[.[]/g, what: 'console' },
  { pattern: /(?<![\w$.])require\s*\(/g, what: 'require(' },
  { pattern: /(?<![\w$.])import\s*\(/g, what: 'dynamic import(' },
  { pattern: /(?<![\w$.])(?:setTimeout|setInterval|setImmediate)\b/g, what: 'timer' },
  { pattern: /(?<![\w$.])globalThis\b/g, what: 'globalThis' },
];

/** The positions of module names in import and export-from declarations (quote index in `code`). */
const MODULE_NAME_BEFORE: readonly RegExp[] = [/(?<![\w$.])from\s*(?=['"])/g, /(?<![\w$.])import\s*(?=['"])/g];

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * Blanks comments (in both views) and string/template contents (in `code` only), keeping every offset
 * and newline, so a match in `code` maps to the same line and column in the source.
 */
export function blank(source: string): { code: string; withStrings: string } {
  const code: string[] = [];
  const withStrings: string[] = [];
  const keep = (c: string, inString: boolean) => {
    code.push(inString && c !== '\n' ? ' ' : c);
    withStrings.push(c);
  };
  const drop = (c: string) => {
    const out = c === '\n' ? '\n' : ' ';
    code.push(out);
    withStrings.push(out);
  };
  // Stack of open template literals: each entry counts the braces opened inside its current ${ … }.
  const templates: number[] = [];
  let i = 0;
  let lastSignificant = '';
  const n = source.length;
  while (i < n) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') drop(source[i++]);
      continue;
    }
    if (c === '/' && next === '*') {
      drop(source[i++]);
      drop(source[i++]);
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) drop(source[i++]);
      if (i < n) {
        drop(source[i++]);
        drop(source[i++]);
      }
      continue;
    }
    if (c === "'" || c === '"') {
      keep(c, false);
      i++;
      while (i < n && source[i] !== c && source[i] !== '\n') {
        if (source[i] === '\\' && i + 1 < n) keep(source[i++], true);
        keep(source[i++], true);
      }
      if (i < n) keep(source[i++], false);
      lastSignificant = c;
      continue;
    }
    if (c === '`' || (c === '}' && templates.length > 0 && templates[templates.length - 1] === 0)) {
      // Start of a template, or the end of a ${ … } that resumes one.
      if (c === '}') templates.pop();
      keep(c, false);
      i++;
      let resumedCode = false;
      while (i < n) {
        if (source[i] === '\\' && i + 1 < n) {
          keep(source[i++], true);
          keep(source[i++], true);
          continue;
        }
        if (source[i] === '`') {
          keep(source[i++], false);
          break;
        }
        if (source[i] === '$' && source[i + 1] === '{') {
          keep(source[i++], false);
          keep(source[i++], false);
          templates.push(0);
          resumedCode = true;
          break;
        }
        keep(source[i++], true);
      }
      lastSignificant = resumedCode ? '{' : '`';
      continue;
    }
    if (c === '/' && (lastSignificant === '' || /[(,=:[!&|?{};*%<>~^]/.test(lastSignificant) || REGEX_AFTER_WORD.has(previousWord(code)))) {
      // A regular expression literal: blank it like a string so its characters are not read as code.
      keep(c, false);
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n') {
        const r = source[i];
        if (r === '\\' && i + 1 < n) {
          keep(source[i++], true);
          keep(source[i++], true);
          continue;
        }
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        keep(source[i++], true);
      }
      if (i < n && source[i] === '/') keep(source[i++], false);
      lastSignificant = '/';
      continue;
    }
    if (templates.length > 0) {
      if (c === '{') templates[templates.length - 1]++;
      else if (c === '}') templates[templates.length - 1]--;
    }
    keep(c, false);
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return { code: code.join(''), withStrings: withStrings.join('') };
}

const REGEX_AFTER_WORD: ReadonlySet<string> = new Set(['return', 'typeof', 'case', 'in', 'of', 'void', 'yield', 'await']);

/** The identifier just before the end of the output so far, skipping whitespace. */
function previousWord(out: readonly string[]): string {
  let j = out.length - 1;
  while (j >= 0 && /\s/.test(out[j])) j--;
  let word = '';
  while (j >= 0 && /[\w$]/.test(out[j])) word = out[j--] + word;
  return word;
}

export function findViolations(source: string, file: string, root = DOMAIN_ROOT): Violation[] {
  const { code, withStrings } = blank(source);
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  const violations: Violation[] = [];
  const name = relative(root, file) || file;
  for (const { pattern, what } of FORBIDDEN) {
    for (const match of code.matchAll(pattern)) {
      violations.push({ file: name, line: lineOf(match.index ?? 0), message: `uses ${what}` });
    }
  }
  for (const pattern of MODULE_NAME_BEFORE) {
    for (const match of code.matchAll(pattern)) {
      const quoteAt = (match.index ?? 0) + match[0].length;
      const quote = withStrings[quoteAt];
      const end = withStrings.indexOf(quote, quoteAt + 1);
      const specifier = withStrings.slice(quoteAt + 1, end);
      const line = lineOf(quoteAt);
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
        violations.push({ file: name, line, message: `imports '${specifier}', which is outside src/domain` });
        continue;
      }
      const target = resolve(dirname(file), specifier);
      if (target !== root && !target.startsWith(root + sep)) {
        violations.push({ file: name, line, message: `imports '${specifier}', which resolves outside src/domain` });
      }
    }
  }
  return violations.sort((a, b) => a.line - b.line);
}

function domainFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return domainFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('domain purity', () => {
  it('keeps every file under src/domain free of outside imports, clocks, randomness, process and console', () => {
    const files = domainFiles(DOMAIN_ROOT);
    expect(files.length).toBeGreaterThan(3);
    const violations = files.flatMap((file) => findViolations(readFileSync(file, 'utf8'), file));
    expect(violations.map((v) => `src/domain/${v.file.split(sep).join('/')}:${v.line} ${v.message}`)).toEqual([]);
  });

  it('flags each forbidden construct, at its line', () => {
    const file = join(DOMAIN_ROOT, 'sample', 'bad.ts');
    const sample = [
      "import { Injectable } from '@nestjs/common';", // 1
      "import { readFileSync } from 'node:fs';", // 2
      "import { helper } from '../../application/event-store';", // 3
      "import './side-effect';", // 4 (relative, inside: allowed)
      "export { x } from '../../../test/support/decider-spec';", // 5
      'const a = Date.now();', // 6
      'const b = new Date();', // 7
      'const c = Math.random();', // 8
      'const d = process.env.HOME;', // 9
      "console.log('x');", // 10
      "const e = require('fs');", // 11
      'setTimeout(() => undefined, 1);', // 12
      'const f = `${Date . now()}`;', // 13
      "const g = await import('./x');", // 14
      'const h = new Date;', // 15
      'import {', // 16
      '  thing,', // 17
      "} from 'lodash';", // 18
    ].join('\n');
    const found = findViolations(sample, file).map((v) => `${v.line} ${v.message}`);
    expect(found).toEqual([
      "1 imports '@nestjs/common', which is outside src/domain",
      "2 imports 'node:fs', which is outside src/domain",
      "3 imports '../../application/event-store', which resolves outside src/domain",
      "5 imports '../../../test/support/decider-spec', which resolves outside src/domain",
      '6 uses Date.now',
      '7 uses new Date() without an argument',
      '8 uses Math.random',
      '9 uses process.',
      '10 uses console',
      '11 uses require(',
      '12 uses timer',
      '13 uses Date.now',
      '14 uses dynamic import(',
      '15 uses new Date without an argument',
      "18 imports 'lodash', which is outside src/domain",
    ]);
  });

  it('ignores comments, string contents, regular expressions and allowed look-alikes', () => {
    const file = join(DOMAIN_ROOT, 'sample', 'good.ts');
    const sample = [
      "import { fold } from '../decider';",
      '// Date.now() and Math.random() are banned; process.env too.',
      "/* console.log('x'); require('fs'); import x from 'node:fs'; */",
      "const message = 'the review process. uses Date.now and console.log';",
      'const template = `process.env ${1 + 1} Math.random`;',
      "const at = new Date('2025-10-01T00:00:00Z').getTime();",
      'const ms = Date.parse(at.toString());',
      "const url = 'http://example.org/x'; // a trailing comment with require(",
      "const re = /\\/\\/ not a comment, process./;",
      'const obj = { process: 1, from: 2 };',
      'const p = obj.process;',
      "const s = `${'nested'} ${`inner ${'x'}`}`;",
      'const after = Math.max(1, 2);',
    ].join('\n');
    expect(findViolations(sample, file)).toEqual([]);
  });
});
