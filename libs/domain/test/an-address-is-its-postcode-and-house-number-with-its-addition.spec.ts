import fc from 'fast-check';
import { houseNumberOf, matchIdentities, MATCH_WEIGHTS, normalizeAddress, suggestMatches, type SubjectIdentity } from '../src/index.js';

/*
 * With a postcode on both sides, an address is its postcode and its house number (DOMAIN: "postcode and house number
 * identify an address"). The house number is the first number after the street words, with its addition: a letter
 * (`12a`), a word (`12 hs`, `12-bis`, `12 III`) or digits (`12-1`, `12 1`, a floor in Amsterdam or Rotterdam). An
 * addition makes another address: `12`, `12a` and `12-1` are different dwellings (the BAG gives each its own), so they
 * are not suggested for each other. A postcode typed into the address, and the place after it, are no part of it.
 */

const address = (street: string, postcode = '1017GC'): SubjectIdentity => ({ kind: 'address', address: street, postcode });
const houseNumber = (street: string) => houseNumberOf(normalizeAddress(street));

describe('the house number is the first number after the street words, with its addition', () => {
  it.each([
    ['Kerkstraat 12', '12'],
    ['Kerkstraat 12-1', '12-1'],
    ['Kerkstraat 12 1', '12-1'],
    ['Kerkstraat 12/1', '12-1'],
    ['Kerkstraat 12a', '12a'],
    ['Kerkstraat 12 A', '12a'],
    ['Kerkstraat 12 hs', '12hs'],
    ['Kerkstraat 12-bis', '12bis'],
    ['Kerkstraat 12 III', '12iii'],
    ['2e Helmersstraat 12-1', '12-1'],
    ['1e Emmastraat 5', '5'],
    ['Kerkstraat nr. 7', '7'],
    ['Kerkstraat 2 te Enschede', '2'],
    ['Marktplein', null],
  ])('%j → %j', (street, expected) => {
    expect(houseNumber(street)).toBe(expected);
  });

  it.each([
    ['Kerkstraat 2, 7511 AA Enschede', '2'],
    ['Kerkstraat 2 7511AA Enschede', '2'],
    ['Kerkstraat 2 7511 AA', '2'],
    ['Kerkstraat 12-1, 1017 GC Amsterdam', '12-1'],
    ['Kerkstraat 12 hs, 1017 GC Amsterdam', '12hs'],
    ['Kerkstraat, 7511 AA Enschede', null],
  ])('a postcode written in the address, and the place after it, are no part of it: %j → %j', (street, expected) => {
    expect(houseNumber(street)).toBe(expected);
  });

  it('a postcode and place written after an address never change its house number', () => {
    const street = fc.constantFrom('Kerkstraat', 'Dorpsstr.', '2e Helmersstraat', 'Van Baerlestraat', 'Plein');
    const number = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('', 'a', ' B', '-1', ' 2', '/3', ' hs', '-bis', ' III')).map(([n, add]) => `${n}${add}`);
    const place = fc.tuple(fc.integer({ min: 1000, max: 9999 }), fc.constantFrom('AA', 'gc', 'Xb'), fc.constantFrom('', ' ', '-'), fc.constantFrom('', ' Enschede', ' Den Haag', ' 2')).map(([d, l, gap, city]) => `${d}${gap}${l}${city}`);
    fc.assert(
      fc.property(street, number, place, fc.constantFrom(' ', ', ', ' - '), (s, n, p, sep) => {
        expect(houseNumber(`${s} ${n}${sep}${p}`)).toBe(houseNumber(`${s} ${n}`));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('house-number additions with digits keep addresses apart', () => {
  it('Kerkstraat 12-1 and Kerkstraat 14-1 in one postcode are different addresses', () => {
    expect(matchIdentities(address('Kerkstraat 12-1'), address('Kerkstraat 14-1'))).toBeNull();
    expect(matchIdentities(address('Kerkstraat 12-1'), address('Kerkstraat 12-2'))).toBeNull();
  });

  it('12-1, 12 1 and 12/1 are the same address', () => {
    expect(matchIdentities(address('Kerkstraat 12-1'), address('Kerkstraat 12 1', '1017 gc'))).toEqual({ score: MATCH_WEIGHTS.address, reasons: ['address'] });
    expect(matchIdentities(address('Kerkstraat 12-1'), address('Kerkstr. 12/1'))).toEqual({ score: MATCH_WEIGHTS.address, reasons: ['address'] });
  });

  it('a house number without an addition is another address than one with it', () => {
    for (const other of ['Kerkstraat 12-1', 'Kerkstraat 12a', 'Kerkstraat 12 hs']) {
      expect(matchIdentities(address('Kerkstraat 12'), address(other))).toBeNull();
    }
  });

  it('suggests the subject at the same floor, not the one at another number on the same floor', () => {
    const registered = [
      { subjectId: 'a', ...address('Kerkstraat 12-1') },
      { subjectId: 'b', ...address('Kerkstraat 14-1') },
    ];
    expect(suggestMatches(address('Kerkstraat 14-1', '1017 GC'), registered)).toEqual([{ subjectId: 'b', score: MATCH_WEIGHTS.address, reasons: ['address'] }]);
  });
});

describe('a postcode written in the address is not its house number', () => {
  const registered = [
    { subjectId: 'b', ...address('Kerkstraat 2', '7511AA') },
    { subjectId: 'c', ...address('Kerkstraat 14, 7511 AA Enschede', '7511AA') },
  ];

  it('Kerkstraat 2, 7511 AA Enschede is Kerkstraat 2 in 7511AA, and not Kerkstraat 14 there', () => {
    expect(suggestMatches(address('Kerkstraat 2, 7511 AA Enschede', '7511AA'), registered)).toEqual([{ subjectId: 'b', score: MATCH_WEIGHTS.address, reasons: ['address'] }]);
    expect(suggestMatches(address('Kerkstraat 2 7511AA Enschede', '7511 AA'), registered).map((s) => s.subjectId)).toEqual(['b']);
  });

  it('Kerkstraat 14, 7511 AA Enschede is Kerkstraat 14 written without the postcode', () => {
    expect(suggestMatches(address('Kerkstraat 14', '7511AA'), registered).map((s) => s.subjectId)).toEqual(['c']);
  });
});
