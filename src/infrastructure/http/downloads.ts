import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';

/** How a list answers: JSON (the default), or a file a spreadsheet opens. */
export const TABLE_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/**
 * The rows a downloaded file holds at most when no `limit` is asked: every row a clerk's list selects
 * (the largest, a program's applications across its cycles, is a few thousand), where a page holds 50.
 */
export const TABLE_ROWS = 10_000;

/** A column of a downloaded list: its heading, and its cell of a row (a number stays a number in XLSX). */
export type Column<R> = readonly [heading: string, value: (row: R) => string | number | null | undefined];

/** The page a list is read with: a file takes every row up to TABLE_ROWS unless a limit is asked. */
export function pagingOf(query: { format?: TableFormat; limit?: number; offset?: number }): { limit?: number; offset?: number } {
  return query.format === 'csv' || query.format === 'xlsx' ? { limit: query.limit ?? TABLE_ROWS, offset: query.offset } : query;
}

/**
 * A file's Content-Disposition: its name for browsers as RFC 6266's filename* (Chinese and all), an ASCII
 * stand-in for the rest; inline shows it in the browser, attachment saves it.
 */
export function contentDisposition(name: string, disposition: 'inline' | 'attachment' = 'inline'): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** A cell as CSV writes it: quoted when it holds a comma, a quote or a line break; a formula's first character defused. */
function csvCell(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A cell starting with = + - @ is a formula to a spreadsheet: a leading quote keeps it text (numbers are written as they are).
  const safe = typeof value !== 'number' && /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The width of a column in characters as a spreadsheet counts them: a Chinese character takes two. */
function widthOf(values: readonly (string | number | null | undefined)[]): number {
  const widest = Math.max(...values.map((v) => [...String(v ?? '')].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0)));
  return Math.min(60, Math.max(8, widest + 2));
}

/**
 * Answers rows as a file named `title`: CSV in UTF-8 with a byte-order mark (so Excel reads the Chinese), or an
 * XLSX workbook with one sheet, its heading row bold, frozen and filterable. A string is always a string cell
 * (exceljs writes no formula from text), so neither format runs what a row holds.
 */
export async function sendTable<R>(reply: FastifyReply, format: 'csv' | 'xlsx', title: string, columns: readonly Column<R>[], rows: readonly R[]): Promise<string | Buffer> {
  const fileName = `${title}.${format}`;
  reply.header('content-disposition', contentDisposition(fileName, 'attachment'));
  const cells = rows.map((row) => columns.map(([, value]) => value(row)));
  if (format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    const lines = [columns.map(([heading]) => csvCell(heading)).join(','), ...cells.map((row) => row.map(csvCell).join(','))];
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }
  const workbook = new ExcelJS.Workbook();
  // A sheet's name is at most 31 characters, without : \ / ? * [ ].
  const sheet = workbook.addWorksheet(title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map(([heading], i) => ({ header: heading, width: widthOf([heading, ...cells.map((row) => row[i])]) }));
  sheet.getRow(1).font = { bold: true };
  sheet.addRows(cells.map((row) => row.map((v) => v ?? null)));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
