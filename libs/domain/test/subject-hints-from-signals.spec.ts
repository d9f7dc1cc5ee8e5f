import { decideReceiveSignal, signalSubjectHints } from '../src/index.js';
import { CONTEXT, internMeldpuntInput, mmaInput, zorgmeldingInput } from './signal.fixtures.js';

describe('signalSubjectHints', () => {
  it('a zorgmelding hints at its person: name, birth date, BSN (9 digits), address', () => {
    const [payload] = decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput() }, CONTEXT).events;
    expect(signalSubjectHints(payload)).toEqual({ kind: 'person', name: 'J. de Vries', birthDate: '1980-02-29', bsn: '111222333', address: 'Dorpsstraat 5' });
    const [withoutExtras] = decideReceiveSignal({ source: 'zorgmelding', input: zorgmeldingInput({ subject: { name: 'Anoniem' } }) }, CONTEXT).events;
    expect(signalSubjectHints(withoutExtras)).toEqual({ kind: 'person', name: 'Anoniem' });
  });

  it('an intern-meldpunt report hints at its involved party', () => {
    const [payload] = decideReceiveSignal({ source: 'intern-meldpunt', input: internMeldpuntInput({ involved: { kind: 'business', name: 'Kapsalon X', kvkNumber: '12345678', address: 'Markt 1', postcode: '7551 AA' } }) }, CONTEXT).events;
    expect(signalSubjectHints(payload)).toEqual({ kind: 'business', name: 'Kapsalon X', kvkNumber: '12345678', address: 'Markt 1', postcode: '7551 AA' });
  });

  it('an MMA tip hints at its location only (it names no one)', () => {
    const [withAddress] = decideReceiveSignal({ source: 'mma', input: mmaInput({ location: { municipality: 'GM0153', address: 'Loodsweg 3', postcode: '7511 AA', area: 'Havengebied' } }) }, CONTEXT).events;
    expect(signalSubjectHints(withAddress)).toEqual({ kind: 'address', address: 'Loodsweg 3', postcode: '7511 AA' });
    const [areaOnly] = decideReceiveSignal({ source: 'mma', input: mmaInput() }, CONTEXT).events;
    expect(signalSubjectHints(areaOnly)).toEqual({ kind: 'address' });
  });
});
