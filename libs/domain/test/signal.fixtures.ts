import type {
  InternMeldpuntSignalInput,
  MmaSignalInput,
  ReceiveSignalContext,
  ZorgmeldingSignalInput,
} from '../src/index.js';

/** Monday 2 June 2025, 12:00 in Amsterdam. */
export const NOW = new Date('2025-06-02T10:00:00.000Z');

export const CONTEXT: ReceiveSignalContext = { now: NOW, newSignalId: 'sig-0001', newReporterRef: 'rep-0001' };

export function mmaInput(overrides: Partial<MmaSignalInput> = {}): MmaSignalInput {
  return {
    externalRef: 'MMA-2025-000123',
    receivedAt: '2025-06-01T09:30:00+02:00',
    theme: 'drugs',
    description: 'Sterke wietlucht bij een loods, veel verkeer in de nacht.',
    location: { municipality: 'GM0153', area: 'Twekkelerveld' },
    ...overrides,
  };
}

export function internMeldpuntInput(overrides: Partial<InternMeldpuntSignalInput> = {}): InternMeldpuntSignalInput {
  return {
    externalRef: 'NP-77',
    receivedAt: '2025-05-30T14:00:00+02:00',
    description: 'Vergunningaanvraag voor een kapperszaak, betaling contant, eigenaar wisselt vaak.',
    indicators: ['contante betaling', 'katvanger'],
    location: { municipality: 'GM0164', address: 'Marktstraat 1', postcode: '7551 AA' },
    involved: { kind: 'business', name: 'Kapsalon De Schaar', kvkNumber: '12345678' },
    reporter: { employeeId: 'EMP-4711', department: 'Vergunningen' },
    ...overrides,
  };
}

export function zorgmeldingInput(overrides: Partial<ZorgmeldingSignalInput> = {}): ZorgmeldingSignalInput {
  return {
    subject: { name: 'J. de Vries', birthDate: '1980-02-29', bsn: '111222333', address: 'Dorpsstraat 5' },
    concern: 'Verward gedrag, zwerft door de wijk en eet niet meer.',
    urgency: 'hoog',
    wvggz: true,
    location: { municipality: 'GM0183' },
    reporter: { name: 'A. de Vries', contact: '06-12345678', relation: 'essentiele-naaste' },
    ...overrides,
  };
}
