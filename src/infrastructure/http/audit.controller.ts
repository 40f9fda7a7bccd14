import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, Matches, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { DECIDERS } from '../../application/aggregates';
import { auditViewFor, history, readEverything, redactedData, stateAsOf, verifyIntegrity } from '../../application/audit';
import { Finding, verifyLog } from '../../application/checkpoints';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../application/event-store';
import { requireOperation } from '../../domain/service.access';
import { Actor } from '../../domain/messages';
import { AppConfig } from '../../config';
import { Checkpointer, CheckpointRefusedError } from '../audit/checkpointer.service';
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
  return (event: RecordedEvent): unknown => redactedData(actor.role, event);
}

function requireAuditor(actor: Actor) {
  requireOperation('ReadAudit', actor);
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
    private readonly checkpointer: Checkpointer,
  ) {}

  @Get('streams/:stream/history')
  @ApiOperation({ summary: 'Every event of a stream with actor, reason, time, rules version and the state after it — auditor, office' })
  async history(@Param('stream') stream: string, @CurrentActor() actor: Actor) {
    requireAuditor(actor);
    requireStream(stream);
    // Who filed an objection is hidden from everyone but the office, in the events and in the envelope.
    const entries = await history(this.store, DECIDERS, stream, auditViewFor(actor.role));
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
    const replayed = await stateAsOf(this.store, DECIDERS, stream, query.time !== undefined ? { time: query.time } : { revision: query.revision! }, auditViewFor(actor.role));
    if (!replayed) throw new ProblemError({ status: 404, code: 'stream-not-found', title: 'Not Found', detail: `no aggregate kind for ${stream}` });
    return { stream, ...query, ...replayed };
  }

  @Get('verify')
  @ApiOperation({
    summary:
      'Verify the stored events: the hash chain of one stream, or of the whole log with its global order against the latest signed checkpoint; reports the first broken link and every finding with a stable code — auditor, office',
  })
  async verify(@Query() query: StreamQuery, @CurrentActor() actor: Actor) {
    requireAuditor(actor);
    const consecutivePositions = this.config.eventStore !== 'esdb';
    if (query.stream) {
      // Checkpoints cover the whole log; one stream is checked by its own chain alone.
      const result = await verifyIntegrity(this.store, { stream: query.stream, consecutivePositions });
      const findings: Finding[] = result.firstBroken
        ? [{ code: 'stream-chain-broken', severity: 'error', kind: 'alteration', message: `the hash chain of ${result.firstBroken.stream} breaks at revision ${result.firstBroken.revision}: ${result.firstBroken.reason}`, details: { ...result.firstBroken } }]
        : [];
      return { ...result, findings };
    }
    return verifyLog(this.store, { consecutivePositions, checkpoints: this.checkpointer.trusted(), findings: this.checkpointer.findings() });
  }

  @Post('checkpoints')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign a checkpoint of the whole log now (before a backup, at the start of an audit) and answer it with the public key that checks it — auditor, office' })
  async checkpoint(@CurrentActor() actor: Actor) {
    requireAuditor(actor);
    try {
      const checkpoint = await this.checkpointer.checkpointNow();
      const key = this.checkpointer.key!;
      return { checkpoint: checkpoint ?? null, keyId: key.keyId, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    } catch (error) {
      if (error instanceof CheckpointRefusedError) {
        throw new ProblemError({ status: error.code === 'checkpoint-timeout' ? 503 : 409, code: error.code, title: error.code === 'checkpoint-timeout' ? 'Service Unavailable' : 'Conflict', detail: error.message });
      }
      throw error;
    }
  }

  @Get('export')
  @ApiProduces('application/x-ndjson')
  @ApiOperation({ summary: 'One stream or the whole log as NDJSON, streamed — auditor, office' })
  async export(@Query() query: StreamQuery, @CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    requireAuditor(actor);
    // An event with `redacted` paths cannot be rehashed from the export: its hash and prevHash still link it to its neighbours.
    const view = auditViewFor(actor.role);
    const lines = async function* (store: EventStore) {
      for await (const event of readEverything(store, query.stream)) {
        const seen = view(event);
        yield `${JSON.stringify({ ...seen, position: event.position.toString() })}\n`;
      }
    };
    await reply.type('application/x-ndjson').send(Readable.from(lines(this.store)));
  }
}
