import { LoggerService, LogLevel } from '@nestjs/common';
import { AppConfig } from '../config';

/** Contexts in which Nest logs one line per module, controller and route while it starts. */
const SETUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

const SEVERITY: Record<string, number> = { trace: 10, debug: 20, verbose: 20, info: 30, log: 30, warn: 40, error: 50, fatal: 60 };

/** Nest's own messages as one JSON object per line, in the shape Fastify's request logs already have. */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(level: AppConfig['logLevel']) {
    this.threshold = level === 'silent' ? Infinity : SEVERITY[level];
  }

  log(message: unknown, ...rest: unknown[]) {
    // Nest's account of each module and route it set up is detail: at info, start-up is one brief line (main.ts).
    this.write(SETUP_CONTEXTS.has(String(rest.at(-1))) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }
  setLogLevels?(_levels: LogLevel[]) {}

  private write(level: string, message: unknown, rest: unknown[]) {
    if (SEVERITY[level] < this.threshold) return;
    // Nest passes the context last, and a stack trace before it for errors.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const line: Record<string, unknown> = { level: SEVERITY[level], time: Date.now(), context };
    if (message instanceof Error) Object.assign(line, { msg: message.message, stack: message.stack });
    else if (typeof message === 'object' && message !== null) Object.assign(line, message);
    else line.msg = String(message);
    if (stack) line.stack = stack;
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}
