import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import type { SignalSource } from './signal-source.js';

/**
 * The key under which intake remembers a signal it has received, so a connector that resends gets the same
 * signal id back (intake keeps a keyed fingerprint of the report with it, and refuses another report under the key:
 * `SIGNAL.EXTERNAL_REF_REUSED`). The municipality is part of the key because sources number their reports per
 * municipality (two municipalities' meldpunt forms can both send reference `1`), and a tip forwarded to two
 * municipalities is two signals, one per owner. The reference is matched exactly (no trimming or
 * case-folding): it is the sender's identifier, not ours. Neither source nor municipality code can contain
 * `:`, so the key is unambiguous.
 */
export function idempotencyKeyFor(source: SignalSource, externalRef: string, municipality: string): string {
  if (!isMunicipalityCode(municipality)) throw new RangeError('municipality must be a CBS code (GM + 4 digits)');
  return `${source}:${municipality}:${externalRef}`;
}
