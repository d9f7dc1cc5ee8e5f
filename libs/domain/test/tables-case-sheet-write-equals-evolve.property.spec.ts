import fc from 'fast-check';
import { caseSheetWriteOf, evolveCaseSheet, RESPONSIBILITY_KINDS, type CaseEvent, type CaseSheet, type CaseSheetWrite } from '../src/index.js';

/*
 * The tables consumer writes some case events without reading the sheet: a new sheet, or fields merged into the
 * stored one (jsonb `||`). Whatever it writes must be exactly what `evolveCaseSheet` makes of the stored sheet, or
 * a replay (which evolves in code) would differ from the live table.
 */

/** What the store does with a write: `replace` stores the sheet, `merge` overwrites the given top-level fields of a stored sheet. */
function storeApplies(stored: CaseSheet | null, write: CaseSheetWrite): CaseSheet | null {
  if (write.kind === 'replace') return write.sheet;
  return stored ? { ...stored, ...write.fields } : null;
}

const jsonb = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const id = fc.uuid();
const instant = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
const responsibilities = fc.dictionary(fc.constantFrom(...RESPONSIBILITY_KINDS), fc.string({ minLength: 1, maxLength: 12 }), { maxKeys: RESPONSIBILITY_KINDS.length });
const state = fc.constantFrom('ave-1', 'ave-2', 'ave-3', 'ave-4', 'ontvangst', 'besluit-riec', 'stap-2a');
const actor = fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }), role: fc.constant('coordinator' as const) });

const sheet: fc.Arbitrary<CaseSheet> = fc.record({
  caseId: id,
  municipality: fc.constantFrom('GM0153', 'GM0363'),
  modelId: fc.constantFrom('ave', 'ondermijning-intake'),
  modelVersion: fc.integer({ min: 1, max: 4 }),
  state,
  openedAt: instant,
  responsibilities,
  signalIds: fc.array(id, { minLength: 1, maxLength: 3 }),
  sharedNotes: fc.array(fc.record({ text: fc.string(), at: instant }), { maxLength: 2 }),
  closed: fc.boolean(),
});

function eventFor(caseId: string): fc.Arbitrary<CaseEvent> {
  return fc.oneof(
    fc.record({
      type: fc.constant('CaseOpened' as const), caseId: fc.constant(caseId), municipality: fc.constantFrom('GM0153', 'GM0363'),
      modelId: fc.constantFrom('ave', 'wvggz-verkennend-onderzoek'), modelVersion: fc.integer({ min: 1, max: 3 }), state,
      signalIds: fc.array(id, { minLength: 1, maxLength: 3 }), subjectId: fc.option(id, { nil: null }), reporterRelation: fc.constant(null),
      signalReceivedAt: instant, responsibilities, actor, at: instant,
    }),
    fc.record({
      type: fc.constant('CaseTransitioned' as const), caseId: fc.constant(caseId), modelId: fc.constant('ave'), modelVersion: fc.constant(1),
      transition: fc.constantFrom('opschalen-ave-2', 'afschalen-ave-1'), from: state, to: state, actor,
      reason: fc.option(fc.string(), { nil: null }), reasonCategory: fc.option(fc.string(), { nil: null }), fields: fc.constant({}), responsibilities, at: instant,
    }),
    fc.record({
      type: fc.constant('CaseModelMigrated' as const), caseId: fc.constant(caseId), modelId: fc.constant('ave'), fromVersion: fc.constant(1), toVersion: fc.constant(2),
      fromState: state, toState: state, stateMapping: fc.constant({}), reason: fc.string(), responsibilities, actor, at: instant,
    }),
    fc.record({ type: fc.constant('CaseClosed' as const), caseId: fc.constant(caseId), state, retentionClass: fc.option(fc.string(), { nil: null }), at: instant }),
  ) as fc.Arbitrary<CaseEvent>;
}

describe('a case sheet written without reading it', () => {
  it('is what evolveCaseSheet makes of the stored sheet, for every event that is written that way', () => {
    fc.assert(
      fc.property(fc.option(sheet, { nil: null }), id, (stored, caseId) => {
        const s = stored ? { ...stored, caseId } : null;
        fc.assert(
          fc.property(eventFor(caseId), (event) => {
            const write = caseSheetWriteOf(event);
            expect(write).not.toBeNull();
            expect(jsonb(storeApplies(s, write!))).toEqual(jsonb(evolveCaseSheet(s, event)));
          }),
          { numRuns: 20 },
        );
      }),
      { numRuns: 100 },
    );
  });

  it('is not offered for events whose change depends on the sheet (the consumer reads the sheet for those)', () => {
    const others: CaseEvent['type'][] = ['SignalAddedToCase', 'CaseNoteAdded', 'RegieHandedOver', 'CaseReferred'];
    for (const type of others) expect(caseSheetWriteOf({ type } as CaseEvent)).toBeNull();
  });
});

/** Every event that changes a sheet: those written without reading it, and those whose change depends on it. */
function anyEventFor(caseId: string): fc.Arbitrary<CaseEvent> {
  return fc.oneof(
    eventFor(caseId),
    fc.record({ type: fc.constant('CaseNoteAdded' as const), caseId: fc.constant(caseId), noteId: id, text: fc.string(), visibility: fc.constantFrom('intern', 'deelbaar'), actor, at: instant }),
    fc.record({ type: fc.constant('SignalAddedToCase' as const), caseId: fc.constant(caseId), signalId: id, actor, at: instant }),
    fc.record({
      type: fc.constant('RegieHandedOver' as const), caseId: fc.constant(caseId), responsibility: fc.constantFrom(...RESPONSIBILITY_KINDS), from: fc.option(fc.string(), { nil: null }),
      to: fc.string({ minLength: 1 }), reason: fc.string(), actor, at: instant,
    }),
  ) as fc.Arbitrary<CaseEvent>;
}

describe('a case event applied to a sheet again', () => {
  it('changes nothing: a replay table switched in while the consumer lags may see an event twice', () => {
    fc.assert(
      fc.property(sheet, (stored) =>
        fc.assert(
          fc.property(anyEventFor(stored.caseId), (event) => {
            const once = evolveCaseSheet(stored, event);
            expect(evolveCaseSheet(once, event)).toEqual(once);
          }),
          { numRuns: 20 },
        ),
      ),
      { numRuns: 50 },
    );
  });
});
