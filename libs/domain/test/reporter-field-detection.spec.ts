import { findReporterFields, isReporterFieldName, scanReporterFields } from '../src/index.js';

describe('a key names a reporter when it starts with reporter/melder or is a known reporter word', () => {
  it.each([
    'reporter',
    'reporterName',
    'reporterEmail',
    'reporterPhone',
    'reporterContact',
    'Reporter_Id',
    'REPORTER-NAME',
    'melder',
    'meldernaam',
    'melderEmail',
    'melderTelefoon',
    'melder_adres',
    'informant',
    'informantName',
    'tipgever',
    'Tipgever',
    'tipster',
    'submitter',
    'submitterId',
    'indiener',
    'aanmelder',
    'klokkenluider',
    'whistleblower',
    'contactgegevens',
    'Contact-Gegevens',
    'anonymousReporter',
    'anonymous_reporter_identity',
    'anonymousreporteridentity',
    'anoniemeMelder',
    'naamMelder',
    'contact_reporter',
    'mma.reporter.id',
  ])('%s names a reporter', (key) => expect(isReporterFieldName(key)).toBe(true));

  it.each([
    'description',
    'theme',
    'melding',
    'meldingId',
    'reportedAt',
    'report',
    'submittedAt',
    'rookmelder',
    'rookmelderAanwezig',
    'informatie',
    'contact',
    'anonymous',
    'location',
    'externalRef',
  ])('%s does not name a reporter', (key) => expect(isReporterFieldName(key)).toBe(false));

  it('gives the same verdicts after more distinct keys than it remembers, asked first or again', () => {
    const asked = (keys: string[]) => keys.map((key) => isReporterFieldName(key));
    expect(asked(['melderEmail', 'description'])).toEqual([true, false]);
    // Far more distinct keys than the verdicts kept: every one still judged on its own.
    for (let i = 0; i < 3000; i++) {
      expect(isReporterFieldName(`veld${i}`)).toBe(false);
      expect(isReporterFieldName(`melder${i}`)).toBe(true);
    }
    expect(asked(['melderEmail', 'description', 'tipgeverNaam', 'rookmelder2'])).toEqual([true, false, true, false]);
  });
});

describe('reporter fields are found anywhere in the payload, by JSON path', () => {
  it('finds a top-level reporter key', () => {
    expect(findReporterFields({ description: 'x', reporterName: 'Jan' })).toEqual(['$.reporterName']);
  });

  it('finds keys at depth and inside arrays', () => {
    const body = {
      description: 'x',
      location: { municipality: 'GM0153', extra: { deeper: [{ ok: 1 }, { melderEmail: 'jan@example.nl' }] } },
      attachments: [[{ meta: { Tipgever: 'anoniem?' } }]],
    };
    expect(findReporterFields(body)).toEqual([
      '$.location.extra.deeper[1].melderEmail',
      '$.attachments[0][0].meta.Tipgever',
    ]);
  });

  it('quotes keys that are no JavaScript identifiers, and names a key that is no identifier at all only by a placeholder', () => {
    expect(findReporterFields({ 'melder-naam': 'x', 'contact gegevens': { phone: '06' }, "melder's naam": 'x' })).toEqual([
      "$['melder-naam']",
      "$['(a field name that is not an identifier)']",
      "$['(a field name that is not an identifier)']",
    ]);
  });

  it('lists a reporter key once and does not descend below it', () => {
    expect(findReporterFields({ reporter: { reporterName: 'Jan', melder: 'Jan' } })).toEqual(['$.reporter']);
  });

  it('inspects keys only: a value that mentions a melder is not a reporter field', () => {
    expect(findReporterFields({ description: 'de melder wil anoniem blijven', theme: 'reporter' })).toEqual([]);
  });

  it.each([null, undefined, 'reporter', 42, true, [], {}])('finds nothing in %j', (body) => {
    expect(findReporterFields(body)).toEqual([]);
  });

  it('terminates on cyclic structures and still finds the field', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { parent: a, reporterPhone: '06' };
    a.child = b;
    a.self = a;
    expect(findReporterFields(a)).toEqual(['$.child.reporterPhone']);
  });

  it('inspects 32 levels and reports deeper nesting as depthExceeded instead of recursing', () => {
    const nest = (levels: number, leaf: Record<string, unknown>) => {
      let value: Record<string, unknown> = leaf;
      for (let i = 0; i < levels; i++) value = { n: value };
      return value;
    };
    // 31 wrappers: the reporter key is the 32nd path segment, still inspected.
    expect(scanReporterFields(nest(31, { reporter: 'x' }))).toEqual({
      paths: ['$' + '.n'.repeat(31) + '.reporter'],
      depthExceeded: false,
    });
    expect(scanReporterFields(nest(32, { reporter: 'x' }))).toEqual({ paths: [], depthExceeded: true });
    expect(() => scanReporterFields(nest(100_000, { reporter: 'x' }))).not.toThrow();
  });
});
