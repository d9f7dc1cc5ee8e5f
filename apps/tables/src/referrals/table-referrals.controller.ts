import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { REFERRAL_STATUSES, type TablesConfig } from '#domain';
import { alsoTouched, itsCase, KEYRING, ProcessesPersonalData, validateDto, type Keyring } from '#platform';
import { CurrentPrincipal, requireMunicipality, Roles, type Principal } from '#security';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { TABLES_PROCESSING } from '../shared/tables-streams.js';
import { ListReferralsQueryDto } from './list-referrals.query.dto.js';
import { ReferralDecisionService, requireTableAccess } from './referral-decision.service.js';
import { referralNotFound, ReferralRegisterRepository, referralView } from './referral-register.repository.js';
import { ReturnReferralRequestDto } from './return-referral.request.dto.js';

const traceOf = (req: FastifyRequest) => (req as FastifyRequest & { traceparent?: string }).traceparent ?? null;

/**
 * A table's register. Table members work on the tables in their token and see referrals of their region
 * only (the municipalities in their token); coordinators see their municipalities' referrals with case ids.
 * The referral's personal values travel and are stored sealed (`pd1.…`); this API opens them for those who
 * may see the referral, and shows values whose keys were destroyed as null with `personalDataErased: true`.
 */
@ApiTags('tables')
@ApiBearerAuth()
@Controller('v1/tables')
export class TableReferralsController {
  constructor(
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    private readonly register: ReferralRegisterRepository,
    private readonly decisions: ReferralDecisionService,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get()
  @Roles('table-member', 'coordinator', 'admin', 'auditor')
  @ApiOperation({ summary: 'The configured tables: region, topic, acceptance deadline and sharing profile' })
  tables() {
    return {
      items: this.config.tables.map((t) => ({
        id: t.id,
        title: t.title,
        municipalities: t.municipalities,
        topic: t.topic,
        acceptanceDeadline: t.acceptanceDeadline,
        reminderLeadTime: t.reminderLeadTime ?? null,
        receivesZorg: t.receivesZorg,
        takesOver: t.takesOver,
        profile: t.profile,
      })),
    };
  }

  @Get(':table/referrals')
  @Roles('table-member', 'coordinator')
  @ProcessesPersonalData({ ...TABLES_PROCESSING, purpose: 'Overzicht van de verwijzingen aan een tafel', subjectType: 'referral', subjects: (_req, body) => ((body as { items?: { referralId: string }[] } | undefined)?.items ?? []).map((r) => r.referralId) })
  @ApiOperation({ summary: "The table's referrals in your region, newest first (cursor-paginated)" })
  @ApiQuery({ type: ListReferralsQueryDto })
  async list(@Param('table') tableId: string, @Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    const table = requireTableAccess(this.config, tableId, principal);
    const query = validateDto(ListReferralsQueryDto, { ...rawQuery });
    if (query.municipality) requireMunicipality(principal, query.municipality);
    const municipalities = (query.municipality ? [query.municipality] : principal.municipalities).filter((m) => table.municipalities.includes(m));
    const member = principal.role === 'table-member';
    // Rejected referrals never reached the table: its members do not see them.
    const statuses = query.status ? [query.status] : REFERRAL_STATUSES.filter((s) => s !== 'rejected');
    const page = await this.register.list(table.id, municipalities, { statuses: member ? statuses.filter((s) => s !== 'rejected') : statuses, limit: query.limit ?? 50, cursor: query.cursor });
    alsoTouched(req, page.items.map(itsCase));
    return { items: await this.keyring.revealAnswers(page.items.map((r) => referralView(r, !member))), nextCursor: page.nextCursor };
  }

  @Get(':table/referrals/:id')
  @Roles('table-member', 'coordinator')
  @ProcessesPersonalData({ ...TABLES_PROCESSING, purpose: 'Inzien van een verwijzing aan een tafel', subjectType: 'referral', subjects: (req) => [req.params.id] })
  @ApiOperation({ summary: 'One referral, as the table received it' })
  async get(@Param('table') tableId: string, @Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    const table = requireTableAccess(this.config, tableId, principal);
    const referral = await this.register.get(table.id, id, principal.municipalities.filter((m) => table.municipalities.includes(m)));
    const member = principal.role === 'table-member';
    if (!referral || (member && referral.status === 'rejected')) throw referralNotFound();
    alsoTouched(req, [itsCase(referral)]);
    return this.keyring.revealAnswer(referralView(referral, !member));
  }

  @Post(':table/referrals/:id/accept')
  @HttpCode(200)
  @Roles('table-member')
  @ProcessesPersonalData({ ...TABLES_PROCESSING, purpose: 'Aannemen van een verwijzing door een tafel', subjectType: 'referral', subjects: (req) => [req.params.id] })
  @ApiOperation({ summary: 'Accept: the table takes over what its configuration says (e.g. procesregie); again → no change' })
  async accept(@Param('table') tableId: string, @Param('id') id: string, @Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    const decided = await this.decisions.decide(tableId, id, { outcome: 'accepted' }, principal, traceOf(req));
    alsoTouched(req, [itsCase(decided)]);
    return this.keyring.revealAnswer(referralView(decided, false));
  }

  @Post(':table/referrals/:id/return')
  @HttpCode(200)
  @Roles('table-member')
  @ProcessesPersonalData({ ...TABLES_PROCESSING, purpose: 'Teruggeven van een verwijzing door een tafel, met reden', subjectType: 'referral', subjects: (req) => [req.params.id] })
  @ApiBody({ type: ReturnReferralRequestDto })
  @ApiOperation({ summary: 'Return with a reason: the case may be referred again' })
  async return(@Param('table') tableId: string, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    const dto = validateDto(ReturnReferralRequestDto, body);
    const decided = await this.decisions.decide(tableId, id, { outcome: 'returned', reason: dto.reason }, principal, traceOf(req));
    alsoTouched(req, [itsCase(decided)]);
    return this.keyring.revealAnswer(referralView(decided, false));
  }
}
