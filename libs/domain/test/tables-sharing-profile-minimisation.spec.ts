import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  allowedFieldsFor,
  BSN_REDACTED,
  BUILT_IN_MODELS,
  BUILT_IN_TABLES_CONFIG,
  caseFactsOf,
  evolveCaseSheet,
  categoryOf,
  minimiseCase,
  redactBsnLike,
  SHAREABLE_FIELD_NAMES,
  signalFactsOf,
  type CaseSheet,
  type SignalFacts,
} from '../src/index.js';

const BSN = '111222333';
const REPORTER_REF = '0b7c1f8e-5a55-4d4e-9a3e-7f1a2b3c4d5e';

/** Signals of all three sources as the intake records them, reporter reference and BSN included. */
const SIGNALS: Record<string, unknown>[] = [
  { signalId: 's-mma', source: 'mma', receivedAt: '2025-06-01T10:00:00.000Z', municipality: 'GM0153', externalRef: 'MMA-1', theme: 'drugs', description: 'Hennepkwekerij op zolder', location: { municipality: 'GM0153', area: 'Binnenstad' }, specialCategory: false },
  { signalId: 's-meld', source: 'intern-meldpunt', receivedAt: '2025-06-01T11:00:00.000Z', municipality: 'GM0153', externalRef: null, description: 'Contante betalingen', indicators: ['contant', 'wisselende huurders'], involved: { kind: 'business', name: 'Snackbar De Hoek', kvkNumber: '12345678' }, location: { municipality: 'GM0153', address: 'Marktstraat 1', postcode: '7511 AA' }, reporterRef: REPORTER_REF },
  { signalId: 's-zorg', source: 'zorgmelding', receivedAt: '2025-06-01T12:00:00.000Z', municipality: 'GM0153', externalRef: null, subject: { name: 'J. de Vries', birthDate: '1980-05-17', bsn: BSN, address: 'Dorpsstraat 2' }, concern: 'Verward gedrag', urgency: 'hoog', wvggz: true, reporterRef: REPORTER_REF, reporterRelation: 'familie', location: { municipality: 'GM0153' } },
];

const sheet = (modelId: string): CaseSheet => ({
  caseId: 'case-1',
  municipality: 'GM0153',
  modelId,
  modelVersion: 1,
  state: 'x',
  openedAt: '2025-06-02T10:00:00.000Z',
  responsibilities: { procesregie: 'procesregisseur' },
  signalIds: SIGNALS.map((s) => s.signalId as string),
  sharedNotes: [{ text: `Gesprek gehad; bsn ${BSN} staat in het dossier`, at: '2025-06-02T11:00:00.000Z' }],
  closed: false,
});
const facts: SignalFacts[] = SIGNALS.map((s) => signalFactsOf(s)!);

describe('signal facts keep only what a profile could share', () => {
  it('drop the reporter reference, the reporter relation and the BSN', () => {
    const text = JSON.stringify(facts);
    expect(text).not.toContain(BSN);
    expect(text).not.toContain(REPORTER_REF);
    expect(text).not.toContain('familie');
    expect(facts[2]).toEqual({ signalId: 's-zorg', source: 'zorgmelding', receivedAt: '2025-06-01T12:00:00.000Z', subjectName: 'J. de Vries', subjectBirthDate: '1980-05-17', subjectAddress: 'Dorpsstraat 2', concern: 'Verward gedrag', urgency: 'hoog', wvggz: true });
  });
});

describe('for each sharing profile and every built-in case type, the payload holds exactly the allowed fields', () => {
  const cases = BUILT_IN_TABLES_CONFIG.tables.flatMap((table) => BUILT_IN_MODELS.map((model) => [table.id, model.id] as const));

  it.each(cases)('%s × %s', (tableId, caseType) => {
    const table = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === tableId)!;
    const allowed = allowedFieldsFor(table, caseType);
    if (allowed === null) {
      // Not covered: nothing is shared (the app rejects such a referral).
      expect(Object.hasOwn(table.profile.fields, caseType)).toBe(false);
      return;
    }
    const minimised = minimiseCase(caseFactsOf(sheet(caseType), facts, 'Reden'), allowed);
    expect(Object.keys(minimised.data).sort()).toEqual([...table.profile.fields[caseType]!].sort());
    expect(minimised.fields.sort()).toEqual([...table.profile.fields[caseType]!].sort());
    const text = JSON.stringify(minimised);
    expect(text).not.toContain(BSN);
    expect(text).not.toContain(REPORTER_REF);
    if (!table.receivesZorg) {
      expect(minimised.fields.filter((f) => categoryOf(f) === 'zorg')).toEqual([]);
      expect(text).not.toContain('Verward gedrag');
      expect(minimised.specialCategory).toBe(false);
    }
  });

  it('zorg details reach the ZVH casusoverleg (and mark the payload special category), never the RIEC', () => {
    const zvh = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'zvh-casusoverleg')!;
    const m = minimiseCase(caseFactsOf(sheet('ave'), facts, 'Reden'), allowedFieldsFor(zvh, 'ave')!);
    expect(m.data.concern).toEqual(['Verward gedrag']);
    expect(m.specialCategory).toBe(true);
    const riec = { ...BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!, profile: { ...zvh.profile } };
    // Even a RIEC profile that (wrongly, unvalidated) names zorg fields does not pass them on.
    expect(allowedFieldsFor(riec, 'ave')).not.toContain('concern');
  });

  it('a BSN typed into a shared note is redacted', () => {
    const riec = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!;
    const m = minimiseCase(caseFactsOf(sheet('ondermijning-intake'), facts, 'Reden'), allowedFieldsFor(riec, 'ondermijning-intake')!);
    expect(m.data.sharedNotes).toEqual([{ text: `Gesprek gehad; bsn ${BSN_REDACTED} staat in het dossier`, at: '2025-06-02T11:00:00.000Z' }]);
  });
});

describe('minimisation, for any facts and any profile', () => {
  const field = fc.constantFrom(...SHAREABLE_FIELD_NAMES);
  it('returns only allowed keys, every allowed key, and never an 11-proef number in the text', () => {
    fc.assert(
      fc.property(fc.uniqueArray(field), fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (allowed, junk, reason) => {
        const all = { ...junk, ...caseFactsOf(sheet('ave'), facts, `${reason} ${BSN}`) };
        const m = minimiseCase(all as never, allowed);
        expect(Object.keys(m.data).sort()).toEqual([...allowed].sort());
        expect(JSON.stringify(m.data)).not.toContain(BSN);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('leaves opaque (sealed) strings whole, even when a digit run inside them passes the 11-proef', () => {
    const sealed = `pd1.0ff006a6-c4af-45fc-bd49-be${BSN}a.w8ZabC3Umf2R1UC3.j25ZHOLv6E9p-yxyw9f4Cw.Yx3u3hZ`;
    const isOpaque = (text: string) => text.startsWith('pd1.');
    expect(redactBsnLike({ a: [sealed, `bsn ${BSN}`] }, isOpaque)).toEqual({ a: [sealed, `bsn ${BSN_REDACTED}`] });
    const riec = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!;
    const m = minimiseCase(caseFactsOf(sheet('ondermijning-intake'), [{ ...facts[0]!, description: sealed }], 'Reden'), allowedFieldsFor(riec, 'ondermijning-intake')!, isOpaque);
    expect(m.data.description).toEqual([sealed]);
  });

  it('redacts BSN-like numbers written with dots or spaces and leaves other numbers alone', () => {
    expect(redactBsnLike({ a: ['bsn 1112.22.333', 'bsn 111 222 333', 'kvk 12345678', 'tel 0612345678', '123456789'] })).toEqual({
      a: [`bsn ${BSN_REDACTED}`, `bsn ${BSN_REDACTED}`, 'kvk 12345678', 'tel 0612345678', '123456789'],
    });
  });
});

describe('the case sheet keeps what a profile could share', () => {
  const actor = { id: 'c', role: 'coordinator' as const };
  const opened = { type: 'CaseOpened', caseId: 'c-1', municipality: 'GM0153', modelId: 'ave', modelVersion: 1, state: 'ave-1', signalIds: ['s-1'], subjectId: null, reporterRelation: 'familie', signalReceivedAt: 'x', responsibilities: { procesregie: 'zelfregie' }, actor, at: '2025-06-02T10:00:00.000Z' } as const;

  it('keeps deelbaar notes and never intern ones', () => {
    let s = evolveCaseSheet(null, opened as never);
    s = evolveCaseSheet(s, { type: 'CaseNoteAdded', caseId: 'c-1', noteId: 'n1', text: 'Alleen voor ons', visibility: 'intern', actor, at: 't1' });
    s = evolveCaseSheet(s, { type: 'CaseNoteAdded', caseId: 'c-1', noteId: 'n2', text: 'Mag gedeeld', visibility: 'deelbaar', actor, at: 't2' });
    expect(s!.sharedNotes).toEqual([{ text: 'Mag gedeeld', at: 't2' }]);
    expect(JSON.stringify(s)).not.toContain('Alleen voor ons');
    expect(JSON.stringify(s)).not.toContain('familie');
  });

  it('follows state, regie, signals and closing', () => {
    let s = evolveCaseSheet(null, opened as never);
    s = evolveCaseSheet(s, { type: 'CaseTransitioned', caseId: 'c-1', modelId: 'ave', modelVersion: 1, transition: 't', from: 'ave-1', to: 'ave-2', actor, reason: null, reasonCategory: null, fields: {}, responsibilities: { procesregie: 'wijkteam' }, at: 't' });
    s = evolveCaseSheet(s, { type: 'RegieHandedOver', caseId: 'c-1', responsibility: 'casusregie', from: null, to: 'zvh', reason: 'r', actor, at: 't' });
    s = evolveCaseSheet(s, { type: 'SignalAddedToCase', caseId: 'c-1', signalId: 's-2', actor, at: 't' });
    s = evolveCaseSheet(s, { type: 'CaseClosed', caseId: 'c-1', state: 'afgesloten', retentionClass: null, at: 't' });
    expect(s).toMatchObject({ state: 'afgesloten', closed: true, signalIds: ['s-1', 's-2'], responsibilities: { procesregie: 'wijkteam', casusregie: 'zvh' } });
  });

  it('knows nothing before the case was opened', () => {
    expect(evolveCaseSheet(null, { type: 'SignalAddedToCase', caseId: 'c-1', signalId: 's-2', actor, at: 't' })).toBeNull();
  });
});
