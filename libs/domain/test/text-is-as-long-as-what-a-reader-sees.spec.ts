import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { visibleLength, visibleWords } from '../src/index.js';

/**
 * A text is as long as what a reader sees of it (`visibleLength`): its visible words joined by single spaces, in code
 * points. Invisible characters (zero-width space, word joiner, BOM, direction marks) add nothing, a run of spaces is
 * one, surrounding space is none: a minimum length measured here cannot be reached by padding.
 */

describe('visibleLength', () => {
  it.each<[string, string, number]>([
    ['plain text', 'Nader onderzoek', 15],
    ['a short word padded with a zero-width space, a word joiner, a BOM and a direction mark', 'kort\u200b\u2060\ufeff\u200e', 4],
    ['invisible characters between every letter', '\u200bk\u2060o\ufeffr\u200et\u200f', 4],
    ['surrounding space and a run of tabs, spaces and new lines between words', '  ab \t\r\n cd  ', 5],
    ['no-break and ideographic spaces between words', 'ab\u00a0\u3000cd', 5],
    ['a Dutch name with a diaeresis and the ij ligature', 'Zoë van Ĳsselstein', 18],
    ['characters outside the BMP, one each', '😀 🇳🇱', 4],
    ['an emoji of three people joined by zero-width joiners', '👨‍👩‍👧', 3],
    ['nothing', '', 0],
    ['only invisible characters and spaces', ' \u200b\u2060 \ufeff\u200e\u200f ', 0],
  ])('%s', (_name, text, length) => {
    expect(visibleLength(text)).toBe(length);
  });

  it('is the length of the visible words joined by single spaces, in code points, as the break-the-glass reason counts', () => {
    const text = 'Spoed\u200b  overleg \u2060met\ufeff de 😀 wijkagent';
    expect(visibleLength(text)).toBe([...visibleWords(text).join(' ')].length);
    expect(visibleLength(text)).toBe([...'Spoed overleg met de 😀 wijkagent'].length);
  });

  it('is never more than the trimmed text counts, so a minimum measured here is never looser than one on the text as sent', () => {
    const piece = fc.constantFrom('a', 'Ĳ', '😀', ' ', '\t', '\n', '\u00a0', '\u3000', '\u200b', '\u2060', '\ufeff', '\u200e', '\u200f', '\u00ad');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(visibleLength(text)).toBeLessThanOrEqual([...text.trim()].length);
        expect(visibleLength(`${text}\u200b\u2060\ufeff\u200e`)).toBe(visibleLength(text));
      }),
    );
  });
});
