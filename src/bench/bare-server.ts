import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import Fastify from 'fastify';
import { EditApplicationDto } from '../infrastructure/http/projects.dto';

/**
 * The bench's baseline: plain Fastify answering POST /projects/:id/edit. It parses the same JSON
 * body and validates it against the same DTO class with the same options as the service's
 * validation pipe (transform, whitelist, forbid unknown fields), verifies nothing else, and answers
 * 200. Run as its own process by bench.ts (PORT from the environment).
 */
async function main() {
  const app = Fastify({ logger: false });
  app.post<{ Params: { id: string } }>('/projects/:id/edit', async (request, reply) => {
    const body = plainToInstance(EditApplicationDto, request.body as object);
    const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
    if (errors.length > 0) {
      reply.status(400);
      return { code: 'validation-failed', errors: errors.length };
    }
    return { id: request.params.id, title: body.title ?? null };
  });
  app.get('/health', async () => ({ status: 'ok' }));
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
