import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '#domain';
import { EventStore, VersionConflictError, type Database } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, holdLiveKey, KEYRING, keyOwner, ProcessesPersonalData, validateDto, type Clock, type FieldProblem, type Keyring } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { INTAKE_PROCESSING, reporterVaultContext, signalStreamId } from '../signals/signal-stream.js';
import { notFound } from '../triage-queue/triage-queue.controller.js';
import { ReporterAccessRequestDto } from './reporter-access.request.dto.js';

const erased = () => new DomainError('PRIVACY.ERASED', "The reporter's identity was erased (its data key was destroyed)");

/**
 * The stated reason, trimmed. A body with any other field, or no JSON object, is refused like every other body
 * (400 `VALIDATION.FAILED`); a reason that is missing, not text, or not 5–500 characters keeps the code it had
 * when it came in the query string, `VALIDATION.REASON_REQUIRED`.
 */
function statedReason(body: unknown): string {
  try {
    return validateDto(ReporterAccessRequestDto, body).reason;
  } catch (error) {
    if (onlyTheReasonFailed(error)) throw new DomainError('VALIDATION.REASON_REQUIRED', 'State a reason (5–500 characters) for reading the reporter');
    throw error;
  }
}

function onlyTheReasonFailed(error: unknown): boolean {
  if (!(error instanceof DomainError) || error.code !== 'VALIDATION.FAILED') return false;
  const problems = (error.details?.errors ?? []) as FieldProblem[];
  return problems.length > 0 && problems.every((problem) => problem.path === 'reason');
}

/**
 * The reporter of an intern-meldpunt report or zorgmelding, for a coordinator of that municipality who
 * states why in the body of a POST: never in the URL, which proxies, access logs, browser history and traces
 * keep. Any query parameter is refused, so a reason put there by habit is not quietly accepted. Every access
 * is recorded as an event on the signal's stream (who, when, why). The entry is sealed under the signal's data
 * key: once that key is destroyed (erasure, retention) the answer is 410 `PRIVACY.ERASED` and no access is
 * recorded, because nothing was read. The stated reason is sealed under the same key
 * (`ReporterIdentityAccessed.payload.reason` is a `pd1.` value; the keyring opens it, and it reads as null once
 * the key is destroyed); accesses recorded before that carry it in plain text.
 */
@ApiTags('triage')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/signals')
export class ReporterVaultController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Post(':id/reporter-access')
  @HttpCode(200)
  @ProcessesPersonalData({ activity: 'inzage-melder', purpose: 'Inzage in de afgeschermde identiteit van de melder', subjectType: 'signal', subjects: (req) => [req.params.id] })
  @ApiOperation({
    summary: "Read a signal's shielded reporter, stating why in the body (coordinators of the municipality; the access is recorded)",
    description: '400 VALIDATION.REASON_REQUIRED, or VALIDATION.FAILED for another body field or any query parameter; 404 SIGNAL.NOT_FOUND (also for another municipality or a signal without a reporter); 410 PRIVACY.ERASED',
  })
  @ApiBody({ type: ReporterAccessRequestDto })
  async reporter(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound() })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    const reason = statedReason(body);
    const r = await this.db.query<{ municipality: string; source: string; reporter: unknown }>(
      'SELECT municipality, source, reporter FROM reporter_vault WHERE signal_id = $1 AND municipality = ANY($2::text[])',
      [id, principal.municipalities],
    );
    const row = r.rows[0];
    if (!row) throw notFound();
    const stored = (typeof row.reporter === 'string' ? JSON.parse(row.reporter) : row.reporter) as { sealed: string };
    const opened = await this.keyring.open(stored.sealed, reporterVaultContext(id));
    if (opened === null) throw erased();
    // The reason is free text about people (coordinators may name the reporter or the subject in it): sealed
    // under the signal's data key, it is destroyed with the signal's other personal data by erasure and retention.
    const sealer = await this.keyring.sealerFor(keyOwner.signal(id), row.municipality);
    if (sealer === 'destroyed') throw erased();
    const sealedReason = sealer.seal(reason);
    const stream = signalStreamId(id);
    const now = this.clock();
    const event = {
      id: randomUUID(),
      type: 'ReporterIdentityAccessed',
      version: 1,
      occurredAt: now.toISOString(),
      municipality: row.municipality,
      actor: { id: principal.subject, role: principal.role },
      correlationId: randomUUID(),
      traceparent: (req as FastifyRequest & { traceparent?: string }).traceparent ?? null,
      processingActivity: INTAKE_PROCESSING.activity,
      legalBasis: INTAKE_PROCESSING.legalBasis,
      payload: { signalId: id, reason: sealedReason },
    };
    // A link, dismissal or other access appended to the signal's stream meanwhile moves its version on: record again.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction(async (tx) => {
          // A stored key (perhaps kept by this process) must still be live, its row held until commit: a destruction
          // committed since the vault was opened refuses the read (nothing recorded, nothing answered), a later one
          // waits for this commit and then destroys the reason with the rest.
          if (!sealer.row && !(await holdLiveKey(tx, sealer.keyId))) throw erased();
          await this.store.appendIn(tx, stream, await this.store.streamVersion(stream, tx), [event], { rows: sealer.row ? [sealer.row] : [] });
        });
        break;
      } catch (error) {
        if (error instanceof VersionConflictError && attempt < 3) continue;
        throw error;
      }
    }
    return { signalId: id, source: row.source, reporter: JSON.parse(opened) as unknown };
  }
}
