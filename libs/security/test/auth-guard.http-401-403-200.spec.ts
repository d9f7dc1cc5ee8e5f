import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Catch, Controller, Get, Module } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter, INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CurrentPrincipal, issueToken, Public, Roles, SecurityError, SecurityModule, SigningKeys } from '#security';
import type { Principal } from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

/** Stand-in for the real global problem+json filter: maps our errors by their httpStatus/code. */
@Catch(SecurityError)
class SecurityErrorTestFilter implements ExceptionFilter {
  catch(error: SecurityError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    reply.status(error.httpStatus).send({ code: error.code });
  }
}

@Controller()
class ProbeController {
  @Public()
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Roles('coordinator', 'admin')
  @Get('coordination')
  coordination(@CurrentPrincipal() principal: Principal): { subject: string } {
    return { subject: principal.subject };
  }
}

@Roles('admin')
@Controller('admin')
class AdminController {
  @Get()
  index(): { ok: boolean } {
    return { ok: true };
  }

  /** Method-level roles override the controller's. */
  @Roles('auditor')
  @Get('audit')
  audit(): { ok: boolean } {
    return { ok: true };
  }
}

let dataDir: string;
let app: INestApplication;
let baseUrl: string;
let keys: SigningKeys;

beforeAll(async () => {
  dataDir = makeTempDataDir();

  @Module({
    imports: [SecurityModule.forRoot({ mode: 'embedded', dataDir })],
    controllers: [ProbeController, AdminController],
    providers: [{ provide: APP_FILTER, useClass: SecurityErrorTestFilter }],
  })
  class TestAppModule {}

  const fastifyApp = await NestFactory.create<NestFastifyApplication>(TestAppModule, new FastifyAdapter(), { logger: false });
  await fastifyApp.listen(0, '127.0.0.1');
  app = fastifyApp;
  const address = fastifyApp.getHttpServer().address() as { port: number };
  baseUrl = `http://127.0.0.1:${address.port}`;
  keys = await SigningKeys.loadOrCreate(dataDir); // the key the app generated on startup
});

afterAll(async () => {
  await app?.close();
  removeDir(dataDir);
});

async function get(path: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A GET with every value of `authorization` on a header line of its own (`fetch` would join them into one line). */
function getWithAuthorizationLines(path: string, authorization: string[]): Promise<{ status: number; body: unknown }> {
  // Raw header lines, as sent: then Node adds no Host line of its own.
  const headers = ['host', new URL(baseUrl).host, ...authorization.flatMap((value) => ['authorization', value])];
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? text : (JSON.parse(text) as unknown) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const tokenFor = (role: Principal['role'], municipalities: string[] = ['GM0363']) => issueToken({ role, municipalities, subject: `u-${role}` }, keys);

describe('AuthGuard over HTTP (Fastify)', () => {
  it('lets anyone reach a @Public() route', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers 401 AUTH.TOKEN_MISSING without a token', async () => {
    expect(await get('/me')).toEqual({ status: 401, body: { code: 'AUTH.TOKEN_MISSING' } });
    expect(await get('/coordination')).toEqual({ status: 401, body: { code: 'AUTH.TOKEN_MISSING' } });
  });

  it('answers 401 AUTH.TOKEN_INVALID for a bad token', async () => {
    const token = await tokenFor('coordinator');
    expect(await get('/me', `${token.slice(0, -4)}AAAA`)).toEqual({ status: 401, body: { code: 'AUTH.TOKEN_INVALID' } });
  });

  it('answers 401 AUTH.HEADER_REPEATED for an Authorization header sent twice, whichever tokens it holds (Node kept the first)', async () => {
    const coordinator = await tokenFor('coordinator');
    const admin = await tokenFor('admin', []);
    for (const lines of [[`Bearer ${coordinator}`, `Bearer ${admin}`], [`Bearer ${admin}`, 'Bearer not.a.token'], [`Bearer ${coordinator}`, `Bearer ${coordinator}`]]) {
      expect(await getWithAuthorizationLines('/me', lines)).toEqual({ status: 401, body: { code: 'AUTH.HEADER_REPEATED' } });
    }
    expect(await getWithAuthorizationLines('/me', [`Bearer ${coordinator}`])).toMatchObject({ status: 200, body: { role: 'coordinator' } });
  });

  it('attaches the principal for a valid token', async () => {
    const { status, body } = await get('/me', await tokenFor('police-liaison'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ subject: 'u-police-liaison', role: 'police-liaison', municipalities: ['GM0363'], tables: [] });
  });

  it('answers 403 AUTH.ROLE_NOT_ALLOWED for a wrong role and 200 for the right one', async () => {
    expect(await get('/coordination', await tokenFor('table-member'))).toEqual({ status: 403, body: { code: 'AUTH.ROLE_NOT_ALLOWED' } });
    expect(await get('/coordination', await tokenFor('coordinator'))).toEqual({ status: 200, body: { subject: 'u-coordinator' } });
    expect(await get('/coordination', await tokenFor('admin', []))).toEqual({ status: 200, body: { subject: 'u-admin' } });
  });

  it('applies controller roles, with method roles overriding them', async () => {
    expect((await get('/admin', await tokenFor('coordinator'))).status).toBe(403);
    expect((await get('/admin', await tokenFor('admin', []))).status).toBe(200);
    expect((await get('/admin/audit', await tokenFor('admin', []))).status).toBe(403);
    expect((await get('/admin/audit', await tokenFor('auditor', []))).status).toBe(200);
  });
});
