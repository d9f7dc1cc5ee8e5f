import fc from 'fast-check';
import { decideReceiveSignal, DomainError, REPORTER_RELATIONS } from '../src/index.js';
import { CONTEXT, internMeldpuntInput, mmaInput, zorgmeldingInput } from './signal.fixtures.js';

/** Reporter values carry a marker no other field has, so finding them in the output can only be a leak. */
const secret = fc.string({ minLength: 0, maxLength: 40 }).map((s) => `REPORTER-SECRET-${s}`);
const extraReporterFields = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), secret, { maxKeys: 5 });
/** How `value` appears inside JSON text (escaped, without the quotes). */
const asJson = (value: string) => JSON.stringify(value).slice(1, -1);

describe('the reporter of intern meldpunt and zorgmelding never appears in the event payload', () => {
  it('intern meldpunt: for arbitrary reporter objects the events contain none of the reporter values', () => {
    fc.assert(
      fc.property(secret, secret, extraReporterFields, (employeeId, department, extra) => {
        const reporter = { ...extra, employeeId, department };
        const decision = decideReceiveSignal(
          { source: 'intern-meldpunt', input: internMeldpuntInput({ reporter }) },
          CONTEXT,
        );
        const json = JSON.stringify(decision.events);
        expect(json).not.toContain('REPORTER-SECRET-');
        for (const value of Object.values(reporter)) expect(json).not.toContain(asJson(value));
        expect(decision.vault?.reporter).toEqual({ employeeId, department });
      }),
    );
  });

  it('zorgmelding: for arbitrary reporter objects the events contain none of the reporter values, only the relation', () => {
    fc.assert(
      fc.property(secret, secret, fc.constantFrom(...REPORTER_RELATIONS), extraReporterFields, (name, contact, relation, extra) => {
        const reporter = { ...extra, name, contact, relation };
        const decision = decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput({ reporter }) }, CONTEXT);
        const json = JSON.stringify(decision.events);
        expect(json).not.toContain('REPORTER-SECRET-');
        expect(decision.events[0].reporterRelation).toBe(relation);
        expect(decision.vault?.reporter).toEqual({ name, contact, relation });
      }),
    );
  });
});

describe('an MMA refusal names where the reporter field was, never what it held', () => {
  it('for arbitrary reporter values the error message and details contain none of them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('reporter', 'reporterName', 'melderEmail', 'tipgever', 'contactgegevens'),
        secret,
        (key, value) => {
          const input = { ...mmaInput(), location: { municipality: 'GM0153', extra: [{ [key]: value }] } };
          let error: unknown;
          try {
            decideReceiveSignal({ source: 'mma', input }, CONTEXT);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          const { code, message, details } = error as DomainError;
          expect(code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
          expect(details).toEqual({ paths: [`$.location.extra[0].${key}`], count: 1 });
          expect(JSON.stringify({ message, details })).not.toContain('REPORTER-SECRET-');
        },
      ),
    );
  });
});
