import { REFERRAL_EVENT_TYPES, type EventEnvelope, type ReferralAcceptedPayload, type ReferralRejectedPayload, type ReferralReturnedPayload } from '#contracts';
import { calendarFor, referralTimes, type TablesConfig } from '#domain';
import { quoteIdent, type ProjectionDefinition, type ProjectionTableNames, type SqlExecutor } from '#eventstore';
import { loadConfig, loadTablesConfig } from '#platform';
import { tablesSettingsFrom } from '../config/tables-settings.js';
import { REFERRAL_PUBLISHED, REFERRAL_REMINDER_SENT, type ReferralPublishedPayload } from './referral-events.js';
import { referredAtOf } from './referral-rejection.js';

const REGISTER_EVENT_TYPES: readonly string[] = [
  REFERRAL_PUBLISHED,
  REFERRAL_EVENT_TYPES.rejected,
  REFERRAL_EVENT_TYPES.accepted,
  REFERRAL_EVENT_TYPES.returned,
  REFERRAL_REMINDER_SENT,
  REFERRAL_EVENT_TYPES.overdue,
];

let tablesConfig: TablesConfig | null = null;
/** The tables configuration this process runs with (`TABLES_CONFIG_FILE`, else the built-in one), loaded once. */
const configuredTables = (): TablesConfig => (tablesConfig ??= loadTablesConfig(tablesSettingsFrom(loadConfig()).configFile));

/**
 * What the register row takes from the case event that caused the referral (`CaseReferred`, the event's
 * causation): the case id, when it was referred (`referredAtOf`, as the live writer reads it), and the case's model
 * (from its `CaseOpened`).
 */
async function referringCase(tx: SqlExecutor, event: EventEnvelope): Promise<{ caseId: string | null; referredAt: string | null; caseType: string | null }> {
  const r = await tx.query<{ case_id: string | null; referred_at: string | null; occurred_at: Date; case_type: string | null }>(
    `SELECT c.payload->>'caseId' AS case_id, c.payload->>'at' AS referred_at, c.occurred_at,
            (SELECT o.payload->>'modelId' FROM events o WHERE o.stream_id = c.stream_id AND o.type = 'CaseOpened' ORDER BY o.stream_version LIMIT 1) AS case_type
       FROM events c WHERE c.id = $1::uuid`,
    [event.causationId],
  );
  const row = r.rows[0];
  return { caseId: row?.case_id ?? null, referredAt: row ? referredAtOf(row.referred_at, row.occurred_at) : null, caseType: row?.case_type ?? null };
}

/** Applies one referral event to the register, as the publisher, the decision service and the timers write it. */
async function applyReferralEvent(tx: SqlExecutor, event: EventEnvelope, register: string, tablesConfig: () => TablesConfig): Promise<void> {
  const version = event.streamVersion;
  switch (event.type) {
    case REFERRAL_PUBLISHED: {
      const p = event.payload as unknown as ReferralPublishedPayload;
      const cause = await referringCase(tx, event);
      const config = tablesConfig();
      const table = config.tables.find((t) => t.id === p.table);
      // As the publisher computed it: with the referral's municipality's closing days.
      const remindAt = table ? referralTimes(table, new Date(p.referredAt), calendarFor(config, p.municipality)).remindAt : null;
      await tx.query(
        `INSERT INTO ${register} (referral_id, case_id, table_id, municipality, case_type, status, referred_at, published_at, accept_by, remind_at, reason, fields, payload, version)
         VALUES ($1, $2, $3, $4, $5, 'open', $6::timestamptz, $7::timestamptz, $8::timestamptz, $9::timestamptz, NULL, $10::text[], $11::jsonb, $12::int)
         ON CONFLICT (referral_id) DO NOTHING`,
        [p.referralId, cause.caseId, p.table, p.municipality, p.caseType, p.referredAt, event.occurredAt, p.acceptBy, remindAt, p.fields, JSON.stringify(p), version],
      );
      return;
    }
    case REFERRAL_EVENT_TYPES.rejected: {
      const p = event.payload as unknown as ReferralRejectedPayload;
      const cause = await referringCase(tx, event);
      await tx.query(
        `INSERT INTO ${register} (referral_id, case_id, table_id, municipality, case_type, status, referred_at, published_at, rejection, reason, version)
         VALUES ($1, $2, $3, $4, $5, 'rejected', $6::timestamptz, $7::timestamptz, $8, $9, $10::int)
         ON CONFLICT (referral_id) DO NOTHING`,
        [p.referralId, p.caseId, p.table, p.municipality, cause.caseType, cause.referredAt, p.at, p.rejection, p.reason, version],
      );
      return;
    }
    case REFERRAL_EVENT_TYPES.accepted:
    case REFERRAL_EVENT_TYPES.returned: {
      const p = event.payload as unknown as ReferralAcceptedPayload | ReferralReturnedPayload;
      const accepted = event.type === REFERRAL_EVENT_TYPES.accepted;
      await tx.query(`UPDATE ${register} SET status = $2, decided_at = $3::timestamptz, decided_by = $4, reason = $5, version = $6::int WHERE referral_id = $1`, [
        p.referralId,
        accepted ? 'accepted' : 'returned',
        p.at,
        p.decidedBy.id,
        accepted ? null : (p as ReferralReturnedPayload).reason,
        version,
      ]);
      return;
    }
    case REFERRAL_REMINDER_SENT:
    case REFERRAL_EVENT_TYPES.overdue: {
      const p = event.payload as { referralId: string; at: string };
      const column = event.type === REFERRAL_REMINDER_SENT ? 'reminded_at' : 'overdue_at';
      await tx.query(`UPDATE ${register} SET ${column} = $2::timestamptz, version = $3::int WHERE referral_id = $1`, [p.referralId, p.at, version]);
      return;
    }
    default:
      return;
  }
}

/** Applies referral events to the table register in order, inside the caller's transaction (`remind_at` with `tablesConfig`). */
export async function applyToReferralRegister(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames, tablesConfig: () => TablesConfig): Promise<void> {
  const register = quoteIdent(tables.table_referrals!);
  for (const event of events) await applyReferralEvent(tx, event, register, tablesConfig);
}

/**
 * The tables' referral register as a rebuildable projection (`npm run audit -- replay --projection
 * table-referrals`), folded from the referral streams (`referral-<id>`). The row's case id, its referral
 * instant and (for a rejected referral) the case type come from the `CaseReferred` that caused it and the
 * case's `CaseOpened`; `remind_at` is recomputed with the tables configuration `tablesConfig` gives (the table's
 * lead time and the municipality's closing days), as the publisher computed it (a difference there means the
 * configuration changed since: `accept_by` comes from the event, but the reminder moment is not in it).
 */
export function referralRegisterProjection(tablesConfig: () => TablesConfig): ProjectionDefinition {
  return {
    name: 'table-referrals',
    description: "Tables: the referral register (each referral's status, deadlines, decision and what the table received)",
    tables: [{ name: 'table_referrals', primaryKey: ['referral_id'] }],
    eventTypes: REGISTER_EVENT_TYPES,
    apply: (tx, events, tables) => applyToReferralRegister(tx, events, tables, tablesConfig),
  };
}

/** `table-referrals` with the tables configuration of this process (the app's; the audit CLI passes its own, explicitly given). */
export const REFERRAL_REGISTER_PROJECTION: ProjectionDefinition = referralRegisterProjection(configuredTables);
