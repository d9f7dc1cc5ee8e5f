import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import { ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, ForbiddenError, Roles, type Principal } from '#security';
import { isUuid } from '../../signals/signal-stream.js';
import { PRIVACY_PROCESSING } from '../privacy-processing.js';
import { ListDueQueryDto, ListRunsQueryDto } from './list-due.query.dto.js';
import { RetentionJob, type DueCursor } from './retention-job.js';
import { targetId, type DueSignal, type DueSubject, type RetentionRunSummary, type RetentionTarget } from './retention-run.js';

/** The data subjects of these routes are signals and registered subjects (their ids). */
const PROCESSING = { ...PRIVACY_PROCESSING, subjectType: 'retention-target' } as const;
const targetsOf = (s: RetentionRunSummary | null | undefined): string[] => (s ? [...s.shredded, ...s.held, ...s.failed].map(targetId) : []);

/** Cursor prefixes: after a signal (signals are listed first), after a subject. */
const CURSOR_PREFIX = { signal: 'due:', subject: 'due-subject:' } as const;
const encodeCursor = (cursor: DueCursor) => Buffer.from(`${CURSOR_PREFIX[cursor.kind]}${cursor.id}`).toString('base64url');
function decodeCursor(cursor: string): DueCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const kind = text.startsWith(CURSOR_PREFIX.subject) ? 'subject' : text.startsWith(CURSOR_PREFIX.signal) ? 'signal' : null;
  const id = kind ? text.slice(CURSOR_PREFIX[kind].length) : '';
  if (!kind || !isUuid(id)) throw new DomainError('VALIDATION.CURSOR_INVALID', 'The cursor is not one this API gave out');
  return { kind, id };
}

/**
 * The retention job for administrators, in the municipalities of their token (the municipality is the
 * controller of its data): run it now and see what it did, see earlier runs, preview what is due.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/retention')
export class RetentionController {
  constructor(private readonly job: RetentionJob) {}

  @Post('runs')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Vernietigen van persoonsgegevens waarvan de bewaartermijn verstreken is', subjects: (_req, body) => targetsOf(body as RetentionRunSummary | undefined) })
  @ApiOperation({
    summary: 'Run the retention job now for the municipalities of your token and return what it did: signals and subject identities destroyed (with rule and destruction id), kept by a legal hold, failed (administrators)',
    description: 'Idempotent per signal: data destroyed earlier is not destroyed or recorded again. The daily run does the same on its own. Who started a run and when: GET /v1/retention/runs.',
  })
  async run(@CurrentPrincipal() principal: Principal): Promise<Omit<RetentionRunSummary, 'requestedBy' | 'startedAt' | 'finishedAt'>> {
    // The answer is what the run did; who asked and when is in the run's record (GET /v1/retention/runs).
    const { requestedBy: _requestedBy, startedAt: _startedAt, finishedAt: _finishedAt, ...outcome } = await this.job.runNow(principal.subject, principal.municipalities);
    return outcome;
  }

  @Get('runs')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Verantwoording van uitgevoerde bewaartermijnen', subjects: (_req, body) => ((body as { items?: { summary: RetentionRunSummary | null }[] } | undefined)?.items ?? []).flatMap((r) => targetsOf(r.summary)) })
  @ApiOperation({ summary: 'The latest retention runs (daily and on request) in the municipalities of your token, newest first, each with what it did there (administrators)' })
  @ApiQuery({ type: ListRunsQueryDto })
  async runs(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListRunsQueryDto, { ...rawQuery });
    return { items: await this.job.recentRuns(query.limit ?? 10, principal.municipalities) };
  }

  @Get('due')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Inzien welke persoonsgegevens vandaag vernietigd moeten worden', subjects: (_req, body) => ((body as { items?: (DueSignal | DueSubject)[] } | undefined)?.items ?? []).map((d) => targetId(d as RetentionTarget)) })
  @ApiOperation({
    summary: 'Signals whose personal data and registered subjects whose identity are due for destruction today in the municipalities of your token, with the rule and any legal hold that keeps them (administrators); cursor-paginated',
    description: 'Signals first (items with signalId and source), then subjects (items with subjectId).',
  })
  @ApiQuery({ type: ListDueQueryDto })
  async due(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListDueQueryDto, { ...rawQuery });
    // Only the municipalities the token names (an administrator's included); another is refused, as the other lists
    // refuse it, rather than answered with nothing.
    if (query.municipality && !principal.municipalities.includes(query.municipality)) throw new ForbiddenError('AUTH.MUNICIPALITY_NOT_ALLOWED', 'Not allowed for this municipality');
    const municipalities = query.municipality ? [query.municipality] : principal.municipalities;
    const page = await this.job.due(municipalities, query.limit ?? 100, query.cursor !== undefined ? decodeCursor(query.cursor) : null);
    return { day: page.day, items: page.items, nextCursor: page.next === null ? null : encodeCursor(page.next) };
  }
}
