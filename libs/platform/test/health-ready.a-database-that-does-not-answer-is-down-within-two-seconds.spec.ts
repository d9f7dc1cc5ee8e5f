import { describe, expect, it } from '@jest/globals';
import type { FastifyReply } from 'fastify';
import type { Database } from '#eventstore';
import type { MessageTransport } from '#messaging';
import { HealthController } from '../src/health/health.controller.js';

/**
 * An orchestrator's readiness probe gives up after its own timeout (Kubernetes: 1 s by default, often set to a few).
 * A database that does not answer (a stalled server, or every pool connection busy) must make `/health/ready` say
 * 503 and why within two seconds, as the Kafka check already does, not leave the probe waiting out the connect
 * timeout or longer. The controller runs here over a database whose query never settles.
 */

interface Answer {
  status: number;
  body: any;
  afterMs: number;
}

function ready(db: Pick<Database, 'kind' | 'query'>, transportHealthy = true): Promise<Answer> {
  const transport = { kind: 'kafka', healthy: async () => transportHealthy } as unknown as MessageTransport;
  const controller = new HealthController(db as Database, transport);
  const started = Date.now();
  return new Promise((resolve) => {
    let status = 200;
    const reply = {
      status(code: number) {
        status = code;
        return reply;
      },
      send(body: unknown) {
        resolve({ status, body, afterMs: Date.now() - started });
        return reply;
      },
    };
    void controller.ready(reply as unknown as FastifyReply);
  });
}

const stalled = { kind: 'postgres' as const, query: () => new Promise<never>(() => undefined) };

describe('GET /health/ready', () => {
  it('answers 503 within about two seconds, naming the timeout, when the database does not answer', async () => {
    const answer = await Promise.race([
      ready(stalled),
      new Promise<Answer>((resolve) => setTimeout(() => resolve({ status: 0, body: 'no answer within 4 s', afterMs: 4_000 }), 4_000)),
    ]);
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({
      status: 'down',
      checks: { database: { status: 'down', kind: 'postgres', reason: 'no answer within 2000 ms' }, transport: { status: 'ok', kind: 'kafka' } },
    });
    expect(answer.afterMs).toBeGreaterThanOrEqual(1_900);
    expect(answer.afterMs).toBeLessThan(3_000);
  });

  it('answers 200 at once when the database and the transport answer', async () => {
    const answer = await ready({ kind: 'postgres', query: async () => [{ '?column?': 1 }] as never });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', checks: { database: { status: 'ok', kind: 'postgres' }, transport: { status: 'ok', kind: 'kafka' } } });
    expect(answer.afterMs).toBeLessThan(1_000);
  });

  it('answers 503 when the database refuses, without repeating the error (it may name hosts)', async () => {
    const answer = await ready({ kind: 'postgres', query: async () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432')) });
    expect(answer.status).toBe(503);
    expect(answer.body.checks.database).toEqual({ status: 'down', kind: 'postgres' });
  });
});
