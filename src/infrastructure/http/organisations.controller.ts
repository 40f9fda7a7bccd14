import { createHash } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DecideRegistry } from '../../application/accounts.commands';
import { Clock, CLOCK } from '../../application/clock';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { FoldedStreams } from '../../application/folded-streams';
import { CommandOutcome, CommandRequest, readState } from '../../application/handle-command';
import { REGISTRY_STREAM } from '../../application/streams';
import { requireRole } from '../../domain/checks';
import { DomainError } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { FieldProblem, Organisation, OrganisationInput, OrganisationKind } from '../../domain/organisation/organisation';
import { REGISTRY_COMMANDS } from '../../domain/organisation/registry.commands';
import { registryDecider } from '../../domain/organisation/registry.decider';
import { organisationOf } from '../../domain/organisation/registry.state';
import { PeopleQueries } from '../read-models/people/people.query';
import { ReadModels } from '../read-models/read-models';
import { answer, CurrentCommand, etagOf } from './command-request';
import { COLUMN_HEADERS, IMPORT_MAX_BYTES, ImportRow, readImportFile, UnreadableImportFile } from './organisation-import';
import { ImportOrganisationsDto, OrganisationInputDto, OrganisationListQuery, RegisterOrganisationDto, UpdateOrganisationDto } from './organisations.dto';
import { CommandHeaders, CommandResponses } from './openapi';
import { ProblemError } from './problem.filter';
import { validationPipe } from './validation';

/** The one multipart field a list is uploaded in. */
const FIELD = 'file';

/** A row's report, as the registry refuses an import with it (`import-rows-invalid`). */
interface RowReport {
  readonly row: number;
  readonly creditCode: string;
  readonly problems: readonly FieldProblem[];
}

/** A credit code as the registry keeps it: the registry trims and upper-cases a code it registers. */
const normalised = (creditCode: string) => creditCode.trim().toUpperCase();

/** A row of the organisations read model, in the shape the registry holds an organisation (and GET /organisations/:creditCode answers). */
function organisationOfRow(row: Record<string, unknown>): Record<string, unknown> {
  const { creditCode, kind, name, city, subKind } = row as { creditCode: string; kind: OrganisationKind; name: string; city: string | null; subKind: string | null };
  const subField = kind === 'school' ? 'schoolKind' : kind === 'bureau' ? 'bureauKind' : kind === 'department' ? 'departmentKind' : undefined;
  return { kind, creditCode, name, ...(city !== null ? { city } : {}), ...(subField && subKind !== null ? { [subField]: subKind } : {}) };
}

function unreadable(detail: string, extra: Record<string, unknown> = {}): ProblemError {
  return new ProblemError({ status: 400, code: 'unreadable-import-file', title: 'Bad Request', detail, ...extra });
}

function malformedMultipart(error: unknown): ProblemError {
  return new ProblemError({
    status: 400,
    code: 'malformed-multipart',
    title: 'Bad Request',
    detail: `the multipart body could not be read (${error instanceof Error ? error.message : String(error)}); send one file in the field "${FIELD}" and nothing else`,
  });
}

const tooLarge = () =>
  new ProblemError({ status: 413, code: 'import-file-too-large', title: 'Content Too Large', detail: `an imported list is at most ${IMPORT_MAX_BYTES} bytes`, maxBytes: IMPORT_MAX_BYTES });

@ApiTags('organisations')
@ApiBearerAuth()
@ApiExtraModels(ImportOrganisationsDto, OrganisationInputDto)
@Controller('organisations')
export class OrganisationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: FoldedStreams,
    private readonly people: PeopleQueries,
    private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an organisation (school, bureau, enterprise, department) under its credit code — office' })
  @CommandHeaders()
  @CommandResponses({ created: true })
  async register(@Body() body: RegisterOrganisationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { reason, ...organisation } = body;
    const outcome = await this.commands.execute(
      new DecideRegistry({ type: 'RegisterOrganisation', data: { organisation: { ...organisation }, ...(reason !== undefined ? { reason } : {}) } }, request),
    );
    const creditCode = normalised(body.creditCode);
    return { ...answer(reply, outcome, `/organisations/${encodeURIComponent(creditCode)}`), creditCode };
  }

  @Post('import')
  @ApiOkResponse({ description: 'Imported (or nothing to import): how many organisations are new, and how many rows were registered exactly so already', schema: { example: { stream: 'registry-organisations', revision: 4, position: '1042', events: ['OrganisationsImported'], repeated: false, imported: 3, unchanged: 0, format: 'xlsx' } } })
  @ApiOperation({
    summary:
      'Import the office’s list of organisations, all of it or none of it — office. JSON { rows } or a multipart upload (field "file") of an XLSX workbook (first sheet) or a CSV file (UTF-8 or GB18030)',
    description: [
      `The file's first row names the columns: ${Object.values(COLUMN_HEADERS).map((names) => names.join(' / ')).join(', ')}; 单位名称 and 统一社会信用代码 are required, other columns are ignored. `,
      'Without a 单位类型 (kind) column, or with its cell empty, a row is a school. ',
      'Rows already registered exactly so are counted as unchanged, so the same list imported twice changes nothing. ',
      'One bad row refuses the whole list: 400 import-rows-invalid, whose details.rows lists every bad row with every problem. ',
      'Rows are numbered as in the file (the header is row 1, so the first data row is row 2); for JSON, by their position in rows, the first being row 1.',
    ].join(''),
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(ImportOrganisationsDto) },
        { type: 'object', properties: { [FIELD]: { type: 'string', format: 'binary', description: `XLSX or CSV, at most ${IMPORT_MAX_BYTES} bytes` } }, required: [FIELD] },
      ],
    },
  })
  @CommandHeaders()
  @CommandResponses()
  async importList(@Req() httpRequest: FastifyRequest, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    // The role table first: nobody but the office has a file read on their behalf.
    requireRole(REGISTRY_COMMANDS, { type: 'ImportOrganisations', actor: request.actor });
    if (!httpRequest.isMultipart()) {
      const body = (await validationPipe.transform(httpRequest.body, { type: 'body', metatype: ImportOrganisationsDto })) as ImportOrganisationsDto;
      const rows: OrganisationInput[] = body.rows.map((row) => ({ ...row }));
      return this.importRows(rows, body.reason, (row) => row, request, reply);
    }
    const { bytes, fileName } = await this.uploaded(httpRequest);
    let read: { format: 'xlsx' | 'csv'; rows: ImportRow[] };
    try {
      read = await readImportFile(bytes);
    } catch (error) {
      if (error instanceof UnreadableImportFile) throw unreadable(`${fileName}: ${error.message}`, error.details);
      throw error;
    }
    const readable = read.rows.filter((row) => row.input !== undefined);
    if (readable.length < read.rows.length) await this.refuseWithEveryProblem(read.rows, request.actor);
    // The registry numbers the rows it is given 1, 2, …; the report gives the file's own numbers.
    const fileRow = (row: number) => readable[row - 1]?.row ?? row;
    // A key repeated with another file is another request: the digest names the file's content.
    const keyed = request.requestDigest === undefined ? request : { ...request, requestDigest: uploadDigest(httpRequest, bytes) };
    return { ...(await this.importRows(readable.map((row) => row.input!), undefined, fileRow, keyed, reply)), format: read.format };
  }

  @Get()
  @ApiOperation({ summary: 'The registry: organisations by kind and city (names and credit codes are public) — every role' })
  @ApiOkResponse({ schema: { example: { items: [{ kind: 'school', creditCode: '12140100MB1000001K', name: '太原职业技术学院', city: '太原市', schoolKind: '高职' }], total: 1, limit: 50, offset: 0 } } })
  async list(@Query() query: OrganisationListQuery) {
    await this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
    const page = this.people.organisations({ kind: query.kind, city: query.city }, query);
    return { ...page, items: page.items.map(organisationOfRow) };
  }

  @Get(':creditCode')
  @ApiOperation({ summary: 'One organisation as the registry holds it, with the registry’s ETag — every role' })
  async get(@Param('creditCode') creditCode: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { state, revision } = await readState(this.streams, registryDecider, REGISTRY_STREAM);
    const organisation: Organisation | undefined = organisationOf(state, normalised(creditCode));
    if (!organisation) throw new ProblemError({ status: 404, code: 'organisation-not-found', title: 'Not Found', detail: `no organisation with credit code ${creditCode.slice(0, 100)}` });
    reply.header('etag', etagOf(revision));
    return { id: organisation.creditCode, revision, ...organisation };
  }

  @Post(':creditCode/update')
  @ApiOperation({ summary: 'Rename an organisation or move it to another city, with a reason — office' })
  @CommandHeaders()
  @CommandResponses()
  async update(@Param('creditCode') creditCode: string, @Body() body: UpdateOrganisationDto, @CurrentCommand() request: CommandRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.commands.execute(new DecideRegistry({ type: 'UpdateOrganisation', data: { ...body, creditCode: normalised(creditCode) } }, request));
    return answer(reply, outcome);
  }

  /**
   * The one file of a multipart upload, read whole (it is small), or the problem with the upload. Every
   * part is read to the end, so a part beside the list is seen and refused, as a JSON body's unknown
   * field is, rather than skipped.
   */
  private async uploaded(httpRequest: FastifyRequest): Promise<{ bytes: Buffer; fileName: string }> {
    let list: { bytes: Buffer; fileName: string } | undefined;
    const others: { field: string; reason: string }[] = [];
    try {
      for await (const part of httpRequest.parts({ limits: { fileSize: IMPORT_MAX_BYTES + 1, files: 3, fields: 10, parts: 13 } })) {
        if (part.type === 'field') {
          others.push({ field: part.fieldname, reason: 'not taken: the list is the only part' });
        } else if (part.fieldname !== FIELD || list) {
          part.file.resume();
          others.push({ field: part.fieldname, reason: part.fieldname === FIELD ? 'one list at a time' : `a list is uploaded in the field "${FIELD}"` });
        } else {
          const bytes = await part.toBuffer();
          if (bytes.length > IMPORT_MAX_BYTES || part.file.truncated) throw tooLarge();
          list = { bytes, fileName: part.filename || FIELD };
        }
      }
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw malformedMultipart(error);
    }
    if (others.length > 0) {
      const wrongField = !list && others.length === 1 && others[0].reason.startsWith('a list');
      throw new ProblemError({
        status: 400,
        code: wrongField ? 'import-file-field' : 'import-unexpected-part',
        title: 'Bad Request',
        detail: wrongField ? `send the list in the multipart field "${FIELD}", not "${others[0].field}"` : `send one file in the multipart field "${FIELD}" and nothing else`,
        errors: others,
      });
    }
    if (!list) throw new ProblemError({ status: 400, code: 'import-file-missing', title: 'Bad Request', detail: `send the list in the multipart field "${FIELD}"` });
    return list;
  }

  /** Sends the rows through the registry's door; its report is renumbered by `fileRow`. */
  private async importRows(rows: OrganisationInput[], reason: string | undefined, fileRow: (row: number) => number, request: CommandRequest, reply: FastifyReply) {
    let outcome: CommandOutcome;
    try {
      outcome = await this.commands.execute(new DecideRegistry({ type: 'ImportOrganisations', data: { rows, ...(reason !== undefined ? { reason } : {}) } }, request));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'import-rows-invalid') {
        const rows = (error.details?.rows ?? []) as RowReport[];
        throw new DomainError(error.kind, error.code, error.message, { ...error.details, rows: rows.map((report) => ({ ...report, row: fileRow(report.row) })) });
      }
      throw error;
    }
    return { ...answer(reply, outcome), ...(await this.countsOf(outcome, rows.length)) };
  }

  /** How many organisations the import registered, and how many rows were registered exactly so already. */
  private async countsOf(outcome: CommandOutcome, rows: number): Promise<{ imported: number; unchanged: number }> {
    let event: { type: string; data: unknown } | undefined = outcome.written.find((e) => e.type === 'OrganisationsImported');
    if (!event && outcome.repeated && outcome.events.length > 0) {
      // A repeat (the same Idempotency-Key): what the first request imported.
      [event] = await this.store.readStream(REGISTRY_STREAM, { fromRevision: outcome.revision, maxCount: 1 });
    }
    if (!event || event.type !== 'OrganisationsImported') return { imported: 0, unchanged: rows };
    const data = event.data as { organisations: readonly unknown[]; unchanged: number };
    return { imported: data.organisations.length, unchanged: data.unchanged };
  }

  /**
   * Some rows of the file could not be handed to the registry at all (an unknown kind, a cell too long):
   * the others are judged by the registry's own decider on its current state without writing anything,
   * so the refusal lists every bad row of the file at once, each under the file's row number.
   */
  private async refuseWithEveryProblem(rows: readonly ImportRow[], actor: Actor): Promise<never> {
    const readable = rows.filter((row) => row.input !== undefined);
    let judged: RowReport[] = [];
    if (readable.length > 0) {
      const { state } = await readState(this.streams, registryDecider, REGISTRY_STREAM);
      try {
        registryDecider.decide({ type: 'ImportOrganisations', data: { rows: readable.map((row) => row.input!) }, actor, now: this.clock.now().toISOString() }, state);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'import-rows-invalid')) throw error;
        judged = ((error.details?.rows ?? []) as RowReport[]).map((report) => ({ ...report, row: readable[report.row - 1].row }));
      }
    }
    const unread: RowReport[] = rows.filter((row) => row.input === undefined).map(({ row, creditCode, problems }) => ({ row, creditCode, problems }));
    const report = [...unread, ...judged].sort((a, b) => a.row - b.row);
    throw new DomainError('validation', 'import-rows-invalid', `名单的 ${rows.length} 行中有 ${report.length} 行有问题，未导入任何一行`, { rows: report });
  }
}

/** What identifies an upload beside its Idempotency-Key: method, path and the file's content. */
function uploadDigest(httpRequest: FastifyRequest, bytes: Buffer): string {
  const path = httpRequest.url.split('?', 1)[0];
  const file = createHash('sha256').update(bytes).digest('hex');
  return createHash('sha256').update(`${httpRequest.method} ${path}\nfile:${file}`).digest('base64url');
}
