import { keyOwner } from '#platform';

/** What a legal hold can be placed on. A hold on a case covers the case's signals; one on a subject, its linked signals. */
export const LEGAL_HOLD_TARGET_KINDS = ['subject', 'signal', 'case'] as const;
export type LegalHoldTargetKind = (typeof LEGAL_HOLD_TARGET_KINDS)[number];

export interface LegalHoldTarget {
  kind: LegalHoldTargetKind;
  id: string;
}

/** The owner name a hold is stored under (`legal_holds.owner`): the keyring's owner names (`subject:<id>`, `signal:<id>`, `case:<id>`). */
export function holdOwnerOf(target: LegalHoldTarget): string {
  switch (target.kind) {
    case 'subject':
      return keyOwner.subject(target.id);
    case 'signal':
      return keyOwner.signal(target.id);
    case 'case':
      return keyOwner.case(target.id);
  }
}

/** The target a stored owner name stands for. */
export function targetOfHoldOwner(owner: string): LegalHoldTarget {
  const at = owner.indexOf(':');
  return { kind: owner.slice(0, at) as LegalHoldTargetKind, id: owner.slice(at + 1) };
}

/** Event-store stream of one hold: `LegalHoldPlaced`, then at most one `LegalHoldLifted` (internal, not on Kafka). */
export const legalHoldStreamId = (holdId: string): string => `legal-hold-${holdId}`;

export const LEGAL_HOLD_PLACED_EVENT_TYPE = 'LegalHoldPlaced';
export const LEGAL_HOLD_LIFTED_EVENT_TYPE = 'LegalHoldLifted';

/** Error codes of the legal-hold API. */
export const LEGAL_HOLD_ERRORS = {
  /** No such subject, signal or case — or one of a municipality the caller may not act in (the same answer). */
  TARGET_NOT_FOUND: 'LEGAL_HOLD.TARGET_NOT_FOUND',
  NOT_FOUND: 'LEGAL_HOLD.NOT_FOUND',
  ALREADY_LIFTED: 'LEGAL_HOLD.ALREADY_LIFTED',
} as const;
