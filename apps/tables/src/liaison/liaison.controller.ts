import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { alsoTouched, CLOCK, itsCase, KEYRING, parseIfMatch, PROCESSING_LOG_WRITER, ProcessesPersonalData, SUBJECT_PSEUDONYMIZER, validateDto, versionEtag, type Clock, type Keyring, type ProcessingLogWriter, type SubjectPseudonymizer } from '#platform';
import { DomainError, policeReceived, type TablesConfig } from '#domain';
import { CurrentPrincipal, requireMunicipality, Roles, type Principal } from '#security';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { TABLES_PROCESSING } from '../shared/tables-streams.js';
import { escalationNotFound, EscalationRepository, escalationView } from './escalation.repository.js';
import { escalationReach } from './escalation-reach.js';
import { escalationScope } from './escalation-scope.js';
import { EscalationStepsService } from './escalation-steps.service.js';
import { LiaisonFeedNotifier } from './liaison-feed.notifier.js';
import { LiaisonFeedRepository, type FeedCursor, type FeedItem } from './liaison-feed.repository.js';
import { ListEscalationsQueryDto } from './list-escalations.query.dto.js';
import { ReportBackRequestDto } from './report-back.request.dto.js';
import { streamTimeLeftMs } from './stream-time-left.js';
import { withoutTheCase } from './without-the-case.js';

/** How often a stream looks for steps appended by another process, and how often it says it is alive. */
const STREAM_POLL_MS = 1000;
const STREAM_KEEPALIVE_MS = 15_000;
/** The longest delay a Node timer takes (a longer one fires at once): a token that lives longer is looked at again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/** Processing log of the liaison's routes: the escalation is the subject (as on the escalation's events). */
const LIAISON_PROCESSING = { activity: 'politie-escalatie', legalBasis: TABLES_PROCESSING.legalBasis } as const;
/**
 * The police liaison's side: escalations of the municipalities they serve (those of their token that the `politie`
 * table serves: `escalationScope`), as a list, as a server-sent-events stream that resumes from `Last-Event-ID`, their
 * acknowledgement and their reports back; the liaison who acknowledged an escalation still reads it and reports back on
 * it after the `politie` table stopped serving its municipality, without the case (`escalationReach`). Coordinators may
 * read the list (with case ids) to follow up an escalation that reached them, or that reached no liaison. Personal
 * values of the case sheet are stored and published sealed; every answer here (list, one, acknowledgement, stream)
 * opens them, and shows values whose keys were destroyed as null with `personalDataErased: true`.
 */
@ApiTags('liaison')
@ApiBearerAuth()
@Controller('v1/liaison/escalations')
export class LiaisonController {
  constructor(
    private readonly escalations: EscalationRepository,
    private readonly steps: EscalationStepsService,
    private readonly feed: LiaisonFeedRepository,
    private readonly notifier: LiaisonFeedNotifier,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(PROCESSING_LOG_WRITER) private readonly processingLog: ProcessingLogWriter,
    @Inject(SUBJECT_PSEUDONYMIZER) private readonly pseudonymizer: SubjectPseudonymizer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('police-liaison', 'coordinator')
  @ProcessesPersonalData({ ...LIAISON_PROCESSING, purpose: 'Overzicht van escalaties naar de politie', subjectType: 'escalation', subjects: (_req, body) => ((body as { items?: { escalationId: string }[] } | undefined)?.items ?? []).map((e) => e.escalationId) })
  @ApiOperation({ summary: 'Escalations of the municipalities you serve, newest first; cursor-paginated (nextCursor); coordinators may filter by caseId; a liaison asking for a municipality the politie table does not serve → 403 LIAISON.MUNICIPALITY_NOT_SERVED' })
  @ApiQuery({ type: ListEscalationsQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    const query = validateDto(ListEscalationsQueryDto, { ...rawQuery });
    if (query.municipality) requireMunicipality(principal, query.municipality);
    // A liaison sees no case ids, so may not probe them either (whether a case has escalations).
    if (query.caseId !== undefined && principal.role !== 'coordinator') throw new DomainError('AUTH.FILTER_NOT_ALLOWED', 'Only coordinators may list the escalations of a case');
    const scope = escalationScope(this.config, principal, query.municipality);
    const page = await this.escalations.list(scope, { status: query.status, caseId: query.caseId, policeReceivedOnly: principal.role !== 'coordinator' }, query.limit ?? 50, query.cursor);
    alsoTouched(req, page.items.map(itsCase));
    return { items: await this.keyring.revealAnswers(page.items.map((e) => escalationView(e, principal.role === 'coordinator'))), nextCursor: page.nextCursor };
  }

  @Get('stream')
  @Roles('police-liaison')
  // The interceptor logs the connect (one line, no subject). What the stream delivers is logged here, before it
  // is written to the socket: one line per escalation per delivered batch (see `logDelivery`); if those lines
  // cannot be written, the stream ends instead of delivering unrecorded.
  @ProcessesPersonalData({ ...LIAISON_PROCESSING, purpose: 'Doorlopend ontvangen van escalatiestappen (stream geopend)', subjectType: 'escalation', subjects: () => [] })
  @ApiOperation({ summary: "Every escalation step as server-sent events (id = event id); resumes after Last-Event-ID; at the token's expiry an event token-expired (no id), then the stream ends" })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event; unknown → 422 LIAISON.LAST_EVENT_ID_UNKNOWN' })
  async stream(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentPrincipal() principal: Principal, @Headers('last-event-id') lastEventId?: string): Promise<void> {
    const scope = escalationScope(this.config, principal);
    // Resolved before the stream opens, so an unknown id is an ordinary problem+json answer.
    let cursor: FeedCursor = lastEventId !== undefined && lastEventId.trim() !== '' ? await this.feed.cursorOf(lastEventId.trim(), scope) : await this.feed.head();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...((req as FastifyRequest & { traceparent?: string }).traceparent ? { traceparent: (req as FastifyRequest & { traceparent?: string }).traceparent! } : {}),
    });
    raw.write('retry: 3000\n\n');
    let closed = false;
    let pumping: Promise<void> | null = null;
    let again = false;
    const write = (item: FeedItem, data: object) => raw.write(`id: ${item.eventId}\nevent: ${item.type}\ndata: ${JSON.stringify(data)}\n\n`);
    // Access lasts as long as the token, not as long as the connection: at its expiry the stream delivers nothing more,
    // tells the client (no id: its Last-Event-ID stays on the last step it got) and ends; the client resumes with a
    // fresh token. Judged on the system clock at `exp` itself, without the verifier's 30 s tolerance for clock skew (a
    // token inside that tolerance opens a stream that ends at once).
    const { expiresAt } = principal;
    /** True when the stream is over: closed already, or ended here because the token expired. */
    const endIfExpired = (): boolean => {
      if (closed || expiresAt === undefined || streamTimeLeftMs(new Date(), expiresAt) > 0) return closed;
      closed = true;
      raw.end(`event: token-expired\ndata: ${JSON.stringify({ code: 'AUTH.TOKEN_EXPIRED', expiredAt: expiresAt.toISOString() })}\n\n`);
      return true;
    };
    let expiry: NodeJS.Timeout | undefined;
    const watchExpiry = (): void => {
      if (expiresAt !== undefined && !endIfExpired()) expiry = setTimeout(watchExpiry, Math.min(streamTimeLeftMs(new Date(), expiresAt), LONGEST_TIMER_MS));
    };
    const pump = (): void => {
      if (closed) return;
      if (pumping) {
        again = true;
        return;
      }
      pumping = (async () => {
        do {
          again = false;
          for (;;) {
            const items = await this.feed.after(cursor, scope);
            if (endIfExpired() || items.length === 0) break;
            const data = await this.keyring.revealAnswers(items.map((item) => ({ eventId: item.eventId, type: item.type, escalationId: item.escalationId, municipality: item.municipality, at: item.at, ...item.data })));
            if (endIfExpired()) break;
            await this.logDelivery(req, principal, items.map((item) => item.escalationId));
            if (endIfExpired()) break;
            items.forEach((item, i) => write(item, data[i]!));
            cursor = items[items.length - 1]!.cursor;
          }
        } while (again && !closed);
      })()
        .then(
          () => {
            pumping = null;
            // A wake-up that came after the loop's last look and before this: look again now, not at the next poll.
            if (again) pump();
          },
          () => {
            pumping = null;
            // Opening or logging failed: end the stream (the client resumes from its Last-Event-ID) rather than deliver unrecorded.
            if (!closed) raw.end();
          },
        );
    };
    const unsubscribe = this.notifier.subscribe(pump);
    const untrack = this.notifier.track(() => raw.end());
    const poll = setInterval(pump, STREAM_POLL_MS);
    const keepalive = setInterval(() => !closed && raw.write(': keepalive\n\n'), STREAM_KEEPALIVE_MS);
    raw.on('close', () => {
      closed = true;
      unsubscribe();
      untrack();
      clearInterval(poll);
      clearInterval(keepalive);
      clearTimeout(expiry);
    });
    watchExpiry();
    pump();
  }

  /** Processing-log lines for what a stream is about to deliver: one per escalation, in the connect's trace. */
  private async logDelivery(req: FastifyRequest, principal: Principal, escalationIds: string[]): Promise<void> {
    const traced = req as FastifyRequest & { traceId?: string; spanId?: string };
    const at = this.clock().toISOString();
    await this.processingLog.write(
      [...new Set(escalationIds)].map((id) => ({
        traceId: traced.traceId ?? '0'.repeat(32),
        spanId: traced.spanId ?? '0'.repeat(16),
        parentSpanId: null,
        operation: 'SSE /v1/liaison/escalations/stream',
        processingActivity: LIAISON_PROCESSING.activity,
        purpose: 'Doorlopend ontvangen van escalatiestappen (afgeleverd)',
        legalBasis: LIAISON_PROCESSING.legalBasis,
        dataSubjectType: 'escalation',
        dataSubjectRef: this.pseudonymizer.ref(id),
        actorId: principal.subject,
        actorRole: principal.role,
        method: 'GET',
        route: '/v1/liaison/escalations/stream',
        statusCode: 200,
        outcome: 'ok' as const,
        startedAt: at,
        endedAt: at,
        breakGlass: null,
      })),
    );
  }

  @Get(':id')
  @Roles('police-liaison', 'coordinator')
  @ProcessesPersonalData({ ...LIAISON_PROCESSING, purpose: 'Inzien van een escalatie naar de politie', subjectType: 'escalation', subjects: (req) => [req.params.id] })
  @ApiOperation({
    summary:
      'One escalation with its steps (reports back with their text among them); ETag = its version. The liaison who acknowledged it still reads it once the politie table no longer serves its municipality (their token naming it), without the case (fields [], case {})',
  })
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const stored = await this.escalations.get(id, principal.municipalities);
    const reach = stored && escalationReach(this.config, principal, stored.state);
    if (!stored || !reach || (principal.role !== 'coordinator' && !policeReceived(stored.state))) throw escalationNotFound();
    alsoTouched(req, [itsCase(stored)]);
    void reply.header('etag', versionEtag(stored.state.version));
    const shown = <T extends object>(answer: T): T => (reach === 'acknowledged' ? withoutTheCase(answer) : answer);
    const steps = await this.feed.ofEscalation(id);
    return this.keyring.revealAnswer({
      ...shown(escalationView(stored, principal.role === 'coordinator')),
      steps: steps.map((s) => shown({ eventId: s.eventId, type: s.type, at: s.at, ...s.data })),
    });
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('police-liaison')
  @ProcessesPersonalData({ ...LIAISON_PROCESSING, purpose: 'Bevestigen van de ontvangst van een escalatie door de politie', subjectType: 'escalation', subjects: (req) => [req.params.id] })
  @ApiOperation({ summary: 'Acknowledge an escalation of a municipality you serve (again: no change); others → 404 ESCALATION.NOT_FOUND' })
  async ack(@Param('id') id: string, @Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    const stored = await this.steps.acknowledge(id, principal, escalationScope(this.config, principal), (req as FastifyRequest & { traceparent?: string }).traceparent ?? null);
    alsoTouched(req, [itsCase(stored)]);
    return this.keyring.revealAnswer(escalationView(stored, false));
  }

  @Post(':id/reports')
  @HttpCode(201)
  @Roles('police-liaison')
  @ProcessesPersonalData({ ...LIAISON_PROCESSING, purpose: 'Terugmelden door de politie wat er met een escalatie is gedaan', subjectType: 'escalation', subjects: (req) => [req.params.id] })
  @ApiOperation({
    summary:
      'Report back what the police did (acknowledges it too if nobody had); also the liaison who acknowledged it once the politie table no longer serves its municipality (their token naming it: answered without the case); others → 404 ESCALATION.NOT_FOUND',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The escalation ETag ("<version>") the report is based on; stale → 409 with currentVersion' })
  @ApiBody({ type: ReportBackRequestDto })
  async report(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const expectedVersion = parseIfMatch(ifMatch, 'escalation');
    const dto = validateDto(ReportBackRequestDto, body);
    const stored = await this.steps.report(id, dto, principal, (req as FastifyRequest & { traceparent?: string }).traceparent ?? null, expectedVersion);
    alsoTouched(req, [itsCase(stored)]);
    void reply.header('etag', versionEtag(stored.state.version));
    const view = escalationView(stored, false);
    return this.keyring.revealAnswer(escalationReach(this.config, principal, stored.state) === 'acknowledged' ? withoutTheCase(view) : view);
  }
}
