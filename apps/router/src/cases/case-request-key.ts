import { requestKeyTable } from '#platform';

/**
 * The `Idempotency-Key`s of requests that open or change a case (`case_request_keys`), each with its case and
 * the hash of its request. Opening and changing share the table: a key names one request, so a key used again
 * for another request (another body, case or kind of change) is refused whichever it was.
 */
export const CASE_REQUEST_KEYS = requestKeyTable('case_request_keys', 'case_id');
