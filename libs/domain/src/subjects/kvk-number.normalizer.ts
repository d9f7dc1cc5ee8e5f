/** A Chamber of Commerce (KvK) number: eight digits. Spaces and dots people type in between are dropped. */
const KVK_NUMBER = /^\d{8}$/;

/** `1234 5678` and `12.34.56.78` become `12345678`; anything else is null. Idempotent. */
export function normalizeKvkNumber(value: string): string | null {
  const compact = value.replace(/[\s.]+/gu, '');
  return KVK_NUMBER.test(compact) ? compact : null;
}
