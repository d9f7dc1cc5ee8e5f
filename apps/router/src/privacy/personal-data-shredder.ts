import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '#contracts';
import { DomainError } from '#domain';
import { EventStore, type SqlExecutor } from '#eventstore';
import { EVENT_STORE, KEYRING, type Keyring } from '#platform';
import { forgetRequestKeysOf } from './forget-request-keys.js';
import { lockPersonalDataOf } from './privacy-lock.js';
import { PERSONAL_DATA_SHREDDED_EVENT_TYPE, PRIVACY_PROCESSING } from './privacy-processing.js';

/** One destruction: whose keys, recorded where, under which rule, approved by whom. */
export interface ShredRequest {
  /** Stream the `PersonalDataShredded` event goes on (the subject's or the signal's). */
  streamId: string;
  /** Key owners to destroy (`subject:<id>`, `signal:<id>`). */
  owners: string[];
  /** Owners whose active legal hold blocks this destruction (the owners themselves plus e.g. their cases). */
  holdOwners: string[];
  municipality: string;
  /** What kind of personal data is destroyed, in words a privacy officer reads. */
  dataClass: string;
  /** The rule that demands it (an erasure request, or a retention rule id). */
  rule: string;
  reason: string;
  approvedBy: Actor;
  at: Date;
  correlationId: string;
  traceparent: string | null;
}

export interface ShredResult {
  destructionId: string;
  keysDestroyed: number;
}

/**
 * Crypto-shredding, shared by erasure requests and retention: inside the caller's transaction, refuses when
 * a legal hold covers any of `holdOwners` (`PRIVACY.LEGAL_HOLD`), destroys the owners' data keys (and forgets
 * the request keys of those subjects and cases: `forgetRequestKeysOf`), writes the
 * destruction record and appends `PersonalDataShredded` (no personal data in it) to the stream. Returns null
 * when every key was destroyed already — so running it twice destroys once and records once.
 * The ledger is untouched: events keep their ciphertext and still verify; only the keys are gone.
 * The municipality's personal-data lock is taken first, so a legal hold placed concurrently is either
 * seen here or placed after the destruction (never missed), and two processes destroying the same keys
 * destroy and record once.
 */
@Injectable()
export class PersonalDataShredder {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  async shred(tx: SqlExecutor, request: ShredRequest): Promise<ShredResult | null> {
    await lockPersonalDataOf(tx, request.municipality);
    const holds = await tx.query<{ hold_id: string; owner: string }>(
      'SELECT hold_id, owner FROM legal_holds WHERE owner = ANY($1::text[]) AND lifted_at IS NULL ORDER BY placed_at',
      [request.holdOwners],
    );
    if (holds.rows.length > 0) {
      throw new DomainError('PRIVACY.LEGAL_HOLD', 'A legal hold blocks the destruction of this personal data', {
        holds: holds.rows.map((h) => ({ holdId: h.hold_id, owner: h.owner })),
      });
    }
    const destructionId = randomUUID();
    const keysDestroyed = await this.keyring.destroy(tx, request.owners, destructionId, request.at);
    await forgetRequestKeysOf(tx, request.owners);
    if (keysDestroyed === 0) return null;
    const at = request.at.toISOString();
    await tx.query(
      `INSERT INTO destruction_records (destruction_id, owner, municipality, data_class, rule, reason, approved_by, approved_role, keys_destroyed, destroyed_at)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz)`,
      [destructionId, request.streamId, request.municipality, request.dataClass, request.rule, request.reason, request.approvedBy.id, request.approvedBy.role, keysDestroyed, at],
    );
    const version = await this.store.streamVersion(request.streamId, tx);
    await this.store.appendIn(tx, request.streamId, version, [
      {
        id: randomUUID(),
        type: PERSONAL_DATA_SHREDDED_EVENT_TYPE,
        version: 1,
        occurredAt: at,
        municipality: request.municipality,
        actor: request.approvedBy,
        correlationId: request.correlationId,
        traceparent: request.traceparent,
        processingActivity: PRIVACY_PROCESSING.activity,
        legalBasis: PRIVACY_PROCESSING.legalBasis,
        payload: {
          destructionId,
          owners: request.owners,
          keysDestroyed,
          dataClass: request.dataClass,
          rule: request.rule,
          reason: request.reason,
        },
      },
    ]);
    return { destructionId, keysDestroyed };
  }
}
