import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, headerAsSent, Public, singleAuthorizationHeader } from '#security';
import type { AppConfig } from '../config/app.config.js';
import { APP_CONFIG } from '../platform.tokens.js';
import { METRICS } from './metrics.tokens.js';
import type { ProcessMetrics } from './process-metrics.js';

/**
 * `GET /metrics`: the process's metrics in the Prometheus text format. Counts and durations only, with no
 * municipality, person, case or signal in any label. Open like `/health` unless `METRICS_TOKEN` is set;
 * then the scraper sends `Authorization: Bearer <METRICS_TOKEN>` once (401 otherwise; sent twice it is
 * `AUTH.HEADER_REPEATED`, as on every other route, whichever tokens it holds). Not in the API document: it is for
 * the operator's monitoring, not for API users.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    @Inject(METRICS) private readonly metrics: ProcessMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expected = config.METRICS_TOKEN ? Buffer.from(`Bearer ${config.METRICS_TOKEN}`) : null;
  }

  @Get()
  async scrape(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.expected) {
      // Read as sent, as the guard reads it for every other route: Node would keep the first of two.
      const authorization = singleAuthorizationHeader(headerAsSent(request, 'authorization'));
      if (!this.authorized(authorization)) {
        throw authorization
          ? new AuthenticationError('AUTH.TOKEN_INVALID', 'The token is not the metrics token', 'metrics-token')
          : new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'no-header');
      }
    }
    const { contentType, body } = await this.metrics.exposition();
    void reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }

  private authorized(authorization: string | undefined): boolean {
    const given = Buffer.from(authorization ?? '');
    return given.length === this.expected!.length && timingSafeEqual(given, this.expected!);
  }
}
