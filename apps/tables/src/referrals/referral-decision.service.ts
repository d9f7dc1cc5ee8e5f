import { Inject, Injectable } from '@nestjs/common';
import { REFERRAL_EVENT_TYPES, REFERRAL_TOPICS, type ReferralAcceptedPayload, type ReferralReturnedPayload } from '#contracts';
import { decideReferral, DomainError, responsibilitiesTakenOver, tableMemberMayAct, type ReferralDecision, type TableDefinition, type TablesConfig } from '#domain';
import { EventStore, OutboxRelay, VersionConflictError, type Database, type SqlExecutor } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, holdLiveKey, KEYRING, keyOwner, OUTBOX_RELAY, type Clock, type Keyring } from '#platform';
import type { Principal } from '#security';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { TableAccessError } from '../shared/table-access.error.js';
import { referralStreamId } from '../shared/tables-streams.js';
import { newCorrelationId, tablesEvent } from '../shared/tables-event.js';
import { referralNotFound, ReferralRegisterRepository, type RegisteredReferral } from './referral-register.repository.js';

const reasonErased = () => new DomainError('PRIVACY.ERASED', "This case's personal data was erased: no reason can be added to it");

/** The table in the path, if it exists and the caller may work on it. */
export function requireTableAccess(config: TablesConfig, tableId: string, principal: Principal) {
  const table = config.tables.find((t) => t.id === tableId);
  if (!table) throw new DomainError('TABLE.NOT_FOUND', `No table "${tableId}"`);
  if (principal.role === 'table-member' && !principal.tables.includes(table.id)) {
    throw new TableAccessError();
  }
  return table;
}

/**
 * A table member accepts or returns a referral: decide (pure), then append `ReferralAccepted` /
 * `ReferralReturned` to the referral's stream for `signaalroute.referrals.v1` (the router applies it to the
 * case) in ONE statement with the register update. Deciding the same again changes nothing.
 */
@Injectable()
export class ReferralDecisionService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly register: ReferralRegisterRepository,
  ) {}

  /**
   * @throws DomainError `TABLE.NOT_FOUND`, `AUTH.TABLE_NOT_ALLOWED` (403, not on this table), `REFERRAL.NOT_FOUND`
   *   (unknown, rejected, or outside the member's region), `REFERRAL.ALREADY_DECIDED` (422), `REFERRAL.REASON_REQUIRED`,
   *   `EVENTSTORE.VERSION_CONFLICT` (409, decided concurrently)
   */
  async decide(tableId: string, referralId: string, decision: ReferralDecision, principal: Principal, traceparent: string | null): Promise<RegisteredReferral> {
    const table = requireTableAccess(this.config, tableId, principal);
    for (let attempt = 1; ; attempt++) {
      // Only the table's region, as the list and the read show it: a municipality taken out of the table's region
      // is no longer served by it, and its open referrals can no longer be accepted there (which would move regie).
      const region = principal.municipalities.filter((m) => table.municipalities.includes(m));
      const referral = await this.register.get(table.id, referralId, region);
      if (!referral || referral.status === 'rejected' || !tableMemberMayAct(principal, referral)) throw referralNotFound();
      if (!decideReferral(referral, decision)) return referral;
      try {
        await this.append(table, referral, decision, principal, traceparent);
      } catch (error) {
        // A reminder or another member's decision moved the stream on: decide again on what is stored now.
        if (error instanceof VersionConflictError && attempt < 3) continue;
        throw error;
      }
      this.relay?.nudge();
      return (await this.register.get(table.id, referralId, region))!;
    }
  }

  private async append(table: TableDefinition, referral: RegisteredReferral, decision: ReferralDecision, principal: Principal, traceparent: string | null): Promise<void> {
    const { referralId } = referral;
    const now = this.clock();
    const at = now.toISOString();
    const decidedBy = { id: principal.subject, role: principal.role };
    // A return reason is free text about the case: sealed under the case's key (the router keeps it sealed).
    const sealedReason = decision.outcome === 'returned' ? await this.sealReason(referral, decision.reason) : null;
    const payload: ReferralAcceptedPayload | ReferralReturnedPayload =
      decision.outcome === 'accepted'
        ? { referralId, caseId: referral.caseId, table: table.id, municipality: referral.municipality, responsibilities: { ...responsibilitiesTakenOver(table) } as Record<string, string>, decidedBy, at }
        : { referralId, caseId: referral.caseId, table: table.id, municipality: referral.municipality, reason: sealedReason!.value, decidedBy, at };
    const event = tablesEvent(decision.outcome === 'accepted' ? REFERRAL_EVENT_TYPES.accepted : REFERRAL_EVENT_TYPES.returned, payload, {
      municipality: referral.municipality,
      actor: { id: principal.subject, role: principal.role },
      correlationId: newCorrelationId(),
      traceparent,
      legalBasis: table.profile.legalBasis,
      processingActivity: table.profile.processingActivity,
      at: now,
    });
    const write = (tx: SqlExecutor) => this.store.appendIn(tx, referralStreamId(referralId), referral.version, [event], {
      topic: REFERRAL_TOPICS.referrals,
      rows: sealedReason?.keyRow ? [sealedReason.keyRow] : [],
      alsoInsert: [
        (param) =>
          `UPDATE table_referrals SET status = ${param(decision.outcome)}, decided_at = ${param(at)}::timestamptz, decided_by = ${param(principal.subject)},
                  reason = ${param(sealedReason?.value ?? null)}, version = ${param(referral.version + 1)}::int
            WHERE referral_id = ${param(referralId)} AND version = ${param(referral.version)}::int`,
      ],
    });
    // A reason sealed under a stored key: it must still be live when the return commits (another process may have
    // erased the case since this one cached the key), else the reason would be written under a destroyed key.
    const liveKey = sealedReason && !sealedReason.keyRow ? sealedReason.keyId : null;
    if (liveKey === null) await write(this.db);
    else
      await this.db.transaction(async (tx) => {
        if (!(await holdLiveKey(tx, liveKey))) throw reasonErased();
        await write(tx);
      });
  }

  /** The reason sealed under the case's data key (a case from before field encryption gets its key now). */
  private async sealReason(referral: RegisteredReferral, reason: string) {
    const sealer = await this.keyring.sealerFor(keyOwner.case(referral.caseId), referral.municipality);
    if (sealer === 'destroyed') throw reasonErased();
    return { value: sealer.seal(reason), keyRow: sealer.row, keyId: sealer.keyId };
  }
}
