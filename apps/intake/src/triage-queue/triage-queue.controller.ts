import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import { KEYRING, personSubject, ProcessesPersonalData, requireTimeRange, validateDto, type Keyring } from '#platform';
import { CurrentPrincipal, requireMunicipality, requireObjectInEnteredMunicipality, Roles, type Principal } from '#security';
import { ListSignalsQueryDto } from './list-signals.query.dto.js';
import { TriageQueueRepository } from './triage-queue.repository.js';

/** The coordinator's view of incoming signals, scoped to the municipalities in their token. */
@ApiTags('triage')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/signals')
export class TriageQueueController {
  constructor(
    private readonly queue: TriageQueueRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get()
  @ProcessesPersonalData({ activity: 'signaaltriage', purpose: 'Beoordelen van binnengekomen signalen', subjectType: 'signal', subjects: (_req, body) => ((body as { items?: { signalId: string; subjectId?: string | null }[] } | undefined)?.items ?? []).flatMap((i) => [i.signalId, personSubject(i.subjectId)]) })
  @ApiOperation({ summary: 'The triage queue: newest first, filterable, cursor-paginated' })
  @ApiQuery({ type: ListSignalsQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListSignalsQueryDto, { ...rawQuery });
    requireTimeRange(query.receivedFrom, query.receivedTo, ['receivedFrom', 'receivedTo']);
    if (query.municipality) requireMunicipality(principal, query.municipality);
    const municipalities = query.municipality ? [query.municipality] : principal.municipalities;
    return this.queue.list(municipalities, query);
  }

  @Get(':id')
  @ProcessesPersonalData({ activity: 'signaaltriage', purpose: 'Beoordelen van een signaal', subjectType: 'signal', subjects: (req, body) => [req.params.id, personSubject((body as { subjectId?: unknown } | undefined)?.subjectId)] })
  @ApiOperation({
    summary: 'One signal with its details (the reporter is not included)',
    description: 'Personal fields are stored sealed and opened for this answer. After erasure or retention they are `null` and `personalDataErased` is true.',
  })
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => notFound() })) id: string, @CurrentPrincipal() principal: Principal) {
    const signal = await this.queue.get(principal.municipalities, id);
    if (!signal) throw notFound();
    requireObjectInEnteredMunicipality(principal, signal.municipality);
    return this.keyring.revealAnswer(signal);
  }
}

/** Same answer for "does not exist" and "not yours": ids of other municipalities cannot be probed. */
export const notFound = () => new DomainError('SIGNAL.NOT_FOUND', 'No such signal');
