import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type SignalSource } from '#domain';
import { idempotencyKeyHeader, ProcessesPersonalData, type InStatementProcessingLog } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { ReceiveInternMeldpuntSignalRequestDto } from './receive-intern-meldpunt-signal.request.dto.js';
import { ReceiveMmaSignalRequestDto } from './receive-mma-signal.request.dto.js';
import { ReceiveSignalCommand, type SignalReceipt } from './receive-signal.command.js';
import { ReceiveZorgmeldingSignalRequestDto } from './receive-zorgmelding-signal.request.dto.js';
import { SignalReceiptResponseDto } from './signal-receipt.response.dto.js';
import { INTAKE_PROCESSING } from './signal-stream.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Processing log: one line per received signal (the new signal id is the subject). */
const LOGGED = ProcessesPersonalData({
  activity: INTAKE_PROCESSING.activity,
  purpose: INTAKE_PROCESSING.purpose,
  legalBasis: INTAKE_PROCESSING.legalBasis,
  subjectType: 'signal',
  subjects: (_req, body) => [(body as { signalId?: string } | undefined)?.signalId],
});

/** A different report under a reference already used: refused (a resend of the same report gets its first receipt). */
const REFERENCE_TAKEN = ApiResponse({
  status: 409,
  description: 'SIGNAL.EXTERNAL_REF_REUSED: the externalRef was used before in this municipality for another report; nothing was stored',
});

/** Where a signal enters over HTTP: one route per source, each answering with a receipt at once. */
@ApiTags('intake')
@ApiBearerAuth()
@Roles('intake-system', 'coordinator')
@Controller('v1/signals')
export class ReceiveSignalController {
  constructor(private readonly commands: CommandBus) {}

  @Post('mma')
  @LOGGED
  @HttpCode(201)
  @ApiOperation({ summary: 'Receive an anonymous MMA tip (any reporter field is refused: SIGNAL.REPORTER_NOT_ALLOWED)' })
  @ApiBody({ type: ReceiveMmaSignalRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: SignalReceiptResponseDto })
  @REFERENCE_TAKEN
  mma(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal, @Headers('idempotency-key') key?: string) {
    return this.receive('mma', body, req, reply, principal, key);
  }

  @Post('intern-meldpunt')
  @LOGGED
  @HttpCode(201)
  @ApiOperation({ summary: 'Receive a report from the internal reporting point (reporter shielded in the vault)' })
  @ApiBody({ type: ReceiveInternMeldpuntSignalRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: SignalReceiptResponseDto })
  @REFERENCE_TAKEN
  internMeldpunt(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal, @Headers('idempotency-key') key?: string) {
    return this.receive('intern-meldpunt', body, req, reply, principal, key);
  }

  @Post('zorgmelding')
  @LOGGED
  @HttpCode(201)
  @ApiOperation({ summary: 'Receive a care report (special-category data; reporter shielded in the vault)' })
  @ApiBody({ type: ReceiveZorgmeldingSignalRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: SignalReceiptResponseDto })
  @REFERENCE_TAKEN
  zorgmelding(@Body() body: unknown, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal, @Headers('idempotency-key') key?: string) {
    return this.receive('zorgmelding', body, req, reply, principal, key);
  }

  private async receive(source: SignalSource, body: unknown, req: FastifyRequest, reply: FastifyReply, principal: Principal, header: string | undefined): Promise<Omit<SignalReceipt, 'replayed'>> {
    const key = idempotencyKeyHeader(header);
    const r = req as FastifyRequest & { traceparent?: string; processingLog?: InStatementProcessingLog };
    const correlation = req.headers['x-correlation-id'];
    const correlationId = typeof correlation === 'string' && UUID.test(correlation) ? correlation : randomUUID();
    const receipt = await this.commands.execute<ReceiveSignalCommand, SignalReceipt>(
      new ReceiveSignalCommand(source, body, { id: principal.subject, role: principal.role }, principal, key ?? null, correlationId, r.traceparent ?? null, r.processingLog ?? null),
    );
    void reply.header('location', `/v1/signals/${receipt.signalId}`);
    if (receipt.replayed) void reply.header('idempotent-replayed', 'true');
    return { signalId: receipt.signalId, receivedAt: receipt.receivedAt, status: receipt.status };
  }
}
