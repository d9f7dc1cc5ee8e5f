/** Urgency of a zorgmelding as judged at intake; `acuut` may call for a crisismaatregel. */
export const URGENCIES = ['laag', 'normaal', 'hoog', 'acuut'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** True when `value` is one of {@link URGENCIES}. */
export function isUrgency(value: unknown): value is Urgency {
  return (URGENCIES as readonly unknown[]).includes(value);
}
