import type { CaseEvent } from '#domain';
import { rowTable, type RowTable, type SqlExecutor, type TableRow } from '#eventstore';

/** `referral_case_links` as the case commit writes it; a referral sent again (a replayed statement) is the same link. */
const REFERRAL_LINKS: RowTable = rowTable('referral_case_links', { referral_id: 'uuid', case_id: 'uuid' }, 'ON CONFLICT (referral_id) DO NOTHING');

/** The referrals `events` make, as rows the case commit writes in the statement that appends them. */
export function referralLinkRows(events: readonly CaseEvent[]): TableRow[] {
  return events.filter((e) => e.type === 'CaseReferred').map((e) => ({ table: REFERRAL_LINKS, values: { referral_id: e.referralId, case_id: e.caseId } }));
}

/** The case a referral belongs to, or undefined. */
export async function caseOfReferral(db: SqlExecutor, referralId: string): Promise<string | undefined> {
  const rows = (await db.query<{ case_id: string }>('SELECT case_id FROM referral_case_links WHERE referral_id = $1', [referralId])).rows;
  return rows[0]?.case_id;
}
