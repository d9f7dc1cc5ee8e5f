import type { WorkingDayOptions } from '../calendar/working-days.js';
import { approachingAt, dueAt } from '../cases/deadline-due.js';
import type { Responsibilities } from '../models/model-definition.js';
import { DomainError } from '../shared/domain-error.js';
import { isVisibleText } from '../shared/visible-text.js';
import { allowedFieldsFor } from './minimise-case-sheet.js';
import type { ShareableField } from './shareable-field.js';
import type { TableDefinition, TablesConfig } from './table-definition.js';

/*
 * A referral as the tables app runs it: delivered to the table (or rejected when it cannot be), then
 * accepted or returned by a table member; an open referral gets a reminder before and an overdue notice at
 * its acceptance deadline. Pure rules; the app stores the state in the table register.
 */

/**
 * Why a referral could not be delivered; the router then treats it as returned. `not-deliverable`: building or
 * publishing it failed for a reason that is not about the moment, and it went to the dead letters.
 */
export type ReferralRejection = 'table-unknown' | 'municipality-not-served' | 'no-sharing-profile' | 'not-deliverable';

export type Deliverability =
  | { ok: true; table: TableDefinition; allowed: ShareableField[] }
  | { ok: false; reason: Exclude<ReferralRejection, 'not-deliverable'>; message: string };

/** Whether a referral of a `caseType` case of `municipality` to `tableId` can go out, and with which fields. */
export function referralDeliverability(config: TablesConfig, tableId: string, municipality: string, caseType: string): Deliverability {
  const table = config.tables.find((t) => t.id === tableId);
  if (!table) return { ok: false, reason: 'table-unknown', message: `table "${tableId}" is not configured` };
  if (!table.municipalities.includes(municipality)) {
    return { ok: false, reason: 'municipality-not-served', message: `${table.title} does not serve ${municipality}` };
  }
  const allowed = allowedFieldsFor(table, caseType);
  if (!allowed) return { ok: false, reason: 'no-sharing-profile', message: `the sharing profile of ${table.title} does not cover case type ${caseType}` };
  return { ok: true, table, allowed };
}

/** When a referral made at `referredAt` must be acknowledged, and when the reminder goes out (null: none). */
export function referralTimes(table: TableDefinition, referredAt: Date, calendar?: WorkingDayOptions): { acceptBy: string; remindAt: string | null } {
  const due = dueAt(referredAt, table.acceptanceDeadline, calendar);
  const remind = table.reminderLeadTime && table.reminderLeadTime.amount > 0 ? approachingAt(due, table.reminderLeadTime, calendar) : null;
  return { acceptBy: due.toISOString(), remindAt: remind && remind.getTime() > referredAt.getTime() ? remind.toISOString() : null };
}

export const REFERRAL_STATUSES = ['open', 'accepted', 'returned', 'rejected'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** What the lifecycle rules need of a referral. */
export interface ReferralLifecycle {
  referralId: string;
  status: ReferralStatus;
  acceptBy: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  overdueAt: string | null;
}

export type ReferralTimerStep = 'reminder' | 'overdue';

/**
 * What the timer must record now for an open referral: `overdue` once the deadline passed (a reminder that
 * was never sent is then skipped), else `reminder` once its time came; null when nothing is due.
 */
export function dueReferralStep(referral: ReferralLifecycle, now: Date): ReferralTimerStep | null {
  if (referral.status !== 'open' || referral.acceptBy === null) return null;
  const t = now.getTime();
  if (referral.overdueAt === null && t >= Date.parse(referral.acceptBy)) return 'overdue';
  if (referral.overdueAt === null && referral.remindedAt === null && referral.remindAt !== null && t >= Date.parse(referral.remindAt)) return 'reminder';
  return null;
}

export type ReferralDecision = { outcome: 'accepted' } | { outcome: 'returned'; reason: string };

/**
 * A table member accepts or returns. The same decision again changes nothing (returns false: nothing to
 * record); the other decision, or any decision on a rejected referral, is refused.
 * @throws DomainError `REFERRAL.ALREADY_DECIDED`, `REFERRAL.REASON_REQUIRED`
 */
export function decideReferral(referral: ReferralLifecycle, decision: ReferralDecision): boolean {
  if (decision.outcome === 'returned' && !isVisibleText(decision.reason)) {
    throw new DomainError('REFERRAL.REASON_REQUIRED', 'A returned referral needs a reason');
  }
  if (referral.status === decision.outcome) return false;
  if (referral.status !== 'open') {
    throw new DomainError('REFERRAL.ALREADY_DECIDED', `The referral was ${referral.status} already`, { referralId: referral.referralId, decided: referral.status });
  }
  return true;
}

/** The responsibilities a table takes over on acceptance (a copy of its configuration). */
export function responsibilitiesTakenOver(table: TableDefinition): Responsibilities {
  return { ...table.takesOver };
}

/**
 * Whether a table member may see and act on a referral: they sit on its table and the referral's
 * municipality is one of theirs that the table serves (their region).
 */
export function tableMemberMayAct(member: { tables: readonly string[]; municipalities: readonly string[] }, referral: { table: string; municipality: string }): boolean {
  return member.tables.includes(referral.table) && member.municipalities.includes(referral.municipality);
}
