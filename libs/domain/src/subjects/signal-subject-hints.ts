import type { SignalReceivedPayload } from '../signals/signal-received.event.js';
import type { SubjectIdentity } from './subject-identity.js';

/**
 * What a received signal says about who or what it is about, for matching it to a registered subject:
 *  - zorgmelding: the person (`kind: person`, name, birth date, BSN, address);
 *  - intern meldpunt: the involved party (its kind, name, KvK number, address, postcode);
 *  - MMA: the location (`kind: address`, address, postcode) — an anonymous tip names no person.
 * Only present values are copied.
 */
export function signalSubjectHints(payload: SignalReceivedPayload): SubjectIdentity {
  switch (payload.source) {
    case 'zorgmelding': {
      const s = payload.subject;
      return compact({ kind: 'person', name: s.name, birthDate: s.birthDate, bsn: s.bsn, address: s.address });
    }
    case 'intern-meldpunt': {
      const i = payload.involved;
      return compact({ kind: i.kind, name: i.name, kvkNumber: i.kvkNumber, address: i.address, postcode: i.postcode });
    }
    case 'mma':
      return compact({ kind: 'address', address: payload.location.address, postcode: payload.location.postcode });
    default: {
      const unknownSource: never = payload;
      void unknownSource;
      return {};
    }
  }
}

function compact(value: SubjectIdentity): SubjectIdentity {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as SubjectIdentity;
}
