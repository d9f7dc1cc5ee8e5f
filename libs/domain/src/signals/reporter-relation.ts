/**
 * How the reporter of a zorgmelding relates to the person concerned. It matters after intake: under the
 * Wvggz only an essentiële naaste (close relative) who reported may be told the outcome.
 */
export const REPORTER_RELATIONS = [
  'essentiele-naaste',
  'familie',
  'buurtbewoner',
  'professional',
  'politie',
  'ggd',
  'hulpverlener',
  'anders',
] as const;
export type ReporterRelation = (typeof REPORTER_RELATIONS)[number];

/** True when `value` is one of {@link REPORTER_RELATIONS}. */
export function isReporterRelation(value: unknown): value is ReporterRelation {
  return (REPORTER_RELATIONS as readonly unknown[]).includes(value);
}
