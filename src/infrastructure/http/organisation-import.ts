import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { FieldProblem, OrganisationInput, OrganisationKind } from '../../domain/organisation/organisation';
import { findNonText } from './validation';

/**
 * The office's school list as a file (XLSX or CSV), read into the rows an ImportOrganisations command
 * takes. Only the reading is done here: which codes, cities and kinds are valid is the registry's to
 * judge. What the edge cannot hand to the domain at all (a kind it does not know, a cell too long to be
 * anything, an 18-digit code Excel stored as a rounded number) is reported per row, in the domain's
 * FieldProblem shape, so one report lists every bad row whoever found it.
 *
 * Row numbers are the file's own, as a spreadsheet shows them: the header is row 1, so the first data
 * row is row 2. In a CSV a row is a record (a quoted field may span lines); blank rows are skipped but
 * still counted, so a reported row is the row the office sees.
 */

/** The largest file taken: a list of every school of Shanxi, as XLSX, is some 100 KiB. */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** The most an XLSX may say it unpacks to (a small zip may unpack to gigabytes); the sheet of 5000 rows is some 2 MiB. */
export const IMPORT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024;
/** The longest cell read; longer is no name, code or city, and is reported rather than carried along. */
export const MAX_CELL_LENGTH = 500;

/** A file that is not a readable list: not XLSX or CSV text, or without the columns a list needs. */
export class UnreadableImportFile extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'UnreadableImportFile';
  }
}

/** One data row of the file: its row number, and the organisation it states or the problems that keep it from being judged. */
export interface ImportRow {
  readonly row: number;
  readonly creditCode: string;
  readonly input?: OrganisationInput;
  readonly problems: readonly FieldProblem[];
}

type Column = 'name' | 'creditCode' | 'city' | 'schoolKind' | 'kind' | 'bureauKind' | 'departmentKind';

/** The headers each column is recognised by: the office's Chinese ones and English alternatives. */
export const COLUMN_HEADERS: Readonly<Record<Column, readonly string[]>> = {
  name: ['单位名称', 'name'],
  creditCode: ['统一社会信用代码', 'creditCode'],
  city: ['所在城市', 'city'],
  schoolKind: ['学校类型', 'schoolKind'],
  kind: ['单位类型', 'kind'],
  bureauKind: ['主管部门类型', 'bureauKind'],
  departmentKind: ['厅局类型', 'departmentKind'],
};
const REQUIRED: readonly Column[] = ['name', 'creditCode'];

/** A row's kind as the file may spell it; without a kind column (or with its cell empty) a row is a school. */
const KINDS: Readonly<Record<string, OrganisationKind>> = {
  school: 'school',
  bureau: 'bureau',
  enterprise: 'enterprise',
  government: 'government',
  office: 'office',
  department: 'department',
  学校: 'school',
  主管部门: 'bureau',
  企业: 'enterprise',
  市人民政府: 'government',
  省教育厅: 'office',
  厅局: 'department',
};

/** Headers compared without case, spaces, underscores or dashes (`Credit Code`, `credit_code`). */
const headerKey = (header: string) => header.replace(/^\uFEFF/, '').replace(/[\s_-]+/g, '').toLowerCase();
const COLUMN_OF = new Map<string, Column>(
  (Object.entries(COLUMN_HEADERS) as [Column, readonly string[]][]).flatMap(([column, headers]) => headers.map((h) => [headerKey(h), column] as const)),
);

/** A cell as read: its text, and whether the spreadsheet held it as a number. */
interface CellText {
  readonly text: string;
  readonly numeric: boolean;
}

/** Reads an uploaded list: XLSX by its zip signature, anything else as CSV text (UTF-8, with or without BOM, or GB18030 as Excel saves it on Chinese Windows). */
export async function readImportFile(bytes: Buffer): Promise<{ readonly format: 'xlsx' | 'csv'; readonly rows: ImportRow[] }> {
  if (bytes.length === 0) throw new UnreadableImportFile('the file is empty');
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  const isOle = bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
  if (isOle) throw new UnreadableImportFile('the file is an old Excel workbook (.xls); save it as .xlsx or .csv');
  const table = isZip ? await xlsxTable(bytes) : await csvTable(bytes);
  return { format: isZip ? 'xlsx' : 'csv', rows: rowsOf(table) };
}

/** The cells of the first worksheet, row by row, each row with its number in the file. */
type Table = { readonly number: number; readonly cells: readonly CellText[] }[];

async function xlsxTable(bytes: Buffer): Promise<Table> {
  const unpacked = declaredUnpackedSize(bytes);
  if (unpacked > IMPORT_MAX_UNPACKED_BYTES) {
    throw new UnreadableImportFile(`the workbook unpacks to more than ${IMPORT_MAX_UNPACKED_BYTES} bytes; a list of schools is far smaller`);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as never);
  } catch (error) {
    throw new UnreadableImportFile(`the file is not a readable XLSX workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableImportFile('the workbook has no worksheet');
  const table: { number: number; cells: CellText[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: CellText[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = { text: cellText(cell), numeric: typeof cell.value === 'number' || (cell.type === ExcelJS.ValueType.Formula && typeof cell.result === 'number') };
    });
    table.push({ number, cells: Array.from(cells, (c) => c ?? { text: '', numeric: false }) });
  });
  return table;
}

/** A cell's text as the spreadsheet shows it: a formula's result, a rich text's runs, a hyperlink's text. */
function cellText(cell: ExcelJS.Cell): string {
  try {
    return cell.text ?? '';
  } catch {
    return '';
  }
}

/**
 * The sum of the sizes the zip's central directory declares its entries unpack to (a ZIP64 size counts
 * as unbounded). A guard before unpacking, not a proof: the unpacked size is what the entries declare.
 */
export function declaredUnpackedSize(bytes: Buffer): number {
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  for (let end = bytes.length - 22; end >= from; end--) {
    if (bytes.readUInt32LE(end) !== 0x06054b50) continue;
    const entries = bytes.readUInt16LE(end + 10);
    let at = bytes.readUInt32LE(end + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw new UnreadableImportFile('the file is not a readable XLSX workbook (its zip directory is broken)');
      const size = bytes.readUInt32LE(at + 24);
      if (size === 0xffffffff) return Number.POSITIVE_INFINITY;
      total += size;
      at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    }
    return total;
  }
  throw new UnreadableImportFile('the file is not a readable XLSX workbook (no zip directory)');
}

async function csvTable(bytes: Buffer): Promise<Table> {
  const text = decodeText(bytes);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // Excel saves "CSV" with commas, and "text" with tabs; a list using semicolons is read too.
  const delimiter = [',', '\t', ';'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet;
  try {
    // Every cell stays the text it is: exceljs would otherwise turn digits into (rounded) numbers and dates into Dates.
    sheet = await workbook.csv.read(Readable.from([text]), { map: (value: unknown) => value, parserOptions: { delimiter } });
  } catch (error) {
    throw new UnreadableImportFile(`the file is not readable CSV (${error instanceof Error ? error.message : String(error)})`);
  }
  const table: { number: number; cells: CellText[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    table.push({ number, cells: Array.from(values, (v) => ({ text: typeof v === 'string' ? v : v == null ? '' : String(v), numeric: false })) });
  });
  return table;
}

function decodeText(bytes: Buffer): string {
  let text: string;
  if (isUtf8(bytes)) {
    text = bytes.toString('utf8');
  } else {
    try {
      text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw new UnreadableImportFile('the file is neither an XLSX workbook nor CSV text in UTF-8 or GB18030');
    }
  }
  if (text.includes('\u0000')) throw new UnreadableImportFile('the file is neither an XLSX workbook nor CSV text (it holds binary data)');
  return text.replace(/^\uFEFF/, '');
}

function rowsOf(table: Table): ImportRow[] {
  const header = table.find((row) => row.number === 1);
  if (!header) throw new UnreadableImportFile('the first row must name the columns, e.g. 单位名称, 统一社会信用代码, 所在城市, 学校类型', { missingColumns: REQUIRED });
  const columns = new Map<Column, number>();
  header.cells.forEach((cell, index) => {
    const column = COLUMN_OF.get(headerKey(cell.text));
    if (!column) return;
    if (columns.has(column)) throw new UnreadableImportFile(`the column ${COLUMN_HEADERS[column][0]} (${column}) is named twice in the first row`, { duplicateColumn: column });
    columns.set(column, index);
  });
  const missing = REQUIRED.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new UnreadableImportFile(`the first row lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `${COLUMN_HEADERS[c][0]} (${c})`).join(', ')}`, {
      missingColumns: missing,
    });
  }
  return table
    .filter((row) => row.number > 1 && row.cells.some((cell) => cell.text.trim() !== ''))
    .map((row) => rowFrom(row.number, row.cells, columns));
}

function rowFrom(number: number, cells: readonly CellText[], columns: ReadonlyMap<Column, number>): ImportRow {
  const problems: FieldProblem[] = [];
  const cell = (column: Column): CellText | undefined => {
    const index = columns.get(column);
    return index === undefined ? undefined : (cells[index] ?? { text: '', numeric: false });
  };
  const value = (column: Column): string | undefined => {
    const read = cell(column);
    if (!read) return undefined;
    const nonText = findNonText(read.text, column);
    if (nonText) {
      problems.push({ field: column, code: 'invalid-characters', message: `${COLUMN_HEADERS[column][0]} ${nonText.reason}` });
      return '';
    }
    if (read.text.length > MAX_CELL_LENGTH) {
      problems.push({ field: column, code: 'cell-too-long', message: `${COLUMN_HEADERS[column][0]} 超过 ${MAX_CELL_LENGTH} 个字符` });
      return read.text.slice(0, MAX_CELL_LENGTH);
    }
    return read.text;
  };
  const creditCode = value('creditCode') ?? '';
  if (cell('creditCode')?.numeric) {
    problems.push({
      field: 'creditCode',
      code: 'credit-code-stored-as-number',
      message: '统一社会信用代码在表格中是数字，Excel 会把 18 位数字舍入；请把该列设为文本后重新填写',
    });
  }
  const kindText = value('kind')?.trim() ?? '';
  const kind = kindText === '' ? 'school' : (KINDS[kindText] ?? KINDS[kindText.toLowerCase()]);
  if (!kind) problems.push({ field: 'kind', code: 'unknown-kind', message: `${kindText} 不是单位类型（学校、主管部门、企业、厅局、省教育厅，或 ${Object.keys(KINDS).filter((k) => /^[a-z]/.test(k)).join(', ')}）` });
  const optional = (column: Column) => {
    const read = value(column);
    return read === undefined || read.trim() === '' ? {} : { [column]: read };
  };
  const name = value('name') ?? '';
  if (problems.length > 0 || !kind) return { row: number, creditCode: creditCode.trim(), problems };
  const input: OrganisationInput = { kind, creditCode, name, ...optional('city'), ...optional('schoolKind'), ...optional('bureauKind'), ...optional('departmentKind') };
  return { row: number, creditCode: creditCode.trim(), input, problems };
}
