import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { visibleWords } from '#domain';
import {
  BREAK_GLASS_REASON_MAX_LENGTH,
  BREAK_GLASS_REASON_MIN_LENGTH,
  BREAK_GLASS_REASON_MIN_WORDS,
  BreakGlassError,
  breakGlassOf,
  canActInMunicipality,
  municipalityScope,
  requireObjectInEnteredMunicipality,
  TOKEN_ROLES,
  withBreakGlass,
  type BreakGlassRequest,
  type Principal,
} from '#security';

const coordinator: Principal = { subject: 'c-1', role: 'coordinator', municipalities: ['GM0363'], tables: [] };
const REASON = 'Spoedoverleg over dezelfde persoon in Rotterdam';
const read = (headers: BreakGlassRequest['headers'], over: Partial<BreakGlassRequest> = {}): BreakGlassRequest => ({ method: 'GET', route: '/v1/signals/:id', headers, ...over });
const glass = (reason: string | undefined = REASON, municipality: string | undefined = 'GM0599') => ({ 'break-glass-reason': reason, 'break-glass-municipality': municipality });

function refusal(run: () => unknown): { code: string; status: number } | 'allowed' {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (!(error instanceof BreakGlassError)) throw error;
    return { code: error.code, status: error.httpStatus };
  }
}

describe('breakGlassOf', () => {
  it('is null without either header: the request is an ordinary one', () => {
    expect(breakGlassOf(coordinator, read({ authorization: 'Bearer x' }))).toBeNull();
  });

  it("gives the access an id, the trimmed reason and the municipality entered; the principal gains that one municipality and nothing else", () => {
    const access = breakGlassOf(coordinator, read(glass(`  ${REASON}  `, ' GM0599 ')), () => 'id-1')!;
    expect(access).toEqual({ id: 'id-1', reason: REASON, municipality: 'GM0599' });
    const widened = withBreakGlass(coordinator, access);
    expect(widened).toEqual({ ...coordinator, municipalities: ['GM0363', 'GM0599'], breakGlass: access });
    expect(municipalityScope(widened)).toEqual(['GM0363', 'GM0599']);
    expect(canActInMunicipality(widened, 'GM0599')).toBe(true);
    expect(canActInMunicipality(widened, 'GM0518')).toBe(false);
    expect(coordinator.municipalities).toEqual(['GM0363']);
  });

  it('refuses a write before anything else, then a role that may not, then a route that is not one object read', () => {
    expect(refusal(() => breakGlassOf({ ...coordinator, role: 'table-member' }, read(glass(''), { method: 'POST' })))).toEqual({ code: 'BREAK_GLASS.WRITE_NOT_ALLOWED', status: 403 });
    expect(refusal(() => breakGlassOf({ ...coordinator, role: 'table-member' }, read(glass(''), { route: '/v1/signals' })))).toEqual({ code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 });
    expect(refusal(() => breakGlassOf(coordinator, read(glass(''), { route: '/v1/signals/:id/history' })))).toEqual({ code: 'BREAK_GLASS.ROUTE_NOT_ALLOWED', status: 403 });
    expect(refusal(() => breakGlassOf(coordinator, read(glass(), { route: undefined })))).toEqual({ code: 'BREAK_GLASS.ROUTE_NOT_ALLOWED', status: 403 });
    expect(refusal(() => breakGlassOf(coordinator, read(glass(), { route: '/v1/cases/:id' })))).toBe('allowed');
  });

  it('lets only coordinators break the glass (every token role)', () => {
    const outcome = TOKEN_ROLES.map((role) => [role, refusal(() => breakGlassOf({ ...coordinator, role }, read(glass())))]);
    expect(Object.fromEntries(outcome)).toEqual({
      'intake-system': { code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 },
      coordinator: 'allowed',
      'police-liaison': { code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 },
      'table-member': { code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 },
      auditor: { code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 },
      admin: { code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', status: 403 },
    });
  });

  it(`takes a reason of ${BREAK_GLASS_REASON_MIN_LENGTH}–${BREAK_GLASS_REASON_MAX_LENGTH} characters in at least three words, and no fewer or more`, () => {
    const ofLength = (n: number) => `Zie het dossier ${'x'.repeat(n - 16)}`;
    expect(refusal(() => breakGlassOf(coordinator, read(glass(ofLength(BREAK_GLASS_REASON_MIN_LENGTH)))))).toBe('allowed');
    expect(refusal(() => breakGlassOf(coordinator, read(glass(ofLength(BREAK_GLASS_REASON_MIN_LENGTH - 1)))))).toEqual({ code: 'BREAK_GLASS.REASON_TOO_SHORT', status: 400 });
    expect(refusal(() => breakGlassOf(coordinator, read(glass('Zie_het_dossier_van_gisteren'))))).toEqual({ code: 'BREAK_GLASS.REASON_TOO_SHORT', status: 400 });
    expect(refusal(() => breakGlassOf(coordinator, read(glass(ofLength(BREAK_GLASS_REASON_MAX_LENGTH)))))).toBe('allowed');
    expect(refusal(() => breakGlassOf(coordinator, read(glass(ofLength(BREAK_GLASS_REASON_MAX_LENGTH + 1)))))).toEqual({ code: 'BREAK_GLASS.REASON_TOO_LONG', status: 400 });
    // Counted in characters after decoding, not in bytes: 20 times "é" percent-encoded is 120 header bytes.
    expect(breakGlassOf(coordinator, read(glass(encodeURIComponent(`één twee ${'é'.repeat(12)}`))))!.reason).toBe(`één twee ${'é'.repeat(12)}`);
  });

  it('takes a reason with nothing visible in it (zero-width or ideographic spaces) for no reason: 400 REASON_REQUIRED, like blank text anywhere', () => {
    const invisibleWord = '\u200b'.repeat(8);
    for (const reason of [`${invisibleWord} ${invisibleWord} ${invisibleWord}`, '\u3000'.repeat(25), `\u200b\u3000\u2060\ufeff${' \u200c'.repeat(12)}`]) {
      expect({ reason, refused: refusal(() => breakGlassOf(coordinator, read(glass(encodeURIComponent(reason))))) }).toEqual({ reason, refused: { code: 'BREAK_GLASS.REASON_REQUIRED', status: 400 } });
    }
    // Invisible characters next to visible text are not blank: the reason is judged as written.
    expect(refusal(() => breakGlassOf(coordinator, read(glass(encodeURIComponent(`\u200b${REASON}\u200b`)))))).toBe('allowed');
  });

  it('measures the minimum on the visible text: invisible characters do not pad a short reason past it, the reason is kept as sent', () => {
    const short = 'Zie het dossier xxx'; // 19 characters in four words: one short
    const padded: [string, string][] = [
      ['zero-width spaces', `${short}\u200b\u200b`],
      ['a word joiner and a BOM inside a word', `Zie het dos\u2060\ufeffsier xxx`],
      ['direction marks', `\u200eZie het dossier xxx\u200f`],
      ['"words" of a zero-width space', 'Zie_het_dossier_van_gisteren \u200b \u200b'],
      ['"words" of a word joiner and a BOM', 'Spoedoverleg_vandaag \u2060 \ufeff x'],
      ['many spaces between the words', 'Zie    het    dossier'],
    ];
    for (const [what, reason] of padded) {
      expect({ what, refused: refusal(() => breakGlassOf(coordinator, read(glass(encodeURIComponent(reason))))) }).toEqual({ what, refused: { code: 'BREAK_GLASS.REASON_TOO_SHORT', status: 400 } });
    }
    const enough = `\u200eZie het\u200b dossier xxxx\u200f`;
    expect(breakGlassOf(coordinator, read(glass(encodeURIComponent(enough))))!.reason).toBe(enough);
  });

  it('never lets a reason or municipality through that is not one line of text and one foreign CBS code (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 600 }), fc.constant(REASON)), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('GM0599', 'GM0363', ' GM0518', 'GM05999')), (reason, municipality) => {
        let access;
        try {
          access = breakGlassOf(coordinator, read(glass(reason, municipality)));
        } catch (error) {
          expect(error).toBeInstanceOf(BreakGlassError);
          expect((error as BreakGlassError).httpStatus).toBe(400);
          return;
        }
        expect(access!.municipality).toMatch(/^GM\d{4}$/);
        expect(access!.municipality).not.toBe('GM0363');
        expect(access!.reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        expect([...visibleWords(access!.reason).join(' ')].length).toBeGreaterThanOrEqual(BREAK_GLASS_REASON_MIN_LENGTH);
        expect(visibleWords(access!.reason).length).toBeGreaterThanOrEqual(BREAK_GLASS_REASON_MIN_WORDS);
        expect(access!.reason).toMatch(/[^\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u);
      }),
    );
  });
});

describe('requireObjectInEnteredMunicipality', () => {
  const access = { id: 'id-1', reason: REASON, municipality: 'GM0599' };
  const broken = withBreakGlass(coordinator, access);

  it('lets a request that broke the glass read an object of the municipality it entered', () => {
    expect(refusal(() => requireObjectInEnteredMunicipality(broken, 'GM0599'))).toBe('allowed');
  });

  it("refuses an object of one of the caller's own municipalities, which needs no broken glass and would be recorded as an access to the one named: 400 NOT_NEEDED", () => {
    expect(refusal(() => requireObjectInEnteredMunicipality(broken, 'GM0363'))).toEqual({ code: 'BREAK_GLASS.NOT_NEEDED', status: 400 });
  });

  it('leaves an ordinary request alone', () => {
    expect(refusal(() => requireObjectInEnteredMunicipality(coordinator, 'GM0363'))).toBe('allowed');
  });
});
