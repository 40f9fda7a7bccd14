import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clock, CLOCK } from '../../application/clock';
import { maySee, seesEvery } from '../../domain/access';
import { requireOperation } from '../../domain/service.access';
import { ENTERPRISE_ACCESS } from '../../domain/enterprise/enterprise.access';
import { enterpriseDecider } from '../../domain/enterprise/enterprise.decider';
import type { Actor, Role } from '../../domain/messages';
import { PROGRAM_CYCLE_ACCESS } from '../../domain/program-cycle/program-cycle.access';
import { programCycleDecider } from '../../domain/program-cycle/program-cycle.decider';
import { PROJECT_ACCESS } from '../../domain/project/project.access';
import { projectDecider } from '../../domain/project/project.decider';
import { FoldedStreams } from '../../application/folded-streams';
import { readState } from '../../application/handle-command';
import { ALLOWED_MEDIA_TYPES, DocumentStore } from '../documents/document-store';
import { DocumentCitations } from '../read-models/documents/document-citations.query';
import { CurrentActor } from './auth.guard';
import { contentDisposition } from './downloads';
import { ProblemError } from './problem.filter';

/** The one multipart field a document is uploaded in. */
const FIELD = 'file';

// Not told apart from a document that does not exist: a hash names content, and whether someone else uploaded it is not the asker's to learn.
const notFound = (sha256: string) =>
  new ProblemError({ status: 404, code: 'unknown-document', title: 'Not Found', detail: `no document with sha256 ${sha256} that you may read` });

/** A role that sees every record of every aggregate reads every stored document, cited or not (the office, auditors). */
const seesEveryRecord = (role: Role): boolean => [PROJECT_ACCESS, ENTERPRISE_ACCESS, PROGRAM_CYCLE_ACCESS].every((policy) => seesEvery(policy, role));

@ApiTags('documents')
@ApiBearerAuth()
@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentStore,
    private readonly citations: DocumentCitations,
    private readonly streams: FoldedStreams,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: `One file in the field "${FIELD}": ${ALLOWED_MEDIA_TYPES.join(', ')}. Commands then cite it as { sha256, name, size, mediaType }.`,
    schema: { type: 'object', properties: { [FIELD]: { type: 'string', format: 'binary' } }, required: [FIELD] },
  })
  @ApiCreatedResponse({
    description: 'Stored, content-addressed',
    schema: { example: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 48213, mediaType: 'application/pdf', name: '申报书.pdf' } },
  })
  async upload(@Req() request: FastifyRequest, @CurrentActor() actor: Actor) {
    return receiveDocument(request, actor, this.documents, this.clock);
  }

  @Get(':sha256')
  @ApiOkResponse({ description: 'The stored bytes, with their media type and original file name — to its uploaders and to whoever may read a record that cites it' })
  async download(@Param('sha256') sha256: string, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    const stored = await this.documents.describe(sha256);
    if (!stored) throw notFound(sha256);
    const name = await this.readableName(actor, sha256);
    if (name === undefined) throw notFound(sha256);
    await reply
      .type(stored.mediaType)
      .header('content-length', stored.size)
      .header('content-disposition', contentDisposition(name))
      .header('x-content-type-options', 'nosniff')
      .send(await this.documents.open(sha256));
  }

  /** The document's name as the asker knows it, when the asker may read it; undefined otherwise. */
  private async readableName(actor: Actor, sha256: string): Promise<string | undefined> {
    const uploads = await this.documents.uploadsOf(sha256);
    const own = uploads.find((u) => u.by === actor.id);
    if (own) return own.name;
    const fallback = uploads[0]?.name ?? `${sha256}`;
    if (seesEveryRecord(actor.role)) return fallback;
    for (const stream of await this.citations.streamsCiting(sha256)) {
      if (await this.mayRead(actor, stream)) return fallback;
    }
    return undefined;
  }

  /** Whether the actor may read the record the stream holds, by that aggregate's policy: as its GET answers. */
  private async mayRead(actor: Actor, stream: string): Promise<boolean> {
    if (stream.startsWith('project-')) {
      const { state } = await readState(this.streams, projectDecider, stream);
      return state.status !== 'None' && maySee(PROJECT_ACCESS, actor, state);
    }
    if (stream.startsWith('enterprise-')) {
      const { state } = await readState(this.streams, enterpriseDecider, stream);
      return state.status !== 'None' && maySee(ENTERPRISE_ACCESS, actor, state);
    }
    if (stream.startsWith('cycle-')) {
      // A cycle's documents are its public notices and approval documents.
      if (seesEvery(PROGRAM_CYCLE_ACCESS, actor.role)) return true;
      const { state } = await readState(this.streams, programCycleDecider, stream);
      return state.status !== 'None' && maySee(PROGRAM_CYCLE_ACCESS, actor, state);
    }
    return false;
  }
}

/** One document from a multipart body, stored content-addressed: what every upload route answers. */
export async function receiveDocument(request: FastifyRequest, actor: Actor, documents: DocumentStore, clock: Clock) {
  requireOperation('UploadDocument', actor);
  if (!request.isMultipart()) {
    throw new ProblemError({ status: 415, code: 'unsupported-media-type', title: 'Unsupported Media Type', detail: 'upload documents as multipart/form-data' });
  }
  let file: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    file = await request.file();
  } catch (error) {
    throw malformedMultipart(error);
  }
  if (!file) throw new ProblemError({ status: 400, code: 'document-missing', title: 'Bad Request', detail: `send the file in the multipart field "${FIELD}"` });
  if (file.fieldname !== FIELD) {
    file.file.resume();
    throw new ProblemError({
      status: 400,
      code: 'document-field',
      title: 'Bad Request',
      detail: `send the file in the multipart field "${FIELD}", not "${file.fieldname}"`,
      errors: [{ field: file.fieldname, reason: `documents are uploaded in the field "${FIELD}"` }],
    });
  }
  let stored;
  try {
    stored = await documents.save(file.file, file.mimetype, { by: actor.id, org: actor.org, name: file.filename, at: clock.now().toISOString() });
  } catch (error) {
    // A multipart body cut short or with a broken boundary fails while the file is read.
    if (error instanceof Error && /multipart|boundary|unexpected end/i.test(error.message)) throw malformedMultipart(error);
    throw error;
  }
  return { ...stored, name: file.filename };
}

function malformedMultipart(error: unknown): ProblemError {
  return new ProblemError({
    status: 400,
    code: 'malformed-multipart',
    title: 'Bad Request',
    detail: `the multipart body could not be read (${error instanceof Error ? error.message : String(error)}); send one file in the field "${FIELD}" with a valid boundary`,
  });
}
