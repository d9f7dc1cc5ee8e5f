import type { InvolvedKind } from './involved-kind.js';
import type { MmaTheme } from './mma-theme.js';
import type { ReporterRelation } from './reporter-relation.js';
import type { InternMeldpuntReporter, ZorgmeldingReporter } from './receive-signal.command.js';
import type { Urgency } from './urgency.js';

/** Event type name of a received signal in the event store and on Kafka. */
export const SIGNAL_RECEIVED_EVENT_TYPE = 'SignalReceived';
/** Payload schema version of {@link SIGNAL_RECEIVED_EVENT_TYPE}. */
export const SIGNAL_RECEIVED_EVENT_VERSION = 1;

/** Location as stored: only the known fields, absent ones left out. */
export interface SignalLocation {
  municipality: string;
  address?: string;
  postcode?: string;
  area?: string;
}

interface SignalReceivedBase {
  signalId: string;
  /** ISO 8601 instant (UTC, `toISOString`); the reported time, or the time of intake when none was given. */
  receivedAt: string;
  /** CBS code of the owning municipality (= `location.municipality`). */
  municipality: string;
  /** The sender's reference; `null` when the source gave none. */
  externalRef: string | null;
  location: SignalLocation;
}

/** An anonymous MMA tip. Has no reporter field of any kind. */
export interface MmaSignalReceivedPayload extends SignalReceivedBase {
  source: 'mma';
  externalRef: string;
  theme: MmaTheme;
  description: string;
  specialCategory: false;
}

/** An intern-meldpunt report. The employee is behind `reporterRef` (reporter vault), never in the event. */
export interface InternMeldpuntSignalReceivedPayload extends SignalReceivedBase {
  source: 'intern-meldpunt';
  description: string;
  indicators: string[];
  involved: {
    kind: InvolvedKind;
    name?: string;
    kvkNumber?: string;
    address?: string;
    postcode?: string;
  };
  /** Opaque key into the reporter vault. */
  reporterRef: string;
  specialCategory: false;
}

/**
 * A zorgmelding: health data, so special category (AVG art. 9). The reporter is behind `reporterRef`; only
 * the relation travels, because only an essentiële naaste may be told a Wvggz outcome.
 */
export interface ZorgmeldingSignalReceivedPayload extends SignalReceivedBase {
  source: 'zorgmelding';
  subject: {
    name: string;
    birthDate?: string;
    /** Normalized to 9 digits. */
    bsn?: string;
    address?: string;
  };
  concern: string;
  urgency: Urgency;
  wvggz: boolean;
  /** Opaque key into the reporter vault. */
  reporterRef: string;
  reporterRelation: ReporterRelation;
  specialCategory: true;
}

/** Payload of the `SignalReceived` event, tagged by `source`. */
export type SignalReceivedPayload =
  | MmaSignalReceivedPayload
  | InternMeldpuntSignalReceivedPayload
  | ZorgmeldingSignalReceivedPayload;

/**
 * The reporter's identity, kept apart from the event log (encrypted, coordinator-only, shreddable).
 * Linked to the event only through `reporterRef`.
 */
export type ReporterVaultEntry =
  | { reporterRef: string; signalId: string; source: 'intern-meldpunt'; reporter: InternMeldpuntReporter }
  | { reporterRef: string; signalId: string; source: 'zorgmelding'; reporter: ZorgmeldingReporter };
