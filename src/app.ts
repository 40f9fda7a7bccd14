import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { Clock, SimulatedClock, systemClock } from './application/clock';
import { AppConfig } from './config';
import { validationPipe } from './infrastructure/http/validation';
import { JsonLogger } from './infrastructure/json-logger';

function clockOf(config: AppConfig): Clock {
  return config.clock === 'simulated' ? new SimulatedClock(config.clockStart ? new Date(config.clockStart) : new Date()) : systemClock;
}

/** Builds the whole service for a configuration; main.ts and the e2e tests both start it this way. */
export async function createApp(config: AppConfig, clock: Clock = clockOf(config)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
  });
  // Commands are JSON; a text body is refused (415) rather than handed to validation as a string.
  adapter.getInstance().removeContentTypeParser('text/plain');
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config, clock), adapter, {
    logger: new JsonLogger(config.logLevel),
  });
  // One more byte than allowed, so an oversized upload is seen as such rather than silently cut.
  await app.register(multipart, { limits: { fileSize: config.documentMaxBytes + 1, files: 1, fields: 0 } });
  app.useGlobalPipes(validationPipe);
  app.enableShutdownHooks();
  const openApi = new DocumentBuilder()
    .setTitle('Accreditation Lifecycle Service')
    .setDescription('Application, selection, construction, evaluation and revocation of the accreditation projects of the 2020 Shanxi vocational-education plan, kept as event streams.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), { jsonDocumentUrl: 'docs-json' });
  return app;
}
