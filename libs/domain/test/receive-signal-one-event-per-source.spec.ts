import { decideReceiveSignal, INITIAL_SIGNAL_STATUS, SIGNAL_STATUS } from '../src/index.js';
import { CONTEXT, internMeldpuntInput, mmaInput, NOW, zorgmeldingInput } from './signal.fixtures.js';

describe('receiving a signal produces exactly one SignalReceived event', () => {
  it('MMA: given an anonymous tip, then one event with the tip fields and no reporter of any kind', () => {
    const decision = decideReceiveSignal({ source: 'mma', input: mmaInput() }, CONTEXT);

    expect(decision.events).toEqual([
      {
        source: 'mma',
        signalId: 'sig-0001',
        receivedAt: '2025-06-01T07:30:00.000Z',
        municipality: 'GM0153',
        externalRef: 'MMA-2025-000123',
        theme: 'drugs',
        description: 'Sterke wietlucht bij een loods, veel verkeer in de nacht.',
        location: { municipality: 'GM0153', area: 'Twekkelerveld' },
        specialCategory: false,
      },
    ]);
    expect(decision.vault).toBeUndefined();
    expect(Object.keys(decision.events[0]).filter((k) => k.startsWith('reporter'))).toEqual([]);
  });

  it('intern meldpunt: the employee goes to the vault, the event carries only an opaque reporterRef', () => {
    const decision = decideReceiveSignal({ source: 'intern-meldpunt', input: internMeldpuntInput() }, CONTEXT);

    expect(decision.events).toEqual([
      {
        source: 'intern-meldpunt',
        signalId: 'sig-0001',
        receivedAt: '2025-05-30T12:00:00.000Z',
        municipality: 'GM0164',
        externalRef: 'NP-77',
        description: 'Vergunningaanvraag voor een kapperszaak, betaling contant, eigenaar wisselt vaak.',
        indicators: ['contante betaling', 'katvanger'],
        location: { municipality: 'GM0164', address: 'Marktstraat 1', postcode: '7551 AA' },
        involved: { kind: 'business', name: 'Kapsalon De Schaar', kvkNumber: '12345678' },
        reporterRef: 'rep-0001',
        specialCategory: false,
      },
    ]);
    expect(decision.vault).toEqual({
      reporterRef: 'rep-0001',
      signalId: 'sig-0001',
      source: 'intern-meldpunt',
      reporter: { employeeId: 'EMP-4711', department: 'Vergunningen' },
    });
  });

  it('zorgmelding: special category, reporter in the vault, only the relation in the event', () => {
    const decision = decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput() }, CONTEXT);

    expect(decision.events).toEqual([
      {
        source: 'zorgmelding',
        signalId: 'sig-0001',
        receivedAt: NOW.toISOString(),
        municipality: 'GM0183',
        externalRef: null,
        subject: { name: 'J. de Vries', birthDate: '1980-02-29', bsn: '111222333', address: 'Dorpsstraat 5' },
        concern: 'Verward gedrag, zwerft door de wijk en eet niet meer.',
        urgency: 'hoog',
        wvggz: true,
        location: { municipality: 'GM0183' },
        reporterRef: 'rep-0001',
        reporterRelation: 'essentiele-naaste',
        specialCategory: true,
      },
    ]);
    expect(decision.vault).toEqual({
      reporterRef: 'rep-0001',
      signalId: 'sig-0001',
      source: 'zorgmelding',
      reporter: { name: 'A. de Vries', contact: '06-12345678', relation: 'essentiele-naaste' },
    });
  });

  it('receivedAt defaults to now and externalRef to null when the source gives none', () => {
    const input = internMeldpuntInput();
    delete input.receivedAt;
    delete input.externalRef;
    const [event] = decideReceiveSignal({ source: 'intern-meldpunt', input }, CONTEXT).events;
    expect(event.receivedAt).toBe('2025-06-02T10:00:00.000Z');
    expect(event.externalRef).toBeNull();
  });

  it('receivedAt is stored as a UTC instant whatever offset it came with', () => {
    const [event] = decideReceiveSignal(
      { source: 'mma', input: mmaInput({ receivedAt: '2025-06-02T11:59:59.999+02:00' }) },
      CONTEXT,
    ).events;
    expect(event.receivedAt).toBe('2025-06-02T09:59:59.999Z');
  });

  it('an 8-digit BSN is stored in its 9-digit form', () => {
    const input = zorgmeldingInput({ subject: { name: 'X', bsn: '12345672' } });
    const [event] = decideReceiveSignal({ source: 'zorgmelding', input }, CONTEXT).events;
    expect(event.subject).toEqual({ name: 'X', bsn: '012345672' });
  });

  it('only known fields are copied: unknown keys in the input never reach the event', () => {
    const input = {
      ...zorgmeldingInput(),
      internalNote: 'SECRET-NOTE',
      subject: { name: 'X', diagnosis: 'SECRET-DIAGNOSIS' },
      location: { municipality: 'GM0183', gps: 'SECRET-GPS' },
    };
    const decision = decideReceiveSignal({ source: 'zorgmelding', input }, CONTEXT);
    expect(JSON.stringify(decision.events)).not.toMatch(/SECRET/);
  });

  it('the decision does not depend on anything but its inputs (same command and context, same result)', () => {
    const command = { source: 'zorgmelding', input: zorgmeldingInput() } as const;
    expect(decideReceiveSignal(command, CONTEXT)).toEqual(decideReceiveSignal(command, CONTEXT));
  });

  it('a new signal starts in the triage status nieuw', () => {
    expect(INITIAL_SIGNAL_STATUS).toBe('nieuw');
    expect(SIGNAL_STATUS).toEqual(['nieuw', 'in-behandeling', 'gekoppeld', 'afgewezen']);
  });
});
