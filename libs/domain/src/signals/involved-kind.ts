/** What an intern-meldpunt report is about: a business, a person or an address. */
export const INVOLVED_KINDS = ['business', 'person', 'address'] as const;
export type InvolvedKind = (typeof INVOLVED_KINDS)[number];

/** True when `value` is one of {@link INVOLVED_KINDS}. */
export function isInvolvedKind(value: unknown): value is InvolvedKind {
  return (INVOLVED_KINDS as readonly unknown[]).includes(value);
}
