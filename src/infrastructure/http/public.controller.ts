import { createHash } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
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
import { PageQuery } from './read-models.controller';

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
  ) {}

  @Public()
  @Get('notices')
  @ApiOperation({
    summary:
      'Public notices (公示) open now, with their projects, their applicants by name and the number of objections — anyone, without signing in (120 requests a minute from one address); objectors are never shown here',
  })
  async notices(@Query() query: PageQuery, @Req() request: FastifyRequest) {
    this.reads.take(request.ip);
    await this.reach(query);
    return this.projectQueries.notices(query);
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
  async results(@Query() query: PageQuery, @Req() request: FastifyRequest) {
    this.reads.take(request.ip);
    await this.reach(query);
    return this.projectQueries.results(query);
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
