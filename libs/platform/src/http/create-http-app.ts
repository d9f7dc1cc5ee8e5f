import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { PinoNestLogger } from '../logging/logger.js';
import { recordHttpMetrics } from '../metrics/http-metrics.hook.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { BodyNotAllowedInterceptor } from './body-not-allowed.interceptor.js';
import { CanonicalUuidParamPipe } from './canonical-uuid.js';
import { MAX_PATH_PARAMETER_LENGTH } from './fastify-problems.js';
import { answerFrameworkError } from './framework-errors.js';
import { IdempotencyKeyInterceptor } from './idempotency-key.interceptor.js';
import { answerMethodNotAllowed } from './method-not-allowed.js';
import { withHeadersDocumentedOnce } from './openapi-headers.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { QueryKeysInterceptor } from './query-keys.interceptor.js';
import { logRequest } from './request-log.js';
import { traceRequest } from './request-trace.js';
import { StorableTextPipe } from './storable-text.pipe.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  logger: Logger;
  title: string;
  version?: string;
  /** Records every HTTP answer (`signaalroute_http_request_duration_seconds`). */
  metrics?: ProcessMetrics;
}

/**
 * Creates a Nest application on Fastify with the product's HTTP conventions: 1 MiB body limit, JSON only,
 * unknown query parameters refused, a body refused by a route that takes none and an `Idempotency-Key` by one that
 * does not honour it, 405 with `Allow` for a method a path does not take, problem+json errors (the router's own
 * included), W3C trace context, request logs without bodies, and an OpenAPI document at `/openapi.json` (UI at `/docs`).
 */
export async function createHttpApp(rootModule: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false,
    trustProxy: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: answerFrameworkError(options.logger, options.metrics),
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule as never, adapter, {
    logger: new PinoNestLogger(options.logger.child({ component: 'nest' })),
    bufferLogs: false,
    // Start-up errors reach the caller (main prints them; tests can assert them) instead of process.exit(1).
    abortOnError: false,
    // Nest's body parsers would add application/x-www-form-urlencoded; Fastify's own parse JSON only.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Only JSON bodies are accepted; Fastify answers other content types with 415 (mapped to problem+json).
  fastify.removeContentTypeParser(['text/plain']);
  fastify.addHook('onRequest', async (request, reply) => traceRequest(request, reply));
  // Before any route is registered (Nest registers its own as the app starts), after the trace hook.
  answerMethodNotAllowed(fastify);
  fastify.addHook('onResponse', async (request, reply) => logRequest(options.logger, request, reply));
  if (options.metrics) recordHttpMetrics(fastify, options.metrics);
  app.useGlobalFilters(new ProblemDetailsFilter(options.logger));
  // After the processing log's interceptor (APP_INTERCEPTOR, registered as the app is created): see the class.
  app.useGlobalInterceptors(new QueryKeysInterceptor(), new BodyNotAllowedInterceptor(), new IdempotencyKeyInterceptor());
  app.useGlobalPipes(new StorableTextPipe(), new CanonicalUuidParamPipe());
  // On SIGTERM/SIGINT: close the app, then exit 0 through process.exit, so 'exit' handlers run (the logger's
  // flush of pending lines) and a stop asked for is a clean exit. Nest's default re-raises the signal instead: the
  // process died by it (shell status 143), and log lines still pending could be lost.
  app.enableShutdownHooks([], { useProcessExit: true });

  const doc = withHeadersDocumentedOnce(
    SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(options.title).setVersion(options.version ?? '1').addBearerAuth().build()),
  );
  fastify.get('/openapi.json', (_req, reply) => void reply.send(doc));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi-ui.json' });
  return app;
}
