import { describe, expect, it } from '@jest/globals';
import { assertStorableText, isStorableText, unstorableText } from '#platform';

/**
 * Every body, query and path parameter (and every Kafka intake message) is refused, naming the field, when its text
 * holds a character the product does not store: NUL and unpaired surrogates (PostgreSQL refuses them) and every
 * other control character but tab, line feed and carriage return (C0, DEL, C1). Legitimate text is not refused.
 */
describe('storable text', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['ESC, as in a terminal escape', 'MMA-1\u001b[2J'],
    ['BEL', 'ref\u0007'],
    ['a vertical tab', 'a\u000bb'],
    ['a form feed', 'a\u000cb'],
    ['DEL', 'a\u007fb'],
    ['the C1 next line', 'a\u0085b'],
    ['the C1 control sequence introducer', 'a\u009b31m'],
    ['an unpaired surrogate', 'hennep \ud800 op zolder'],
  ])('refuses %s', (_name, text) => {
    expect(isStorableText(text)).toBe(false);
  });

  it.each([
    ['tab, line feed and carriage return', 'regel 1\r\n\tregel 2\n'],
    ['Dutch and Arabic names', 'Zoë van Ĳsselstein, محمد'],
    ['letters with combining marks', 'Rene\u0301'],
    ['emoji, also those joined by zero-width joiners', '👍 👨‍👩‍👧 🇳🇱'],
    ['RTL marks and zero-width characters inside visible text', '\u200fمحمد\u200b'],
    ['a non-breaking space', 'GM\u00a00153'],
  ])('accepts %s', (_name, text) => {
    expect(isStorableText(text)).toBe(true);
  });

  it('names the field, never its value, with the storableText constraint', () => {
    expect(() => assertStorableText({ externalRef: 'MMA-1\u001b[31m', location: { area: 'ok' } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION.FAILED', details: { errors: [expect.objectContaining({ path: 'externalRef', constraints: ['storableText'] })] } }),
    );
  });

  it('names the field under a key that is no identifier by a placeholder, not by the key', () => {
    const problems = unstorableText({ 'J. Jansen 111222333': { note: 'a\u0007' } });
    expect(problems).toEqual([expect.objectContaining({ path: '(a field name that is not an identifier).note', constraints: ['storableText'] })]);
    expect(JSON.stringify(problems)).not.toContain('111222333');
  });
});
