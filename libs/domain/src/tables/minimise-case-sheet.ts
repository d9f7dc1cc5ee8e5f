import type { CaseSheet, SignalFacts } from './case-sheet.js';
import { categoryOf, isShareableField, SHAREABLE_FIELD_NAMES, type ShareableField } from './shareable-field.js';
import type { TableDefinition } from './table-definition.js';
import { redactBsnLike } from './redact-bsn-like.js';

export { BSN_REDACTED, redactBsnLike } from './redact-bsn-like.js';

/** Every shareable fact of a case, by field name (see `SHAREABLE_FIELDS` for what each holds). */
export type CaseFacts = { [F in ShareableField]: unknown };

/** A minimised payload: the fields shared (profile order) and their values (every listed field present). */
export interface MinimisedCase {
  fields: ShareableField[];
  data: Partial<CaseFacts>;
  /** True when a zorg field with a value is among them (special-category data, AVG art. 9). */
  specialCategory: boolean;
}

const distinct = <T>(values: (T | undefined)[]): T[] => {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (v === undefined) continue;
    const key = JSON.stringify(v);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(v);
    }
  }
  return out;
};

/**
 * Every shareable fact of a case: the case's own (state, regie, shared notes, the referral's reason) and the
 * facts of its signals as lists of distinct values, in signal order. Signals the app does not know (yet)
 * add nothing.
 */
export function caseFactsOf(sheet: CaseSheet, signals: readonly SignalFacts[], reason: string): CaseFacts {
  const own = sheet.signalIds.map((id) => signals.find((s) => s.signalId === id)).filter((s): s is SignalFacts => s !== undefined);
  return {
    referralReason: reason,
    caseState: sheet.state,
    openedAt: sheet.openedAt,
    responsibilities: { ...sheet.responsibilities },
    signalSources: distinct(own.map((s) => s.source)),
    sharedNotes: sheet.sharedNotes.map((n) => ({ text: n.text, at: n.at })),
    theme: distinct(own.map((s) => s.theme)),
    description: distinct(own.map((s) => s.description)),
    indicators: distinct(own.flatMap((s) => s.indicators ?? [])),
    involvedParty: distinct(own.map((s) => s.involvedParty)),
    area: distinct(own.map((s) => s.area)),
    address: distinct(own.map((s) => s.address)),
    postcode: distinct(own.map((s) => s.postcode)),
    subjectName: distinct(own.map((s) => s.subjectName)),
    subjectBirthDate: distinct(own.map((s) => s.subjectBirthDate)),
    subjectAddress: distinct(own.map((s) => s.subjectAddress)),
    concern: distinct(own.map((s) => s.concern)),
    urgency: distinct(own.map((s) => s.urgency)),
    wvggz: distinct(own.map((s) => s.wvggz)),
  };
}

/**
 * The fields `table` may receive for a case of type `caseType`, or null when its profile does not cover
 * that case type (then nothing is shared).
 */
export function allowedFieldsFor(table: TableDefinition, caseType: string): ShareableField[] | null {
  const fields = Object.hasOwn(table.profile.fields, caseType) ? table.profile.fields[caseType] : undefined;
  if (!fields) return null;
  // A validated profile only names shareable fields; the filters keep this safe for an unvalidated one too.
  return fields.filter(isShareableField).filter((f) => table.receivesZorg || categoryOf(f) !== 'zorg');
}

const nothingIsOpaque = (): boolean => false;

/**
 * Data minimisation: exactly the allowed fields, nothing else, with anything in their text that looks like a
 * BSN (8 or 9 digits passing the 11-proef, whole or in groups split by spaces, dots or hyphens; see
 * {@link redactBsnLike}) redacted, because free text (notes, descriptions) is typed by people.
 * Strings `isOpaque` recognises (sealed values) are left as they are: their plaintext is redacted by whoever
 * can open them, and a digit run inside a ciphertext or key id is not a BSN.
 */
export function minimiseCase(facts: CaseFacts, allowed: readonly ShareableField[], isOpaque: (text: string) => boolean = nothingIsOpaque): MinimisedCase {
  const data: Partial<CaseFacts> = {};
  let specialCategory = false;
  for (const field of allowed) {
    const value = redactBsnLike(facts[field], isOpaque);
    data[field] = value;
    if (categoryOf(field) === 'zorg' && !isEmpty(value)) specialCategory = true;
  }
  return { fields: SHAREABLE_FIELD_NAMES.filter((f) => allowed.includes(f)), data: keepIdentifiers(facts, data, facts), specialCategory };
}

/** A KvK number as the Kamer van Koophandel gives it: exactly 8 digits. */
const KVK_NUMBER = /^\d{8}$/;

/**
 * `redacted` with the identifiers of `original` put back: an involved party's KvK number is an identifier the
 * table needs (the RIEC looks the business up), not text a person typed, and as 8 digits it passes the 11-proef
 * one time in eleven, so the BSN redaction would take it. Only a value that is a KvK number (`opened`, the
 * plaintext of `original`, is exactly 8 digits) is put back: the field is free text at intake, and a 9-digit BSN
 * or "BSN …" typed into it stays redacted. Used after any redaction of the facts (plain or sealed).
 */
export function keepIdentifiers<T extends Partial<CaseFacts>>(original: Partial<CaseFacts>, redacted: T, opened: Partial<CaseFacts>): T {
  type Party = { kvkNumber?: string };
  const parties = redacted.involvedParty as unknown;
  const originals = original.involvedParty as unknown;
  const plaintexts = opened.involvedParty as unknown;
  if (!Array.isArray(parties) || !Array.isArray(originals) || !Array.isArray(plaintexts)) return redacted;
  const kept = (parties as Party[]).map((party, i) => {
    const kvkNumber = (originals as (Party | undefined)[])[i]?.kvkNumber;
    const plaintext = (plaintexts as (Party | undefined)[])[i]?.kvkNumber;
    return kvkNumber === undefined || typeof plaintext !== 'string' || !KVK_NUMBER.test(plaintext) ? party : { ...party, kvkNumber };
  });
  return { ...redacted, involvedParty: kept };
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
