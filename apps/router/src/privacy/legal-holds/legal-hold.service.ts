import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '#contracts';
import { DomainError } from '#domain';
import { EventStore, insertRowsSql, type Database, type SqlExecutor } from '#eventstore';
import { BLIND_INDEX, CLOCK, DATABASE, decodeKeysetCursor, encodeKeysetCursor, EVENT_STORE, REQUEST_KEY_WINDOW, requestKey, requestKeyTable, type Clock, type RequestKeyWindow } from '#platform';
import type { BlindIndex, Principal } from '#security';
import { lockPersonalDataOf } from '../privacy-lock.js';
import { PRIVACY_PROCESSING } from '../privacy-processing.js';
import {
  holdOwnerOf,
  LEGAL_HOLD_ERRORS,
  LEGAL_HOLD_LIFTED_EVENT_TYPE,
  LEGAL_HOLD_PLACED_EVENT_TYPE,
  legalHoldStreamId,
  targetOfHoldOwner,
  type LegalHoldTarget,
} from './legal-hold-target.js';

/** The `Idempotency-Key`s of placements, each with its hold. */
const LEGAL_HOLD_REQUEST_KEYS = requestKeyTable('legal_hold_request_keys', 'hold_id');

/** A legal hold as the API shows it. */
export interface LegalHoldView {
  holdId: string;
  target: LegalHoldTarget;
  municipality: string;
  reason: string;
  placedBy: string;
  placedAt: string;
  active: boolean;
  liftedAt: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}

interface Row {
  hold_id: string;
  owner: string;
  municipality: string;
  reason: string;
  placed_by: string;
  placed_at: Date | string;
  lifted_at: Date | string | null;
  lifted_by: string | null;
  lift_reason: string | null;
}

type RequestIds = { correlationId: string; traceparent: string | null };

const iso = (v: Date | string) => new Date(v).toISOString();
const COLUMNS = 'hold_id, owner, municipality, reason, placed_by, placed_at, lifted_at, lifted_by, lift_reason';

/** Where each kind of target lives, to find its municipality. */
const TARGET_MUNICIPALITY: Record<LegalHoldTarget['kind'], string> = {
  subject: 'SELECT municipality FROM subjects WHERE subject_id = $1::uuid',
  signal: 'SELECT municipality FROM router_signals WHERE signal_id = $1::uuid AND source IS NOT NULL',
  case: 'SELECT municipality FROM case_view WHERE case_id = $1::uuid',
};

/**
 * Legal holds: while one is active on a subject, signal or case, no erasure request and no retention rule
 * destroys the personal data it covers (`PersonalDataShredder` checks). Placing and lifting each append an
 * event to the hold's own stream and write `legal_holds` in the same transaction. The municipality is the
 * controller of its data: holds are placed, listed and lifted only by users whose token names the target's
 * municipality (for anyone else the target or hold does not exist). Coordinators may place holds (they
 * learn of investigations and objections first, and a hold only keeps data); only administrators lift them,
 * since lifting lets destruction go ahead (enforced by the controller's roles).
 */
@Injectable()
export class LegalHoldService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(BLIND_INDEX) private readonly index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) private readonly keyWindow: RequestKeyWindow,
  ) {}

  /**
   * With an `Idempotency-Key` (the caller's own), a request sent again within `IDEMPOTENCY_KEY_RETENTION_HOURS` answers
   * the hold the first one placed (`replayed`), and the same key with another request is refused (422
   * `IDEMPOTENCY.KEY_REUSED`): the key is recorded in the transaction that places the hold.
   */
  async place(target: LegalHoldTarget, reason: string, principal: Principal, ids: RequestIds, idempotencyKey?: string): Promise<{ hold: LegalHoldView; replayed: boolean }> {
    const key = idempotencyKey === undefined ? null : requestKey(this.index, principal.subject, idempotencyKey, { target, reason });
    const earlier = key && (await LEGAL_HOLD_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()));
    if (earlier) return this.placedBefore(earlier, principal);
    try {
      return { hold: await this.placeNew(target, reason, principal, ids, key), replayed: false };
    } catch (error) {
      // The same request at the same moment recorded the key first: answer its hold.
      const first = key && LEGAL_HOLD_REQUEST_KEYS.isTaken(error) ? await LEGAL_HOLD_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()) : null;
      if (first) return this.placedBefore(first, principal);
      throw error;
    }
  }

  private async placedBefore(holdId: string, principal: Principal): Promise<{ hold: LegalHoldView; replayed: boolean }> {
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM legal_holds WHERE hold_id = $1::uuid AND municipality = ANY($2::text[])`, [holdId, principal.municipalities]);
    if (!r.rows[0]) throw new DomainError(LEGAL_HOLD_ERRORS.NOT_FOUND, 'No such legal hold');
    return { hold: toView(r.rows[0]), replayed: true };
  }

  private async placeNew(target: LegalHoldTarget, reason: string, principal: Principal, ids: RequestIds, key: ReturnType<typeof requestKey> | null): Promise<LegalHoldView> {
    const at = this.clock().toISOString();
    return this.db.transaction(async (tx) => {
      const found = await tx.query<{ municipality: string }>(TARGET_MUNICIPALITY[target.kind], [target.id]);
      const municipality = found.rows[0]?.municipality;
      if (!municipality || !principal.municipalities.includes(municipality)) {
        throw new DomainError(LEGAL_HOLD_ERRORS.TARGET_NOT_FOUND, `No such ${target.kind}`, { target: { kind: target.kind } });
      }
      await lockPersonalDataOf(tx, municipality);
      const holdId = randomUUID();
      const actor: Actor = { id: principal.subject, role: principal.role };
      await this.append(tx, holdId, 0, LEGAL_HOLD_PLACED_EVENT_TYPE, municipality, actor, at, { holdId, target, reason }, ids);
      const r = await tx.query<Row>(
        `INSERT INTO legal_holds (hold_id, owner, municipality, reason, placed_by, placed_at) VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz) RETURNING ${COLUMNS}`,
        [holdId, holdOwnerOf(target), municipality, reason, principal.subject, at],
      );
      if (key) {
        const row = LEGAL_HOLD_REQUEST_KEYS.row(key, holdId, new Date(at));
        const params: unknown[] = [];
        await tx.query(insertRowsSql(row.table, [row], (value) => `$${params.push(value)}`), params);
      }
      return toView(r.rows[0]!);
    });
  }

  async lift(holdId: string, reason: string, principal: Principal, ids: RequestIds): Promise<LegalHoldView> {
    const at = this.clock().toISOString();
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(`SELECT ${COLUMNS} FROM legal_holds WHERE hold_id = $1::uuid FOR UPDATE`, [holdId]);
      const hold = r.rows[0];
      if (!hold || !principal.municipalities.includes(hold.municipality)) throw new DomainError(LEGAL_HOLD_ERRORS.NOT_FOUND, 'No such legal hold');
      if (hold.lifted_at !== null) {
        throw new DomainError(LEGAL_HOLD_ERRORS.ALREADY_LIFTED, 'This legal hold was lifted already', { holdId, liftedAt: iso(hold.lifted_at) });
      }
      const actor: Actor = { id: principal.subject, role: principal.role };
      const version = await this.store.streamVersion(legalHoldStreamId(holdId), tx);
      await this.append(tx, holdId, version, LEGAL_HOLD_LIFTED_EVENT_TYPE, hold.municipality, actor, at, { holdId, target: targetOfHoldOwner(hold.owner), reason }, ids);
      const lifted = await tx.query<Row>(
        `UPDATE legal_holds SET lifted_at = $2::timestamptz, lifted_by = $3, lift_reason = $4 WHERE hold_id = $1::uuid RETURNING ${COLUMNS}`,
        [holdId, at, principal.subject, reason],
      );
      return toView(lifted.rows[0]!);
    });
  }

  /** Active holds in `municipalities`, newest first, cursor-paginated. */
  async listActive(municipalities: readonly string[], q: { limit?: number; cursor?: string }): Promise<{ items: LegalHoldView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const where = ['lifted_at IS NULL'];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => where.push(sql.replace(/\?/g, () => `$${params.push(values.shift())}`));
    add('municipality = ANY(?::text[])', municipalities);
    if (q.cursor !== undefined) add('(placed_at, hold_id) < (?::timestamptz, ?::uuid)', ...decodeKeysetCursor(q.cursor));
    params.push(limit + 1);
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM legal_holds WHERE ${where.join(' AND ')} ORDER BY placed_at DESC, hold_id DESC LIMIT $${params.length}`, params);
    const rows = r.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return { items: rows.map(toView), nextCursor: r.rows.length > limit && last ? encodeKeysetCursor(iso(last.placed_at), last.hold_id) : null };
  }

  private async append(tx: SqlExecutor, holdId: string, version: number, type: string, municipality: string, actor: Actor, at: string, payload: Record<string, unknown>, ids: RequestIds): Promise<void> {
    await this.store.appendIn(tx, legalHoldStreamId(holdId), version, [
      {
        id: randomUUID(),
        type,
        version: 1,
        occurredAt: at,
        municipality,
        actor,
        correlationId: ids.correlationId,
        traceparent: ids.traceparent,
        processingActivity: PRIVACY_PROCESSING.activity,
        legalBasis: PRIVACY_PROCESSING.legalBasis,
        payload,
      },
    ]);
  }
}

function toView(r: Row): LegalHoldView {
  return {
    holdId: r.hold_id,
    target: targetOfHoldOwner(r.owner),
    municipality: r.municipality,
    reason: r.reason,
    placedBy: r.placed_by,
    placedAt: iso(r.placed_at),
    active: r.lifted_at === null,
    liftedAt: r.lifted_at === null ? null : iso(r.lifted_at),
    liftedBy: r.lifted_by,
    liftReason: r.lift_reason,
  };
}
