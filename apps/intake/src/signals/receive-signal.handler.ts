import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import canonicalize from 'canonicalize';
import { TOPICS } from '#contracts';
import { decideReceiveSignal, idempotencyKeyFor, mapSignalPersonalData, SIGNAL_RECEIVED_EVENT_TYPE, SIGNAL_RECEIVED_EVENT_VERSION } from '#domain';
import { OutboxRelay, rowTable, sqlConstraint, sqlErrorCode, type Database, type SqlExecutor, type TableRow } from '#eventstore';
import { BLIND_INDEX, CLOCK, DATABASE, KEYRING, keyOwner, OUTBOX_RELAY, REQUEST_KEY_WINDOW, type Clock, type ExpiringRequestKeys, type Keyring, type RequestKeyWindow } from '#platform';
import { requireMunicipality, type BlindIndex } from '#security';
import { IntakeCommitBatcher, type IntakeCommit } from './intake-commit.batcher.js';
import { externalRefReused, idempotencyKeyReused, refuseReusedKeys, type IntakeKey, type RecordedIntakeKey } from './intake-key.js';
import { parseSignalInput } from './parse-signal-input.js';
import { ReceiveSignalCommand, type SignalReceipt } from './receive-signal.command.js';
import { INTAKE_PROCESSING, reporterVaultContext, signalStreamId } from './signal-stream.js';

interface KeyRow extends RecordedIntakeKey {
  signal_id: string;
  received_at: Date | string;
}

/**
 * The intake's keys that expire: callers' `Idempotency-Key`s (`idem:`). An MMA reference (`ext:`) or a delivery
 * (`msg:`) names the signal itself, not a request to retry, so those keys are kept.
 */
export const INTAKE_REQUEST_KEYS: ExpiringRequestKeys = { table: 'intake_keys', rows: `key LIKE 'idem:%'` };

/** The keys among `$1` still honoured, the expired `Idempotency-Key`s among them deleted so a new signal can take them. */
const EARLIER_KEYS_SQL = `
  WITH expired AS (DELETE FROM intake_keys WHERE key = ANY($1::text[]) AND ${INTAKE_REQUEST_KEYS.rows} AND created_at < $2)
  SELECT key, signal_id, received_at, request_hash FROM intake_keys WHERE key = ANY($1::text[]) AND NOT (${INTAKE_REQUEST_KEYS.rows} AND created_at < $2)`;

const INTAKE_KEYS_TABLE = rowTable('intake_keys', { key: 'text', signal_id: 'uuid', received_at: 'timestamptz', request_hash: 'text', created_at: 'timestamptz' });
const REPORTER_VAULT_TABLE = rowTable('reporter_vault', { reporter_ref: 'uuid', signal_id: 'uuid', municipality: 'text', source: 'text', reporter: 'jsonb' });

/**
 * Intake: validate, decide, and commit the `SignalReceived` event, its outbox row, its idempotency keys, the
 * signal's data key and the reporter vault entry in one transaction. The personal fields of the event and the
 * vault entry are sealed under the signal's own data key (crypto-shredding that key erases them everywhere). A resend (same source + externalRef in the municipality, or
 * the same Idempotency-Key from the same caller within `IDEMPOTENCY_KEY_RETENTION_HOURS`) gets the first receipt back
 * and appends nothing; another report under that reference or key is refused (`SIGNAL.EXTERNAL_REF_REUSED`,
 * `IDEMPOTENCY.KEY_REUSED`) and appends nothing either.
 */
@CommandHandler(ReceiveSignalCommand)
export class ReceiveSignalHandler implements ICommandHandler<ReceiveSignalCommand, SignalReceipt> {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEYRING) private readonly keyring: Keyring,
    private readonly commits: IntakeCommitBatcher,
    @Inject(BLIND_INDEX) private readonly index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) private readonly keyWindow: RequestKeyWindow,
  ) {}

  async execute(command: ReceiveSignalCommand): Promise<SignalReceipt> {
    const parsed = parseSignalInput(command.source, command.body);
    const municipality = (parsed.input as { location?: { municipality?: unknown } }).location?.municipality;
    const now = this.clock();
    const decision = decideReceiveSignal(parsed, { now, newSignalId: randomUUID(), newReporterRef: randomUUID() });
    const payload = decision.events[0];
    if (command.principal) requireMunicipality(command.principal, String(municipality));

    // The report as its sender sent it (canonical JSON: the order of members and the spacing do not count, every value
    // does): a reference or a key recorded with another report is refused, not answered as a resend.
    const request = `${command.source}\n${(canonicalize as unknown as (v: unknown) => string)(command.body)}`;
    const fingerprint = this.index.of('intake-request', request);
    const keys: IntakeKey[] = [];
    if (payload.externalRef) keys.push({ key: `ext:${idempotencyKeyFor(command.source, payload.externalRef, payload.municipality)}`, hash: fingerprint, reused: externalRefReused });
    if (command.idempotencyKey) {
      keys.push({ key: `idem:${payload.municipality}:${command.actor.id}:${command.idempotencyKey}`, hash: fingerprint, legacyHash: () => createHash('sha256').update(request).digest('hex'), reused: idempotencyKeyReused });
    }
    if (command.deliveryKey) keys.push({ key: `msg:${command.deliveryKey}`, hash: null });

    const dataKey = this.keyring.newKey(keyOwner.signal(payload.signalId), payload.municipality);
    const { specialCategory, ...eventPayload } = mapSignalPersonalData(payload, dataKey.seal);
    const rows: TableRow[] = [
      dataKey.row,
      ...keys.map((k) => ({ table: INTAKE_KEYS_TABLE, values: { key: k.key, signal_id: payload.signalId, received_at: payload.receivedAt, request_hash: k.hash, created_at: now.toISOString() } })),
    ];
    const vault = decision.vault;
    if (vault) {
      const reporter = JSON.stringify({ sealed: dataKey.seal(JSON.stringify(vault.reporter), reporterVaultContext(payload.signalId)) });
      rows.push({ table: REPORTER_VAULT_TABLE, values: { reporter_ref: vault.reporterRef, signal_id: payload.signalId, municipality: payload.municipality, source: vault.source, reporter } });
    }
    const processingLog = command.processingLog;
    if (processingLog) rows.push(...processingLog.rows([payload.signalId]));
    const first = await this.commitUnlessResent(
      {
        streamId: signalStreamId(payload.signalId),
        events: [
          {
            id: randomUUID(),
            type: SIGNAL_RECEIVED_EVENT_TYPE,
            version: SIGNAL_RECEIVED_EVENT_VERSION,
            occurredAt: now.toISOString(),
            municipality: payload.municipality,
            actor: command.actor,
            correlationId: command.correlationId,
            traceparent: command.traceparent,
            processingActivity: INTAKE_PROCESSING.activity,
            legalBasis: INTAKE_PROCESSING.legalBasis,
            specialCategory,
            payload: eventPayload as unknown as Record<string, unknown>,
          },
        ],
        options: { topic: TOPICS.signals, rows },
      },
      keys,
    );
    if (first) return first;
    if (processingLog) processingLog.written = true;
    this.relay?.nudge();
    return { signalId: payload.signalId, receivedAt: payload.receivedAt, status: 'nieuw', replayed: false };
  }

  /**
   * Commits the signal in one statement (shared with other signals arriving at the same moment): keys, vault
   * entry, event and outbox row commit together. A key that exists already makes it fail, so a resend stores
   * nothing and gets the first receipt (returned), and another request under the key stores nothing and is refused.
   * When the only keys taken had expired, they are released and the signal is committed once more, as the new signal
   * it is.
   */
  private async commitUnlessResent(commit: IntakeCommit, keys: IntakeKey[]): Promise<SignalReceipt | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commits.commit(commit);
        return null;
      } catch (error) {
        if (!(sqlErrorCode(error) === '23505' && sqlConstraint(error) === 'intake_keys_pkey')) throw error;
        const first = await this.findEarlier(this.db, keys);
        if (first) return first;
        // No key taken is honoured: they had expired and are released now, so the signal is new and goes in once
        // more. Taken again then, by a request at the same moment, the key's signal was answered just above.
        if (attempt === 2) throw error;
      }
    }
  }

  private async findEarlier(tx: SqlExecutor, keys: IntakeKey[]): Promise<SignalReceipt | null> {
    if (keys.length === 0) return null;
    const found = await tx.query<KeyRow>(EARLIER_KEYS_SQL, [keys.map((k) => k.key), this.keyWindow.expiredBefore().toISOString()]);
    if (found.rows.length === 0) return null;
    refuseReusedKeys(keys, found.rows);
    const row = found.rows[0]!;
    // The first receipt, as it was: a resend must not tell the channel (and through it a reporter) what the
    // coordinators did with the signal since (MMA has no feedback channel; reporters are not told outcomes).
    return { signalId: row.signal_id, receivedAt: new Date(row.received_at).toISOString(), status: 'nieuw', replayed: true };
  }
}
