import fc from 'fast-check';
import { matchIdentities, MATCH_WEIGHTS, suggestMatches, type RegisteredSubject, type SubjectIdentity } from '../src/index.js';

/*
 * Suggesting the subject a signal is about: BSN is strongest, then KvK number, then name with birth date,
 * then address; different BSNs or KvK numbers veto a match; comparing is symmetric.
 */

const BSN_A = '111222333';
const BSN_B = '123456782';

const person = (subjectId: string, identity: Omit<SubjectIdentity, 'kind'>): RegisteredSubject => ({ subjectId, kind: 'person', ...identity });

describe('suggestMatches', () => {
  const subjects: RegisteredSubject[] = [
    person('s-bsn', { name: 'Piet Jansen', bsn: BSN_A }),
    person('s-name', { name: 'J. de Vries', birthDate: '1980-05-17' }),
    person('s-address', { name: 'K. Bakker', address: 'Dorpsstraat 2', postcode: '7511 AA' }),
    person('s-other', { name: 'Iemand Anders', birthDate: '1970-01-01', bsn: BSN_B }),
    { subjectId: 's-business', kind: 'business', name: 'Snackbar De Hoek', kvkNumber: '12345678', address: 'Marktstraat 1', postcode: '7511AB' },
    { subjectId: 's-group', kind: 'youth-group', groupName: 'De Hangplek', address: 'Dorpsstraat 2', postcode: '7511AA' },
  ];

  it('finds a person by BSN, whatever the name says', () => {
    expect(suggestMatches({ kind: 'person', name: 'P. Jansen-Smit', bsn: '111222333' }, subjects)).toEqual([{ subjectId: 's-bsn', score: MATCH_WEIGHTS.bsn, reasons: ['bsn'] }]);
  });

  it('finds a person by normalised name and birth date', () => {
    expect(suggestMatches({ kind: 'person', name: 'j  de VRIES', birthDate: '1980-05-17' }, subjects)).toEqual([
      { subjectId: 's-name', score: MATCH_WEIGHTS['name+birthDate'], reasons: ['name+birthDate'] },
    ]);
    expect(suggestMatches({ kind: 'person', name: 'J. de Vries', birthDate: '1980-05-18' }, subjects)).toEqual([]);
    expect(suggestMatches({ kind: 'person', name: 'J. de Vries' }, subjects)).toEqual([]);
  });

  it('finds a person by postcode and house number, also when the street is written differently', () => {
    expect(suggestMatches({ kind: 'person', address: 'Dorpsstr. 2', postcode: '7511aa' }, subjects)).toEqual([
      { subjectId: 's-address', score: MATCH_WEIGHTS.address, reasons: ['address'] },
    ]);
    expect(suggestMatches({ kind: 'person', address: 'Dorpsstraat 4', postcode: '7511AA' }, subjects)).toEqual([]);
    expect(suggestMatches({ kind: 'person', address: 'Dorpsstraat 2', postcode: '7512AA' }, subjects)).toEqual([]);
  });

  it('matches an address without postcode more weakly', () => {
    expect(suggestMatches({ kind: 'person', address: 'DORPSSTRAAT 2' }, subjects)).toEqual([
      { subjectId: 's-address', score: MATCH_WEIGHTS.addressWithoutPostcode, reasons: ['address'] },
    ]);
  });

  it('finds a business by KvK number, and never suggests another kind', () => {
    expect(suggestMatches({ kind: 'business', kvkNumber: '1234 5678' }, subjects)).toEqual([{ subjectId: 's-business', score: MATCH_WEIGHTS.kvk, reasons: ['kvk'] }]);
    expect(suggestMatches({ kind: 'business', address: 'Dorpsstraat 2', postcode: '7511AA' }, subjects)).toEqual([]);
  });

  it('a hint of no kind may match any kind', () => {
    expect(suggestMatches({ address: 'Dorpsstraat 2', postcode: '7511AA' }, subjects).map((s) => s.subjectId)).toEqual(['s-address', 's-group']);
  });

  it('ranks BSN over name+birthDate over address, more reasons above fewer, ties by subject id', () => {
    const ranked = suggestMatches({ kind: 'person', name: 'Piet Jansen', birthDate: '1990-02-03', bsn: BSN_A, address: 'Kerkweg 1', postcode: '7511AC' }, [
      person('z-address', { address: 'Kerkweg 1', postcode: '7511AC' }),
      person('y-name', { name: 'piet jansen', birthDate: '1990-02-03' }),
      person('x-name-address', { name: 'Piet Jansen', birthDate: '1990-02-03', address: 'Kerkweg 1', postcode: '7511 AC' }),
      person('w-bsn', { bsn: BSN_A }),
      person('v-address', { address: 'Kerkweg 1', postcode: '7511AC' }),
    ]);
    expect(ranked).toEqual([
      { subjectId: 'w-bsn', score: 100, reasons: ['bsn'] },
      { subjectId: 'x-name-address', score: 85, reasons: ['name+birthDate', 'address'] },
      { subjectId: 'y-name', score: 80, reasons: ['name+birthDate'] },
      { subjectId: 'v-address', score: 60, reasons: ['address'] },
      { subjectId: 'z-address', score: 60, reasons: ['address'] },
    ]);
  });

  it('different BSNs are different people, even with the same name, birth date and address', () => {
    const same = { name: 'J. de Vries', birthDate: '1980-05-17', address: 'Dorpsstraat 2', postcode: '7511AA' };
    expect(matchIdentities({ kind: 'person', ...same, bsn: BSN_A }, { kind: 'person', ...same, bsn: BSN_B })).toBeNull();
    expect(matchIdentities({ kind: 'person', ...same, bsn: BSN_A }, { kind: 'person', ...same })).toEqual({ score: 85, reasons: ['name+birthDate', 'address'] });
  });

  it('an invalid BSN neither matches nor vetoes', () => {
    expect(matchIdentities({ bsn: '111222334', name: 'A', birthDate: '2000-01-01' }, { bsn: '111222334', name: 'a', birthDate: '2000-01-01' })).toEqual({ score: 80, reasons: ['name+birthDate'] });
  });
});

describe('properties', () => {
  // Small pools, so that random identities often share values.
  const identity: fc.Arbitrary<SubjectIdentity> = fc.record(
    {
      kind: fc.constantFrom('person', 'address', 'business', 'youth-group'),
      name: fc.constantFrom('J. de Vries', 'j de vries', 'Piet Jansen', 'Müller'),
      birthDate: fc.constantFrom('1980-05-17', '1990-01-01', 'not-a-date'),
      bsn: fc.constantFrom(BSN_A, BSN_B, '11222333', '111222334'),
      address: fc.constantFrom('Dorpsstraat 2', 'dorpsstr. 2', 'Dorpsstraat 2a', 'Kerkweg 1', 'Binnenstad'),
      postcode: fc.constantFrom('7511AA', '7511 aa', '7512AB', 'xx'),
      kvkNumber: fc.constantFrom('12345678', '1234 5678', '87654321'),
    },
    { requiredKeys: [] },
  );

  it('matching is symmetric: a matches b exactly as b matches a', () => {
    fc.assert(fc.property(identity, identity, (a, b) => expect(matchIdentities(a, b)).toEqual(matchIdentities(b, a))), { numRuns: 3000 });
  });

  it('a subject with an identifying value matches itself, and a case/spacing variant of itself', () => {
    fc.assert(
      fc.property(identity, (a) => {
        const self = matchIdentities(a, a);
        const variant = matchIdentities(a, { ...a, name: a.name?.toUpperCase(), address: a.address && ` ${a.address.toUpperCase()} `, postcode: a.postcode?.toLowerCase() });
        expect(variant).toEqual(self);
      }),
      { numRuns: 1000 },
    );
  });

  it('suggestions are ranked by score and only name subjects with a reason', () => {
    fc.assert(
      fc.property(identity, fc.array(identity, { maxLength: 12 }), (candidate, pool) => {
        const subjects = pool.map((s, i) => ({ ...s, subjectId: `s-${String(i).padStart(2, '0')}` }));
        const ranked = suggestMatches(candidate, subjects);
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
        for (const s of ranked) expect(s.reasons.length).toBeGreaterThan(0);
        expect(ranked.length).toBe(subjects.filter((s) => matchIdentities(candidate, s) !== null).length);
      }),
      { numRuns: 500 },
    );
  });
});
