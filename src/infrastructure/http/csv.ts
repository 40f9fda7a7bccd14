import type { FastifyReply } from 'fastify';

/** A cell as CSV writes it: quoted when it holds a comma, a quote or a line break; a formula's first character defused. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A cell starting with = + - @ is a formula to a spreadsheet: a leading quote keeps it text.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Answers rows as a CSV file for a spreadsheet: UTF-8 with a byte-order mark (so Excel reads the Chinese),
 * a header row of `columns`' labels, and a file name.
 */
export function sendCsv(reply: FastifyReply, fileName: string, columns: readonly (readonly [label: string, value: (row: Record<string, unknown>) => unknown])[], rows: readonly Record<string, unknown>[]): string {
  reply.header('content-type', 'text/csv; charset=utf-8');
  reply.header('content-disposition', `attachment; filename="${fileName.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  const lines = [columns.map(([label]) => cell(label)).join(','), ...rows.map((row) => columns.map(([, value]) => cell(value(row))).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
