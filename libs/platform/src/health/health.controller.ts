import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Database } from '#eventstore';
import { MESSAGE_TRANSPORT, type MessageTransport } from '#messaging';
import { Public } from '#security';
import { DATABASE } from '../platform.tokens.js';

/** Liveness (the process answers) and readiness (the database and, when configured, Kafka answer). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
  ) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const [database, transport] = await Promise.all([
      this.db.query('SELECT 1').then(() => 'ok', () => 'down'),
      this.transport.healthy().then((ok) => (ok ? 'ok' : 'down'), () => 'down'),
    ]);
    const ok = database === 'ok' && transport === 'ok';
    void reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'down', checks: { database: { status: database, kind: this.db.kind }, transport: { status: transport, kind: this.transport.kind } } });
  }
}
