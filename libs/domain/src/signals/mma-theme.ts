/**
 * Theme classes that Meld Misdaad Anoniem puts on the tips it forwards. Fixed in code for now; the list is
 * expected to become configuration (per MMA feed version or municipality) later, so treat it as data.
 */
export const MMA_THEMES = [
  'drugs',
  'illegale-huisvesting',
  'uitkeringsfraude',
  'milieu',
  'mensenhandel',
  'witwassen',
  'radicalisering',
  'ondermijning',
  'zorgfraude',
  'overig',
] as const;
export type MmaTheme = (typeof MMA_THEMES)[number];

/** True when `value` is one of {@link MMA_THEMES}. */
export function isMmaTheme(value: unknown): value is MmaTheme {
  return (MMA_THEMES as readonly unknown[]).includes(value);
}
