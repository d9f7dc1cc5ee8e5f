import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Database } from '#eventstore';
import { MESSAGE_TRANSPORT, type MessageTransport } from '#messaging';
import { Public } from '#security';
import { DATABASE } from '../platform.tokens.js';

/**
 * How long the readiness check waits for the database: an orchestrator's probe gives up after its own timeout (a
 * few seconds at most), and a query waits for a pool connection up to DATABASE_CONNECT_TIMEOUT_MS, or for ever on a
 * stalled server. The same bound as the Kafka check's.
 */
export const READINESS_DATABASE_TIMEOUT_MS = 2_000;

type Check = { status: 'ok' | 'down'; reason?: string };

/** `SELECT 1`, answered within the bound; an error is only "down": its message may name hosts. */
function probeDatabase(db: Database): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', reason: `no answer within ${READINESS_DATABASE_TIMEOUT_MS} ms` }), READINESS_DATABASE_TIMEOUT_MS);
  });
  const answered = db.query('SELECT 1').then(
    (): Check => ({ status: 'ok' }),
    (): Check => ({ status: 'down' }),
  );
  return Promise.race([answered, timedOut]).finally(() => clearTimeout(timer));
}

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
      probeDatabase(this.db),
      this.transport.healthy().then((ok) => (ok ? 'ok' : 'down'), () => 'down'),
    ]);
    const ok = database.status === 'ok' && transport === 'ok';
    void reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'down', checks: { database: { ...database, kind: this.db.kind }, transport: { status: transport, kind: this.transport.kind } } });
  }
}
