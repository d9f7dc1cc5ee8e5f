import { Inject, Injectable } from '@nestjs/common';
import { caseFactsOf, keepIdentifiers, minimiseCase, redactBsnLike, type CaseSheet, type MinimisedCase, type ShareableField, type SignalFacts } from '#domain';
import type { SqlExecutor } from '#eventstore';
import { KEYRING, type Keyring } from '#platform';
import { isSealedValue } from '#security';

/**
 * What a table (or the police) receives of a case: the facts its profile allows, with BSN-like numbers
 * redacted — in plain values directly, and inside sealed values by opening them, redacting the plaintext and
 * sealing it again under the same key. The payload stays sealed (and shreddable) the whole way. Identifiers
 * (an involved party's KvK number, when it is one: 8 digits) are kept as they are (`keepIdentifiers`).
 */
@Injectable()
export class CaseMinimiser {
  constructor(@Inject(KEYRING) private readonly keyring: Keyring) {}

  async minimise(tx: SqlExecutor, sheet: CaseSheet, facts: readonly SignalFacts[], reason: string, allowed: readonly ShareableField[]): Promise<MinimisedCase> {
    const minimised = minimiseCase(caseFactsOf(sheet, facts, reason), allowed, isSealedValue);
    const redacted = await this.keyring.editSealed(minimised.data, (text) => redactBsnLike(text), tx);
    const opened = (await this.keyring.reveal({ involvedParty: minimised.data.involvedParty }, tx)).value;
    return { ...minimised, data: keepIdentifiers(minimised.data, redacted, opened) };
  }
}
