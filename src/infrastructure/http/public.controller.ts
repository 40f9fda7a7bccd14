import { createHash } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CATALOG } from '../../application/catalog';
import { ProgramCatalog } from '../../domain/catalog/program-catalog';
import { ProblemError } from './problem.filter';
import { printNotice, sendPdf } from './printed';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock, CLOCK } from '../../application/clock';
import { EVENT_STORE, EventStore } from '../../application/event-store';
import { nameBasedUuid } from '../../application/ids';
import { DecideProject } from '../../application/project.commands';
import { projectStream } from '../../application/streams';
import type { Actor } from '../../domain/messages';
import { AppConfig } from '../../config';
import { ALLOWED_MEDIA_TYPES, DocumentStore } from '../documents/document-store';
import { APP_CONFIG } from '../event-store/event-store.module';
import { ProjectQueries } from '../read-models/projects/projects.query';
import { ReadModels } from '../read-models/read-models';
import { Public } from './auth.guard';
import { commandRequestOf } from './command-request';
import { receiveDocument } from './documents.controller';
import { PublicObjectionDto } from './projects.dto';
import { PublicRateLimit } from './public-rate-limit';
import { PageQuery, TableQuery } from './read-models.controller';
import { pagingOf, sendTable } from './downloads';

/**
 * What anyone does without signing in: read the public notices (公示) and the published results, and
 * object to a project in its notice, with evidence. Reads are limited per client address to 120 a
 * minute; what writes (an objection, an upload of its evidence) to 20 an hour.
 */
@ApiTags('public')
@Controller()
export class PublicController {
  private readonly reads = new PublicRateLimit();
  private readonly writes = new PublicRateLimit(20, 3_600_000);

  constructor(
    private readonly readModels: ReadModels,
    private readonly projectQueries: ProjectQueries,
    private readonly commands: CommandBus,
    private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CATALOG) private readonly catalog: ProgramCatalog,
  ) {}

  @Public()
  @Get('notices')
  @ApiOperation({
    summary:
      'Public notices (公示) open now, with their projects, their applicants by name and the number of objections — anyone, without signing in (120 requests a minute from one address); objectors are never shown here',
  })
  async notices(@Query() query: TableQuery, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.reads.take(request.ip);
    await this.reach(query);
    const page = this.projectQueries.notices(pagingOf(query));
    if (query.format === undefined || query.format === 'json') return page;
    const rows = page.items.flatMap((notice) => (notice.projects as Record<string, unknown>[]).map((project) => ({ notice: notice as Record<string, unknown>, project })));
    return sendTable(reply, query.format, '公示名单', [
      ['批次', ({ notice }) => String(notice.cycleId)],
      ['公示编号', ({ notice }) => String(notice.noticeId)],
      ['公示截止', ({ notice }) => String(notice.endsOn ?? '')],
      ['项目名称', ({ project }) => String(project.title ?? '')],
      ['申报单位', ({ project }) => String(project.applicantName ?? project.applicantOrg ?? '')],
      ['档次', ({ project }) => String(project.tier ?? '')],
      ['异议数', ({ project }) => Number(project.objections ?? 0)],
    ], rows);
  }

  @Public()
  @Get('notices/:cycleId/:noticeId/pdf')
  @ApiOperation({ summary: 'A public notice open now as a printable A4 PDF in Chinese: its list, its end, how to object — anyone (120 requests a minute from one address)' })
  @ApiProduces('application/pdf')
  async noticePdf(@Param('cycleId') cycleId: string, @Param('noticeId') noticeId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.reads.take(request.ip);
    const [notice] = this.projectQueries.notices({ limit: 1 }, { cycleId, noticeId }).items as Record<string, unknown>[];
    if (!notice) throw new ProblemError({ status: 404, code: 'notice-not-found', title: 'Not Found', detail: `no public notice ${noticeId} of cycle ${cycleId} is open` });
    const programType = String(notice.programType);
    const pdf = await printNotice({
      cycleName: this.projectQueries.cycleName(cycleId) ?? cycleId,
      programName: Object.prototype.hasOwnProperty.call(this.catalog, programType) ? this.catalog[programType].name.zh : programType,
      noticeId,
      endsOn: String(notice.endsOn),
      projects: (notice.projects as { title: string; applicantName: string | null; applicantOrg: string; tier: string | null }[]).map((p) => ({ title: p.title, applicant: p.applicantName ?? p.applicantOrg, tier: p.tier })),
      printedAt: this.clock.now(),
    });
    return sendPdf(reply, `公示-${this.projectQueries.cycleName(cycleId) ?? cycleId}.pdf`, pdf);
  }

  @Public()
  @Get('limits')
  @ApiOperation({ summary: 'What an upload may be (its largest size in bytes, its media types), for a page to check a file before sending it — anyone' })
  limits() {
    return { documentMaxBytes: this.config.documentMaxBytes, documentMediaTypes: ALLOWED_MEDIA_TYPES };
  }

  @Public()
  @Get('results')
  @ApiOperation({ summary: 'Published results: each cycle’s approved projects by applicant, newest first — anyone, without signing in (120 requests a minute from one address)' })
  async results(@Query() query: TableQuery, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.reads.take(request.ip);
    await this.reach(query);
    const page = this.projectQueries.results(pagingOf(query));
    if (query.format === undefined || query.format === 'json') return page;
    const rows = page.items.flatMap((cycle) => (cycle.projects as Record<string, unknown>[]).map((project) => ({ cycle: cycle as Record<string, unknown>, project })));
    return sendTable(reply, query.format, '立项名单', [
      ['批次', ({ cycle }) => String(cycle.name ?? cycle.cycleId)],
      ['立项日期', ({ project }) => String(project.approvedOn ?? '')],
      ['项目名称', ({ project }) => String(project.title ?? '')],
      ['申报单位', ({ project }) => String(project.applicantName ?? project.applicantOrg ?? '')],
      ['档次', ({ project }) => String(project.tier ?? '')],
      ['已撤销', ({ project }) => (project.revoked ? '是' : '否')],
    ], rows);
  }

  @Public()
  @Post('notices/evidence')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ApiOperation({ summary: 'Upload one document of evidence for an objection, as POST /documents does — anyone (20 writes an hour from one address)' })
  async evidence(@Req() request: FastifyRequest) {
    this.writes.take(request.ip);
    return receiveDocument(request, this.publicActor(request), this.documents, this.clock);
  }

  @Public()
  @Post('notices/objections')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Object to a project in its public notice under real name: recorded as admissible, or inadmissible with the reasons (anonymous, no evidence, outside the notice); the receipt is the objection id — anyone (20 writes an hour from one address)',
  })
  async object(@Body() body: PublicObjectionDto, @Req() request: FastifyRequest) {
    this.writes.take(request.ip);
    // A retry's key is scoped by the member of the public's address, as a signed-in person's is by the person.
    const command = commandRequestOf(request, this.publicActor(request));
    const objectionId = nameBasedUuid(`objection:${command.commandId}`);
    const { projectId, statement, objector, evidence } = body;
    const outcome = await this.commands.execute(new DecideProject(projectId, { type: 'FileObjection', data: { objectionId, grounds: statement, objector, evidence } }, command));
    const recorded = (await this.store.readStream(projectStream(projectId))).find(
      (e) => (e.type === 'ObjectionFiled' || e.type === 'ObjectionRejected') && (e.data as { objectionId?: string }).objectionId === objectionId,
    );
    const reasons = recorded?.type === 'ObjectionRejected' ? ((recorded.data as { reasons: string[] }).reasons ?? []) : [];
    return { receipt: objectionId, projectId, admissible: recorded?.type === 'ObjectionFiled', reasons, repeated: outcome.repeated };
  }

  /** A member of the public, known by a digest of their address alone: the envelope records no address. */
  private publicActor(request: FastifyRequest): Actor {
    return { id: `public-${createHash('sha256').update(request.ip).digest('hex').slice(0, 16)}`, role: 'public', org: '' };
  }

  private reach(query: PageQuery) {
    return this.readModels.reach(query.after === undefined ? undefined : BigInt(query.after));
  }
}
