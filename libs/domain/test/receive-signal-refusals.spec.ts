import { decideReceiveSignal, DomainError, type ReceiveSignalCommand } from '../src/index.js';
import { CONTEXT, internMeldpuntInput, mmaInput, zorgmeldingInput } from './signal.fixtures.js';

/** Runs the decider and returns the DomainError it throws (fails the test when it does not throw one). */
function refusal(command: ReceiveSignalCommand, context = CONTEXT): DomainError {
  try {
    decideReceiveSignal(command, context);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, but the signal was accepted');
}

const mma = (input: unknown) => ({ source: 'mma', input }) as ReceiveSignalCommand;
const intern = (input: unknown) => ({ source: 'intern-meldpunt', input }) as ReceiveSignalCommand;
const zorg = (input: unknown) => ({ source: 'zorgmelding', input }) as ReceiveSignalCommand;

describe('MMA signals are anonymous: a payload with reporter fields is refused', () => {
  it('refuses a top-level reporter object with SIGNAL.REPORTER_NOT_ALLOWED and the path', () => {
    const error = refusal(mma({ ...mmaInput(), reporter: { name: 'Jan', phone: '0612345678' } }));
    expect(error.code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
    expect(error.details).toEqual({ paths: ['$.reporter'], count: 1 });
  });

  it('refuses reporter keys at depth and in arrays, listing every path', () => {
    const input = {
      ...mmaInput(),
      location: { municipality: 'GM0153', melderAdres: 'Kerkstraat 1' },
      bijlagen: [{ meta: { tipgever: 'Piet' } }],
    };
    const error = refusal(mma(input));
    expect(error.code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
    expect(error.details).toEqual({ paths: ['$.location.melderAdres', '$.bijlagen[0].meta.tipgever'], count: 2 });
    expect(JSON.stringify(error.details)).not.toContain('Kerkstraat');
    expect(JSON.stringify(error.details)).not.toContain('Piet');
  });

  it('refuses a reporter field even when it is empty (no reporter identity field may exist)', () => {
    expect(refusal(mma({ ...mmaInput(), reporterName: null })).code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
  });

  it('refuses the reporter before any other check, so the other errors do not mask it', () => {
    const input = { ...mmaInput({ location: { municipality: 'nope' } }), melder: 'x' };
    expect(refusal(mma(input)).code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
  });

  it('refuses a payload nested deeper than can be checked (fail closed) with SIGNAL.PAYLOAD_TOO_DEEP', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 40; i++) deep = { n: deep };
    expect(refusal(mma({ ...mmaInput(), extra: deep })).code).toBe('SIGNAL.PAYLOAD_TOO_DEEP');
  });

  it('requires the MMA reference (SIGNAL.FIELD_INVALID on externalRef)', () => {
    const { externalRef: _omitted, ...input } = mmaInput();
    const error = refusal(mma(input));
    expect(error.code).toBe('SIGNAL.FIELD_INVALID');
    expect(error.details).toEqual({ field: 'externalRef', reason: 'required' });
  });

  it('refuses a theme that is not an MMA theme class', () => {
    const error = refusal(mma({ ...mmaInput(), theme: 'parkeren' }));
    expect(error.code).toBe('SIGNAL.FIELD_INVALID');
    expect(error.details).toEqual({ field: 'theme', reason: 'unknown-value' });
  });
});

describe('a signal belongs to a municipality with a valid CBS code', () => {
  it.each([
    ['mma', mma({ ...mmaInput(), location: { municipality: 'GM153' } })],
    ['intern-meldpunt', intern({ ...internMeldpuntInput(), location: { municipality: 'Enschede' } })],
    ['zorgmelding', zorg({ ...zorgmeldingInput(), location: { municipality: 'gm0183' } })],
  ])('%s with a bad code is refused with SIGNAL.MUNICIPALITY_INVALID', (_source, command) => {
    const error = refusal(command);
    expect(error.code).toBe('SIGNAL.MUNICIPALITY_INVALID');
    expect(error.details).toEqual({ field: 'location.municipality' });
  });

  it('a missing location is SIGNAL.FIELD_INVALID', () => {
    const { location: _omitted, ...input } = mmaInput();
    expect(refusal(mma(input)).details).toEqual({ field: 'location', reason: 'required' });
  });
});

describe('a BSN, when given, passes the 11-proef', () => {
  it('refuses 123456789 with SIGNAL.BSN_INVALID and does not echo the number', () => {
    const error = refusal(zorg(zorgmeldingInput({ subject: { name: 'X', bsn: '123456789' } })));
    expect(error.code).toBe('SIGNAL.BSN_INVALID');
    expect(error.details).toEqual({ field: 'subject.bsn' });
    expect(JSON.stringify([error.message, error.details])).not.toContain('123456789');
  });

  it.each(['000000000', '11122233', '1112223334', 'abc'])('refuses %j', (bsn) => {
    expect(refusal(zorg(zorgmeldingInput({ subject: { name: 'X', bsn } }))).code).toBe('SIGNAL.BSN_INVALID');
  });

  it('accepts a zorgmelding without a BSN', () => {
    const [event] = decideReceiveSignal(
      { source: 'zorgmelding', input: zorgmeldingInput({ subject: { name: 'X' } }) },
      CONTEXT,
    ).events;
    expect(event.subject).toEqual({ name: 'X' });
  });
});

describe('dates are real and not in the future', () => {
  it.each([
    ['mma', mma(mmaInput({ receivedAt: '2025-06-02T10:00:00.001Z' }))],
    ['intern-meldpunt', intern(internMeldpuntInput({ receivedAt: '2025-06-02T12:00:01+02:00' }))],
    ['zorgmelding', zorg(zorgmeldingInput({ receivedAt: '2026-01-01T00:00:00Z' }))],
  ])('%s: receivedAt after now is SIGNAL.DATE_IN_FUTURE', (_source, command) => {
    const error = refusal(command);
    expect(error.code).toBe('SIGNAL.DATE_IN_FUTURE');
    expect(error.details).toEqual({ field: 'receivedAt' });
  });

  it('receivedAt exactly now is accepted', () => {
    const [event] = decideReceiveSignal({ source: 'mma', input: mmaInput({ receivedAt: '2025-06-02T12:00:00+02:00' }) }, CONTEXT)
      .events;
    expect(event.receivedAt).toBe('2025-06-02T10:00:00.000Z');
  });

  it.each(['2025-02-30T10:00:00Z', '2025-06-01 10:00', '2025-06-01T10:00:00', 'gisteren'])(
    'receivedAt %j is SIGNAL.DATE_INVALID',
    (receivedAt) => {
      const error = refusal(mma(mmaInput({ receivedAt })));
      expect(error.code).toBe('SIGNAL.DATE_INVALID');
      expect(error.details).toEqual({ field: 'receivedAt' });
    },
  );

  it('a birth date after today (Amsterdam) is SIGNAL.DATE_IN_FUTURE', () => {
    const error = refusal(zorg(zorgmeldingInput({ subject: { name: 'X', birthDate: '2025-06-03' } })));
    expect(error.code).toBe('SIGNAL.DATE_IN_FUTURE');
    expect(error.details).toEqual({ field: 'subject.birthDate' });
  });

  it('a birth date of today is accepted, judged by the Amsterdam date (23:30 UTC is already tomorrow there)', () => {
    const lateEvening = { ...CONTEXT, now: new Date('2025-06-02T23:30:00Z') };
    const input = zorgmeldingInput({ subject: { name: 'X', birthDate: '2025-06-03' } });
    expect(decideReceiveSignal({ source: 'zorgmelding', input }, lateEvening).events[0].subject.birthDate).toBe('2025-06-03');
  });

  it('a birth date before 1900 is SIGNAL.BIRTH_DATE_TOO_EARLY; 1900-01-01 is accepted', () => {
    const error = refusal(zorg(zorgmeldingInput({ subject: { name: 'X', birthDate: '1899-12-31' } })));
    expect(error.code).toBe('SIGNAL.BIRTH_DATE_TOO_EARLY');
    expect(error.details).toEqual({ field: 'subject.birthDate' });
    const input = zorgmeldingInput({ subject: { name: 'X', birthDate: '1900-01-01' } });
    expect(decideReceiveSignal({ source: 'zorgmelding', input }, CONTEXT).events[0].subject.birthDate).toBe('1900-01-01');
  });

  it.each(['1980-02-30', '1980-2-3', '03-02-1980', '1980-02-03T00:00:00Z'])('birth date %j is SIGNAL.DATE_INVALID', (birthDate) => {
    expect(refusal(zorg(zorgmeldingInput({ subject: { name: 'X', birthDate } }))).code).toBe('SIGNAL.DATE_INVALID');
  });
});

describe('required fields and known values (SIGNAL.FIELD_INVALID names the field)', () => {
  it.each([
    ['intern-meldpunt description', intern({ ...internMeldpuntInput(), description: '' }), 'description', 'required'],
    ['intern-meldpunt indicators', intern({ ...internMeldpuntInput(), indicators: 'veel contant' }), 'indicators', 'not-a-list'],
    ['intern-meldpunt involved.kind', intern({ ...internMeldpuntInput(), involved: { kind: 'boot' } }), 'involved.kind', 'unknown-value'],
    ['intern-meldpunt reporter', intern({ ...internMeldpuntInput(), reporter: undefined }), 'reporter', 'required'],
    ['intern-meldpunt reporter.employeeId', intern({ ...internMeldpuntInput(), reporter: { department: 'X' } }), 'reporter.employeeId', 'required'],
    ['zorgmelding urgency', zorg({ ...zorgmeldingInput(), urgency: 'spoed' }), 'urgency', 'unknown-value'],
    ['zorgmelding wvggz', zorg({ ...zorgmeldingInput(), wvggz: 'ja' }), 'wvggz', 'not-boolean'],
    ['zorgmelding reporter.relation', zorg({ ...zorgmeldingInput(), reporter: { name: 'A', contact: 'B', relation: 'oom' } }), 'reporter.relation', 'unknown-value'],
    ['zorgmelding subject.name', zorg({ ...zorgmeldingInput(), subject: {} }), 'subject.name', 'required'],
  ])('%s', (_rule, command, field, reason) => {
    const error = refusal(command);
    expect(error.code).toBe('SIGNAL.FIELD_INVALID');
    expect(error.details).toEqual({ field, reason });
  });

  it('a source with a reporter needs a reporter ref from the caller (programming error, not a business error)', () => {
    const { newReporterRef: _omitted, ...context } = CONTEXT;
    expect(() => decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput() }, context)).toThrow(RangeError);
    expect(decideReceiveSignal({ source: 'mma', input: mmaInput() }, context).events).toHaveLength(1);
  });
});

/**
 * The sender's reference makes a resend recognisable (it is part of the signal's idempotency key), so a reference of
 * nothing visible is refused alike by every source: otherwise every later report sent with the same blank would be
 * taken for a resend of the first, answered with its receipt and dropped.
 */
describe('a blank externalRef is refused alike by every source', () => {
  const sources: [string, (externalRef: unknown) => ReceiveSignalCommand][] = [
    ['mma', (externalRef) => mma({ ...mmaInput(), externalRef })],
    ['intern-meldpunt', (externalRef) => intern({ ...internMeldpuntInput(), externalRef })],
    ['zorgmelding', (externalRef) => zorg({ ...zorgmeldingInput(), externalRef })],
  ];
  const blanks: [string, string][] = [
    ['only spaces', '   '],
    ['a zero-width space', '\u200b'],
    ['a non-breaking space and a word joiner', '\u00a0\u2060'],
  ];

  it.each(sources.flatMap(([source, command]) => blanks.map(([what, ref]) => [source, what, command(ref)] as const)))(
    '%s: %s is SIGNAL.FIELD_INVALID, reason blank',
    (_source, _what, command) => {
      const error = refusal(command);
      expect(error.code).toBe('SIGNAL.FIELD_INVALID');
      expect(error.details).toEqual({ field: 'externalRef', reason: 'blank' });
    },
  );

  it.each(sources)('%s: a reference that is not text is SIGNAL.FIELD_INVALID, reason not-text', (_source, command) => {
    expect(refusal(command(42)).details).toEqual({ field: 'externalRef', reason: 'not-text' });
  });

  it('a reference with invisible characters around a visible one is kept as sent', () => {
    const [event] = decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput({ externalRef: '\u200bZ-1 ' }) }, CONTEXT).events;
    expect(event.externalRef).toBe('\u200bZ-1 ');
  });
});

type FieldOf = readonly [source: string, path: string, send: (value: unknown) => ReceiveSignalCommand];

/** For each `path` (`field` or `parent.field`), the valid signal of `source` with that field set to the value sent. */
const fieldsOf = (source: string, command: (input: unknown) => ReceiveSignalCommand, input: () => object, paths: string[]): FieldOf[] =>
  paths.map((path) => {
    const [parent, field] = path.split('.') as [string, string | undefined];
    const send = (value: unknown) => {
      const valid = input() as Record<string, Record<string, unknown>>;
      return command({ ...valid, [parent]: field === undefined ? value : { ...valid[parent], [field]: value } });
    };
    return [source, path, send];
  });

const BLANKS: [string, string][] = [
  ['only spaces', '   '],
  ['a zero-width space', '\u200b'],
  ['a non-breaking space and a word joiner', '\u00a0\u2060'],
];

/**
 * Optional text, when given, says something, as `externalRef` does: a name, address, postcode or area of nothing
 * visible would be shown as an empty one. Every optional text field of every source, over HTTP and Kafka alike (both
 * reach this decider).
 */
describe('blank optional text is refused alike by every source', () => {
  const fields: FieldOf[] = [
    ...fieldsOf('mma', mma, mmaInput, ['location.address', 'location.postcode', 'location.area']),
    ...fieldsOf('intern-meldpunt', intern, internMeldpuntInput, ['involved.name', 'involved.kvkNumber', 'involved.address', 'involved.postcode', 'location.address', 'location.postcode', 'location.area']),
    ...fieldsOf('zorgmelding', zorg, zorgmeldingInput, ['subject.address', 'location.address', 'location.postcode', 'location.area']),
  ];
  /** The value at `path` of the one event the decider decides for `command`. */
  const decided = (command: ReceiveSignalCommand, path: string): { present: boolean; value: unknown } => {
    const [parent, field] = path.split('.') as [string, string];
    const event = decideReceiveSignal(command, CONTEXT).events[0] as unknown as Record<string, Record<string, unknown>>;
    return { present: field in event[parent], value: event[parent][field] };
  };

  it.each(fields.flatMap(([source, path, send]) => [['empty text', ''], ...BLANKS].map(([what, blank]) => [source, path, what, send(blank)] as const)))(
    '%s %s of %s is SIGNAL.FIELD_INVALID, reason blank',
    (_source, path, _what, command) => {
      const error = refusal(command);
      expect(error.code).toBe('SIGNAL.FIELD_INVALID');
      expect(error.details).toEqual({ field: path, reason: 'blank' });
    },
  );

  it.each(fields)('%s %s that is not text is SIGNAL.FIELD_INVALID, reason not-text', (_source, path, send) => {
    expect(refusal(send(42)).details).toEqual({ field: path, reason: 'not-text' });
  });

  it.each(fields)('%s %s with something visible in it is kept as sent, and left out stays out', (_source, path, send) => {
    expect(decided(send('\u200b7 B '), path)).toEqual({ present: true, value: '\u200b7 B ' });
    expect(decided(send(undefined), path)).toEqual({ present: false, value: undefined });
  });
});

/** Required text of nothing visible is missing: every required text field of every source (and each indicator). */
describe('blank required text is refused as missing by every source', () => {
  const fields: FieldOf[] = [
    ...fieldsOf('mma', mma, mmaInput, ['description']),
    ...fieldsOf('intern-meldpunt', intern, internMeldpuntInput, ['description', 'reporter.employeeId', 'reporter.department']),
    ['intern-meldpunt', 'indicators[0]', (value) => intern({ ...internMeldpuntInput(), indicators: [value] })],
    ...fieldsOf('zorgmelding', zorg, zorgmeldingInput, ['subject.name', 'concern', 'reporter.name', 'reporter.contact']),
  ];

  it.each(fields.flatMap(([source, path, send]) => BLANKS.map(([what, blank]) => [source, path, what, send(blank)] as const)))(
    '%s %s of %s is SIGNAL.FIELD_INVALID, reason required',
    (_source, path, _what, command) => {
      expect(refusal(command).details).toEqual({ field: path, reason: 'required' });
    },
  );
});
