import type { SignalLocation, SignalReceivedPayload } from './signal-received.event.js';

/**
 * The personal data in a received signal, by field: what is sealed under the signal's data key before the
 * event is stored, so it never sits in the log, a projection or a Kafka message in the clear.
 *  - every source: `location.address` and `location.postcode` (they point at a home);
 *  - MMA and intern meldpunt: `description` (free text about people);
 *  - intern meldpunt: the involved party's `name`, `kvkNumber`, `address`, `postcode`;
 *  - zorgmelding: the person's `name`, `birthDate`, `bsn`, `address`, and the `concern` (health data).
 * Municipality, area, source, theme, indicators, urgency and the Wvggz flag stay readable: routing, statistics
 * and deadlines need them and they identify no one.
 */
export const SIGNAL_PERSONAL_FIELDS = {
  mma: ['description', 'location.address', 'location.postcode'],
  'intern-meldpunt': ['description', 'involved.name', 'involved.kvkNumber', 'involved.address', 'involved.postcode', 'location.address', 'location.postcode'],
  zorgmelding: ['subject.name', 'subject.birthDate', 'subject.bsn', 'subject.address', 'concern', 'location.address', 'location.postcode'],
} as const satisfies Record<SignalReceivedPayload['source'], readonly string[]>;

type Transform = (value: string) => string;

/** A copy of `payload` with each present personal field (see {@link SIGNAL_PERSONAL_FIELDS}) passed through `transform`. */
export function mapSignalPersonalData<P extends SignalReceivedPayload>(payload: P, transform: Transform): P {
  const location = mapLocation(payload.location, transform);
  switch (payload.source) {
    case 'mma':
      return { ...payload, description: transform(payload.description), location };
    case 'intern-meldpunt':
      return {
        ...payload,
        description: transform(payload.description),
        involved: mapPresent(payload.involved, ['name', 'kvkNumber', 'address', 'postcode'], transform),
        location,
      };
    case 'zorgmelding':
      return {
        ...payload,
        subject: mapPresent(payload.subject, ['name', 'birthDate', 'bsn', 'address'], transform),
        concern: transform(payload.concern),
        location,
      };
    default: {
      const unknownSource: never = payload;
      return unknownSource;
    }
  }
}

function mapLocation(location: SignalLocation, transform: Transform): SignalLocation {
  return mapPresent(location, ['address', 'postcode'], transform);
}

function mapPresent<T extends object, K extends keyof T>(value: T, keys: readonly K[], transform: Transform): T {
  const copy = { ...value };
  for (const key of keys) {
    const v = copy[key];
    if (typeof v === 'string') copy[key] = transform(v) as T[K];
  }
  return copy;
}
