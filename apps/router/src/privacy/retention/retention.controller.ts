import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import { ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { isUuid } from '../../signals/signal-stream.js';
import { PRIVACY_PROCESSING } from '../privacy-processing.js';
import { ListDueQueryDto, ListRunsQueryDto } from './list-due.query.dto.js';
import { RetentionJob } from './retention-job.js';
import type { DueSignal, RetentionRunSummary } from './retention-run.js';

const PROCESSING = { ...PRIVACY_PROCESSING, subjectType: 'signal' } as const;
const signalsOf = (s: RetentionRunSummary | null | undefined): string[] => (s ? [...s.shredded, ...s.held, ...s.failed].map((x) => x.signalId) : []);

const encodeCursor = (signalId: string) => Buffer.from(`due:${signalId}`).toString('base64url');
function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith('due:') ? text.slice(4) : '';
  if (!isUuid(id)) throw new DomainError('VALIDATION.CURSOR_INVALID', 'The cursor is not one this API gave out');
  return id;
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
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Vernietigen van persoonsgegevens waarvan de bewaartermijn verstreken is', subjects: (_req, body) => signalsOf(body as RetentionRunSummary | undefined) })
  @ApiOperation({
    summary: 'Run the retention job now for the municipalities of your token and return what it did: signals destroyed (with rule and destruction id), kept by a legal hold, failed (administrators)',
    description: 'Idempotent per signal: data destroyed earlier is not destroyed or recorded again. The daily run does the same on its own. Who started a run and when: GET /v1/retention/runs.',
  })
  async run(@CurrentPrincipal() principal: Principal): Promise<Omit<RetentionRunSummary, 'requestedBy' | 'startedAt' | 'finishedAt'>> {
    // The answer is what the run did; who asked and when is in the run's record (GET /v1/retention/runs).
    const { requestedBy: _requestedBy, startedAt: _startedAt, finishedAt: _finishedAt, ...outcome } = await this.job.runNow(principal.subject, principal.municipalities);
    return outcome;
  }

  @Get('runs')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Verantwoording van uitgevoerde bewaartermijnen', subjects: (_req, body) => ((body as { items?: { summary: RetentionRunSummary | null }[] } | undefined)?.items ?? []).flatMap((r) => signalsOf(r.summary)) })
  @ApiOperation({ summary: 'The latest retention runs (daily and on request) in the municipalities of your token, newest first, each with what it did there (administrators)' })
  async runs(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListRunsQueryDto, { ...rawQuery });
    return { items: await this.job.recentRuns(query.limit ?? 10, principal.municipalities) };
  }

  @Get('due')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Inzien welke persoonsgegevens vandaag vernietigd moeten worden', subjects: (_req, body) => ((body as { items?: DueSignal[] } | undefined)?.items ?? []).map((d) => d.signalId) })
  @ApiOperation({ summary: 'Signals of the municipalities of your token whose personal data is due for destruction today, with the rule and any legal hold that keeps it (administrators); cursor-paginated' })
  async due(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListDueQueryDto, { ...rawQuery });
    const municipalities = query.municipality ? principal.municipalities.filter((m) => m === query.municipality) : principal.municipalities;
    const page = await this.job.due(municipalities, query.limit ?? 100, query.cursor ? decodeCursor(query.cursor) : null);
    return { day: page.day, items: page.items, nextCursor: page.nextAfter === null ? null : encodeCursor(page.nextAfter) };
  }
}
