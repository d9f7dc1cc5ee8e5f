import { Inject, Injectable } from '@nestjs/common';
import { REFERRAL_TOPICS } from '#contracts';
import { decideEscalationAck, decideEscalationReport, decideEscalationTimeout, DomainError, evolveEscalation, type EscalationEvent, type EscalationReport, type TablesConfig } from '#domain';
import { EventStore, OutboxRelay, VersionConflictError, type Database, type SqlExecutor, type TableRow } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, holdLiveKey, KEYRING, keyOwner, OUTBOX_RELAY, type Clock, type Keyring } from '#platform';
import type { Principal } from '#security';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { escalationStreamId, TABLES_PROCESSING, TABLES_SYSTEM_ACTOR } from '../shared/tables-streams.js';
import { newCorrelationId, tablesEvent } from '../shared/tables-event.js';
import { insertFeedRows, updateEscalationRow } from './escalation-rows.js';
import { escalationNotFound, EscalationRepository, escalationVersionConflict, type StoredEscalation } from './escalation.repository.js';
import { escalationReach } from './escalation-reach.js';
import { LiaisonFeedNotifier } from './liaison-feed.notifier.js';

const reportErased = () => new DomainError('PRIVACY.ERASED', "This case's personal data was erased: no report can be added to it");

/**
 * The steps after raising: a liaison's acknowledgement, their reports back and the tier timer. Load, decide (pure), append the
 * events with the escalation row and the feed rows in ONE statement, at the version loaded: a timer and an
 * acknowledgement racing each other cannot both win.
 */
@Injectable()
export class EscalationStepsService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    private readonly escalations: EscalationRepository,
    private readonly feed: LiaisonFeedNotifier,
  ) {}

  /**
   * A police liaison acknowledges an escalation of a municipality they serve (`within`: `escalationScope`); again
   * changes nothing.
   * @throws DomainError `ESCALATION.NOT_FOUND` for an unknown escalation or one of a municipality not `within`
   */
  async acknowledge(escalationId: string, principal: Principal, within: readonly string[], traceparent: string | null): Promise<StoredEscalation> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.escalations.get(escalationId, within);
      if (!stored) throw escalationNotFound();
      const events = decideEscalationAck(stored.state, { id: principal.subject, role: principal.role }, this.clock());
      try {
        await this.append(stored, events, { id: principal.subject, role: principal.role }, traceparent);
      } catch (error) {
        // The timer moved it on meanwhile: decide again on the new state.
        if (error instanceof VersionConflictError && attempt < 3) continue;
        throw error;
      }
      return (await this.escalations.get(escalationId, within))!;
    }
  }

  /**
   * A police liaison who reaches the escalation (`escalationReach`: of a municipality they serve, or acknowledged by
   * them before the `politie` table stopped serving it) reports back what the police did (acknowledging it first when
   * nobody had). The text is sealed under the case's key, as every free text about a case. With `expectedVersion`
   * (If-Match) the report is only recorded on exactly that version of the escalation.
   * @throws DomainError `ESCALATION.NOT_FOUND`, `EVENTSTORE.VERSION_CONFLICT` (409, with `currentVersion`),
   *   `ESCALATION.REPORT_*` (the report itself), `PRIVACY.ERASED` (the case's personal data was erased)
   */
  async report(escalationId: string, report: EscalationReport, principal: Principal, traceparent: string | null, expectedVersion?: number): Promise<StoredEscalation> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.reachable(escalationId, principal);
      if (!stored) throw escalationNotFound();
      if (expectedVersion !== undefined && expectedVersion !== stored.state.version) throw escalationVersionConflict(escalationId, expectedVersion, stored.state.version);
      const by = { id: principal.subject, role: principal.role };
      const decided = decideEscalationReport(stored.state, report, by, this.clock());
      const sealer = await this.keyring.sealerFor(keyOwner.case(stored.caseId), stored.state.municipality);
      if (sealer === 'destroyed') throw reportErased();
      const events = decided.map((e) => (e.type === 'EscalationReportedBack' ? { ...e, text: sealer.seal(e.text) } : e));
      try {
        // Sealed under a stored key: it must still be live when the report commits (another process may have erased
        // the case since this one cached the key), else the report would be written under a destroyed key.
        await this.append(stored, events, by, traceparent, this.clock(), sealer.row ? { rows: [sealer.row] } : { liveKey: sealer.keyId });
      } catch (error) {
        // The timer moved it on meanwhile: decide again on the new state (unless the caller named the version).
        if (error instanceof VersionConflictError && expectedVersion === undefined && attempt < 3) continue;
        if (error instanceof VersionConflictError) {
          const now = await this.reachable(escalationId, principal);
          throw escalationVersionConflict(escalationId, expectedVersion ?? stored.state.version, now?.state.version ?? stored.state.version);
        }
        throw error;
      }
      return (await this.reachable(escalationId, principal))!;
    }
  }

  /** The escalation, if `principal` reaches it (`escalationReach`); null for an unknown one too. */
  private async reachable(escalationId: string, principal: Principal): Promise<StoredEscalation | null> {
    const stored = await this.escalations.get(escalationId, principal.municipalities);
    return stored && escalationReach(this.config, principal, stored.state) ? stored : null;
  }

  /**
   * Moves every escalation whose tier ran out of time at `now` one step on, under the tables configuration running
   * now: one whose municipality the `politie` table no longer serves goes to the coordinator. Returns the number moved.
   */
  async timeouts(now: Date, limit = 200): Promise<number> {
    let moved = 0;
    for (const stored of await this.escalations.due(now, limit)) {
      const events = decideEscalationTimeout(stored.state, now, this.config);
      try {
        if (await this.append(stored, events, TABLES_SYSTEM_ACTOR, null, now)) moved++;
      } catch (error) {
        // Acknowledged (or moved by another timer) meanwhile: the next round decides on the new state.
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    return moved;
  }

  private async append(
    stored: StoredEscalation,
    events: EscalationEvent[],
    actor: { id: string; role: string },
    traceparent: string | null,
    now = this.clock(),
    keys: { rows?: TableRow[]; liveKey?: string } = {},
  ): Promise<boolean> {
    if (events.length === 0) return false;
    const next = events.reduce(evolveEscalation, stored.state);
    if (next.status === 'none') return false;
    const correlationId = newCorrelationId();
    const envelopes = events.map((event) => {
      const { type, ...payload } = event;
      return {
        event,
        envelope: tablesEvent(type, payload, {
          municipality: stored.state.municipality,
          actor: { id: actor.id, role: actor.role as never },
          correlationId,
          traceparent,
          legalBasis: TABLES_PROCESSING.legalBasis,
          processingActivity: 'politie-escalatie',
          at: now,
        }),
      };
    });
    const write = (tx: SqlExecutor) =>
      this.store.appendIn(tx, escalationStreamId(stored.state.escalationId), stored.state.version, envelopes.map((e) => e.envelope), {
        topic: REFERRAL_TOPICS.liaisonEscalations,
        rows: keys.rows ?? [],
        alsoInsert: [updateEscalationRow(next, stored.state.version, now.toISOString()), insertFeedRows(envelopes.map((e) => ({ id: e.envelope.id, event: e.event })))],
      });
    const liveKey = keys.liveKey;
    if (liveKey === undefined) await write(this.db);
    else
      await this.db.transaction(async (tx) => {
        if (!(await holdLiveKey(tx, liveKey))) throw reportErased();
        await write(tx);
      });
    this.relay?.nudge();
    this.feed.changed();
    return true;
  }
}
