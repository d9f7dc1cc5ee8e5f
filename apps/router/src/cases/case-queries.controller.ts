import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { transitionFieldsAsGiven } from '#domain';
import { EventStore } from '#eventstore';
import { EVENT_STORE, KEYRING, ProcessesPersonalData, requireTimeRange, validateDto, type Keyring } from '#platform';
import { CurrentPrincipal, municipalityScope, requireMunicipality, requireObjectInEnteredMunicipality, Roles, type Principal } from '#security';
import { ModelRegistry } from '../models/model-registry.js';
import { caseIdPipe, setCaseEtag } from './case-http.js';
import { presentCase } from './case-presenter.js';
import { CASE_PROCESSING_ACTIVITY, caseStreamId, caseSubjectsOf } from './case-processing.js';
import { caseNotFound } from './case-not-found.js';
import { CaseViewLoader } from './case-view.loader.js';
import { CaseViewRepository } from './case-view.repository.js';
import { ListCasesQueryDto } from './list-cases.query.dto.js';

/** Coordinators read the cases of their municipalities; a case elsewhere answers 404 like one that does not exist. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/cases')
export class CaseQueriesController {
  constructor(
    private readonly cases: CaseViewRepository,
    /** Single-case reads go through the loader: under load, concurrent reads share one query. */
    private readonly loader: CaseViewLoader,
    private readonly registry: ModelRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get()
  @ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose: 'Overzicht van zaken van de eigen gemeenten (casusregie)', subjectType: 'case', subjects: (_req, body) => ((body as { items?: { caseId: string }[] } | undefined)?.items ?? []).map((c) => c.caseId) })
  @ApiOperation({ summary: 'Cases, newest first: filter by municipality, model, state, status, opened between; cursor-paginated' })
  @ApiQuery({ type: ListCasesQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListCasesQueryDto, { ...rawQuery });
    requireTimeRange(query.openedFrom, query.openedTo, ['openedFrom', 'openedTo']);
    if (query.municipality) requireMunicipality(principal, query.municipality);
    return this.cases.list(municipalityScope(principal), query);
  }

  @Get(':id')
  @ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose: 'Inzien van een zaak (casusregie)', subjectType: 'case', subjects: (req, body) => caseSubjectsOf(req.params.id, body) })
  @ApiOperation({ summary: 'One case: state, responsibility holders, open deadlines, signals, notes, plan, referrals, and the transitions you may take now (ETag = version)' })
  async get(@Param('id', caseIdPipe()) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const stored = await this.loader.get(id, municipalityScope(principal));
    if (!stored) throw caseNotFound();
    requireObjectInEnteredMunicipality(principal, stored.municipality);
    await this.registry.ensure(stored.state.model.id, stored.state.model.version);
    setCaseEtag(reply, stored.state.version);
    return this.keyring.revealAnswer(presentCase(stored.state, this.registry, principal));
  }

  @Get(':id/history')
  @ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose: 'Inzien van de gebeurtenissen van een zaak (casusregie)', subjectType: 'case', subjects: (req, body) => caseSubjectsOf(req.params.id, body) })
  @ApiOperation({ summary: "The case's events, oldest first (type, at, actor, payload)" })
  async history(@Param('id', caseIdPipe()) id: string, @CurrentPrincipal() principal: Principal) {
    const stored = await this.loader.get(id, municipalityScope(principal));
    if (!stored) throw caseNotFound();
    const events = await this.store.readStream(caseStreamId(id));
    const answer = await this.keyring.revealAnswer({
      caseId: id,
      subjectId: stored.state.subjectId,
      items: events.map((e) => ({ version: e.streamVersion, type: e.type, at: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor, payload: e.payload })),
    });
    // A transition's field values that are no text were sealed as JSON: opened, they read as given again.
    return { ...answer, items: answer.items.map((item) => (item.type === 'CaseTransitioned' && 'fields' in item.payload ? { ...item, payload: { ...item.payload, fields: transitionFieldsAsGiven(item.payload.fields) } } : item)) };
  }
}
