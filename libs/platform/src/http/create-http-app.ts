import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { PinoNestLogger } from '../logging/logger.js';
import { recordHttpMetrics } from '../metrics/http-metrics.hook.js';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { StorableTextPipe } from './storable-text.pipe.js';
import { CanonicalUuidParamPipe } from './canonical-uuid.js';
import { continueTrace } from './trace-context.js';

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
 * problem+json errors, W3C trace context, request logs without bodies, and an OpenAPI document at
 * `/openapi.json` (UI at `/docs`).
 */
export async function createHttpApp(rootModule: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, logger: false, trustProxy: false });
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
  fastify.addHook('onRequest', async (request, reply) => {
    const trace = continueTrace(request.headers.traceparent);
    Object.assign(request, trace);
    void reply.header('traceparent', trace.traceparent);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const r = request as typeof request & { traceId?: string; principal?: { subject: string; role: string } };
    options.logger.info(
      { component: 'http', method: request.method, route: request.routeOptions?.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), traceId: r.traceId, actor: r.principal?.subject, role: r.principal?.role },
      'request',
    );
  });
  if (options.metrics) recordHttpMetrics(fastify, options.metrics);
  app.useGlobalFilters(new ProblemDetailsFilter(options.logger));
  app.useGlobalPipes(new StorableTextPipe(), new CanonicalUuidParamPipe());
  // On SIGTERM/SIGINT: close the app, then exit 0 through process.exit, so 'exit' handlers run (the logger's
  // flush of pending lines) and a stop asked for is a clean exit. Nest's default re-raises the signal instead: the
  // process died by it (shell status 143), and log lines still pending could be lost.
  app.enableShutdownHooks([], { useProcessExit: true });

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(options.title).setVersion(options.version ?? '1').addBearerAuth().build(),
  );
  fastify.get('/openapi.json', (_req, reply) => void reply.send(doc));
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi-ui.json' });
  return app;
}
