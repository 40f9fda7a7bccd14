import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../../domain/errors';
import type { Actor } from '../../domain/messages';
import { ALLOWED_MEDIA_TYPES, DocumentStore } from '../documents/document-store';
import { CurrentActor } from './auth.guard';
import { ProblemError } from './problem.filter';

const notFound = (sha256: string) =>
  new ProblemError({ status: 404, code: 'unknown-document', title: 'Not Found', detail: `no document with sha256 ${sha256}` });

@ApiTags('documents')
@ApiBearerAuth()
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentStore) {}

  @Post()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    description: `One file in the field "file": ${ALLOWED_MEDIA_TYPES.join(', ')}. Commands then cite it as { sha256, name, size, mediaType }.`,
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
  })
  @ApiCreatedResponse({
    description: 'Stored, content-addressed',
    schema: { example: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', size: 48213, mediaType: 'application/pdf', name: '申报书.pdf' } },
  })
  async upload(@Req() request: FastifyRequest, @CurrentActor() actor: Actor) {
    if (actor.role === 'auditor') throw forbidden('role-not-allowed', 'auditors read; they do not upload documents');
    if (!request.isMultipart()) {
      throw new ProblemError({ status: 415, code: 'unsupported-media-type', title: 'Unsupported Media Type', detail: 'upload documents as multipart/form-data' });
    }
    const file = await request.file();
    if (!file) {
      throw new ProblemError({ status: 400, code: 'document-missing', title: 'Bad Request', detail: 'send the file in the multipart field "file"' });
    }
    const stored = await this.documents.save(file.file, file.mimetype);
    return { ...stored, name: file.filename };
  }

  @Get(':sha256')
  @ApiOkResponse({ description: 'The stored bytes, with their media type' })
  async download(@Param('sha256') sha256: string, @Res() reply: FastifyReply) {
    const stored = this.documents.describe(sha256);
    if (!stored) throw notFound(sha256);
    await reply.type(stored.mediaType).header('content-length', stored.size).send(this.documents.open(sha256));
  }
}
