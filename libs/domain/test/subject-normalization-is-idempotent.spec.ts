import fc from 'fast-check';
import { foldText, houseNumberOf, normalizeAddress, normalizeKvkNumber, normalizeName, normalizePostcode } from '../src/index.js';

/*
 * Normalisation for subject matching: examples of what becomes equal, and properties — normalising twice
 * changes nothing, and the variations people type (case, accents, spacing, punctuation) do not matter.
 */

const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const dutchLetters = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéèëïöüáàâçñ'.split(''));
const word = fc.array(dutchLetters, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''));
const nameWords = fc.array(fc.oneof(word, fc.constantFrom('van', 'de', 'der', 'den', 'ter', "'t", 'van der', 'in het')), { minLength: 1, maxLength: 5 });

describe('names', () => {
  it.each([
    ['J. de Vries', 'j de vries'],
    ['J.  De   VRIES', 'j de vries'],
    ['Jansen-de Vries', 'jansen de vries'],
    ["'t Hart", 't hart'],
    ['d’Ancona', 'dancona'],
    ['Müller', 'muller'],
    ['Çelik', 'celik'],
    ['Ĳsselmeer', 'ijsselmeer'],
    ['  van der  Berg ', 'van der berg'],
    ['İlker', 'ilker'],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizeName(raw)).toBe(normalized);
  });

  it('keeps Dutch prefixes as words: "De Vries" is not "Vries"', () => {
    expect(normalizeName('De Vries')).not.toBe(normalizeName('Vries'));
    expect(normalizeName('van den Berg')).toBe(normalizeName('Van Den Berg'));
  });

  it('is idempotent on any text', () => {
    fc.assert(fc.property(anyText, (text) => normalizeName(normalizeName(text)) === normalizeName(text)), { numRuns: 2000 });
  });

  it('ignores case, accents, spacing and punctuation between words', () => {
    fc.assert(
      fc.property(nameWords, fc.array(fc.constantFrom(' ', '  ', '. ', '-', ', ', '\t'), { minLength: 5, maxLength: 5 }), (words, separators) => {
        const plain = words.join(' ');
        const typed = words.map((w, i) => (i % 2 === 0 ? w.toUpperCase() : w) + (i < words.length - 1 ? separators[i] : '')).join('');
        expect(normalizeName(typed)).toBe(normalizeName(plain));
        expect(normalizeName(plain)).toBe(foldText(plain).replace(/'/g, '').replace(/\s+/g, ' ').trim());
      }),
    );
  });
});

describe('postcodes', () => {
  it.each([
    ['7511 AA', '7511AA'],
    ['7511aa', '7511AA'],
    [' 7511-Aa ', '7511AA'],
    ['0511AA', null],
    ['7511A', null],
    ['7511SS', null],
    ['Binnenstad', null],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizePostcode(raw)).toBe(normalized);
  });

  it('is idempotent, and every valid postcode survives spacing and case', () => {
    fc.assert(fc.property(anyText, (text) => {
      const once = normalizePostcode(text);
      return once === null || normalizePostcode(once) === once;
    }), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.constantFrom('AB', 'ZZ', 'KL', 'XA'), fc.constantFrom('', ' ', '  ', '-'), fc.boolean(), (digits, letters, gap, lower) => {
        const typed = `${digits}${gap}${lower ? letters.toLowerCase() : letters}`;
        expect(normalizePostcode(typed)).toBe(`${digits}${letters}`);
      }),
    );
  });
});

describe('addresses', () => {
  it.each([
    ['Dorpsstraat 2', 'dorpsstraat 2'],
    ['Dorpsstraat 2 A', 'dorpsstraat 2a'],
    ['Dorpsstraat 2-a', 'dorpsstraat 2a'],
    ['Dorpsstr. 2a', 'dorpsstraat 2a'],
    ['Kerkstraat 12 hs', 'kerkstraat 12hs'],
    ['Kerkstraat 2 te Enschede', 'kerkstraat 2 te enschede'],
    ['Hengelosestraat 1e', 'hengelosestraat 1e'],
    ['Rijnlaan  10, Hengelo', 'rijnlaan 10 hengelo'],
  ])('%j → %j', (raw, normalized) => {
    expect(normalizeAddress(raw)).toBe(normalized);
  });

  it('finds the house number with its addition', () => {
    expect(houseNumberOf(normalizeAddress('Dorpsstraat 2 A'))).toBe('2a');
    expect(houseNumberOf(normalizeAddress('1e Emmastraat 5'))).toBe('5');
    expect(houseNumberOf(normalizeAddress('Marktplein'))).toBeNull();
  });

  it('is idempotent on any text', () => {
    fc.assert(fc.property(anyText, (text) => normalizeAddress(normalizeAddress(text)) === normalizeAddress(text)), { numRuns: 2000 });
    const addressLike = fc.tuple(word, fc.integer({ min: 1, max: 999 }), fc.constantFrom('', ' a', '-B', ' hs', 'c', ' bis', ' 2'), fc.constantFrom('', ' Enschede', ', 7511 AA')).map(([w, n, add, tail]) => `${w}straat ${n}${add}${tail}`);
    fc.assert(fc.property(addressLike, (text) => normalizeAddress(normalizeAddress(text)) === normalizeAddress(text)), { numRuns: 1000 });
  });
});

describe('KvK numbers', () => {
  it('keeps 8 digits, drops spaces and dots, refuses the rest; idempotent', () => {
    expect(normalizeKvkNumber('1234 5678')).toBe('12345678');
    expect(normalizeKvkNumber('12.34.56.78')).toBe('12345678');
    expect(normalizeKvkNumber('1234567')).toBeNull();
    expect(normalizeKvkNumber('1234567a')).toBeNull();
    fc.assert(fc.property(anyText, (text) => {
      const once = normalizeKvkNumber(text);
      return once === null || normalizeKvkNumber(once) === once;
    }));
  });
});
