/**
 * A Dutch postcode: four digits, the first not 0, and two letters; `SA`, `SD` and `SS` are never issued.
 * Normalised to `7511AA` (no space, upper case).
 */
const POSTCODE = /^[1-9]\d{3}[A-Z]{2}$/;
const NEVER_ISSUED = /(SA|SD|SS)$/;

/** `7511 aa`, `7511-AA` and ` 7511AA ` all become `7511AA`; anything that is not a Dutch postcode is null. Idempotent. */
export function normalizePostcode(value: string): string | null {
  const compact = value.replace(/[\s-]+/gu, '').toUpperCase();
  return POSTCODE.test(compact) && !NEVER_ISSUED.test(compact) ? compact : null;
}
