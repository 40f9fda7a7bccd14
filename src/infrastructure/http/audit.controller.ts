import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { DECIDERS } from '../../application/aggregates';
import { history, readEverything, stateAsOf, verifyIntegrity } from '../../application/audit';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../application/event-store';
import { forbidden } from '../../domain/errors';
import { Actor } from '../../domain/messages';
import { AppConfig } from '../../config';
import { APP_CONFIG } from '../event-store/event-store.module';
import { CurrentActor } from './auth.guard';
import { ProblemError } from './problem.filter';

const STREAM = /^[a-z]+-[A-Za-z0-9._:-]{1,200}$/;

export class AsOfQuery {
  @ApiPropertyOptional({ example: '2021-06-30T00:00:00+08:00' })
  @IsOptional()
  @IsISO8601({ strict: true })
  time?: string;

  @ApiPropertyOptional({ example: 12 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  revision?: number;
}

export class StreamQuery {
  @ApiPropertyOptional({ example: 'project-3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', description: 'One stream; the whole log when left out' })
  @IsOptional()
  @Matches(STREAM, { message: 'stream must look like <category>-<id>' })
  stream?: string;
}

/** Objectors are named to the office alone; everyone else sees that an objection existed and its outcome. */
export function redactFor(actor: Actor) {
  return (event: RecordedEvent): unknown =>
    actor.role !== 'office' && event.data && typeof event.data === 'object' && 'objector' in event.data
      ? { ...event.data, objector: { redacted: true } }
      : event.data;
}

function requireAuditor(actor: Actor) {
  if (actor.role !== 'auditor' && actor.role !== 'office') throw forbidden('role-not-allowed', 'the audit API is for auditors and the program office');
}

function requireStream(stream: string) {
  if (!STREAM.test(stream)) {
    throw new ProblemError({ status: 400, code: 'validation-failed', title: 'Bad Request', detail: 'stream must look like <category>-<id>', errors: [{ field: 'stream', reason: 'must look like <category>-<id>' }] });
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('streams/:stream/history')
  @ApiOperation({ summary: 'Every event of a stream with actor, reason, time, rules version and the state after it — auditor, office' })
  async history(@Param('stream') stream: string, @CurrentActor() actor: Actor) {
    requireAuditor(actor);
    requireStream(stream);
    const entries = await history(this.store, DECIDERS, stream, redactFor(actor));
    if (entries.length === 0) throw new ProblemError({ status: 404, code: 'stream-not-found', title: 'Not Found', detail: `no stream ${stream}` });
    return { stream, events: entries };
  }

  @Get('streams/:stream/state')
  @ApiOperation({ summary: 'The state of a stream as of a time or a revision — auditor, office' })
  async asOf(@Param('stream') stream: string, @Query() query: AsOfQuery, @CurrentActor() actor: Actor) {
    requireAuditor(actor);
    requireStream(stream);
    if ((query.time === undefined) === (query.revision === undefined)) {
      throw new ProblemError({ status: 400, code: 'validation-failed', title: 'Bad Request', detail: 'give exactly one of time and revision', errors: [{ field: 'time', reason: 'give exactly one of time and revision' }] });
    }
    const replayed = await stateAsOf(this.store, DECIDERS, stream, query.time !== undefined ? { time: query.time } : { revision: query.revision! });
    if (!replayed) throw new ProblemError({ status: 404, code: 'stream-not-found', title: 'Not Found', detail: `no aggregate kind for ${stream}` });
    return { stream, ...query, ...replayed };
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chain of one stream or of the whole log; reports the first broken link — auditor, office' })
  async verify(@Query() query: StreamQuery, @CurrentActor() actor: Actor) {
    requireAuditor(actor);
    return verifyIntegrity(this.store, { stream: query.stream, consecutivePositions: this.config.eventStore === 'sqlite' });
  }

  @Get('export')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'One stream or the whole log as NDJSON, streamed — auditor, office' })
  async export(@Query() query: StreamQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    requireAuditor(actor);
    const redact = redactFor(actor);
    const lines = async function* (store: EventStore) {
      for await (const event of readEverything(store, query.stream)) {
        yield `${JSON.stringify({ ...event, position: event.position.toString(), data: redact(event) })}\n`;
      }
    };
    await reply.type('application/x-ndjson').send(Readable.from(lines(this.store)));
  }
}
