import type { InvolvedKind } from './involved-kind.js';
import type { MmaTheme } from './mma-theme.js';
import type { ReporterRelation } from './reporter-relation.js';
import type { Urgency } from './urgency.js';

/** Where the signal is about. `municipality` is the CBS code of the municipality that owns the signal. */
export interface SignalLocationInput {
  municipality: string;
  address?: string;
  postcode?: string;
  /** Neighbourhood or area name, for tips that do not name an address. */
  area?: string;
}

/**
 * An anonymous tip forwarded by Meld Misdaad Anoniem. There is no reporter field, by law: a payload that
 * carries one is refused.
 */
export interface MmaSignalInput {
  /** MMA's reference; required, it is what makes a resend recognisable. */
  externalRef: string;
  /** ISO 8601 instant with offset; when MMA received the tip. */
  receivedAt: string;
  theme: MmaTheme;
  description: string;
  location: SignalLocationInput;
}

/** The business, person or address an intern-meldpunt report is about. */
export interface InvolvedParty {
  kind: InvolvedKind;
  name?: string;
  /** Chamber of Commerce number, for businesses. */
  kvkNumber?: string;
  address?: string;
  postcode?: string;
}

/** The employee who reported. Visible to the coordinator only; never in an event, never shared. */
export interface InternMeldpuntReporter {
  employeeId: string;
  department: string;
}

/** A "niet pluis" report by municipal staff who noticed signs of undermining crime. */
export interface InternMeldpuntSignalInput {
  externalRef?: string;
  /** ISO 8601 instant with offset; defaults to the time of intake. */
  receivedAt?: string;
  description: string;
  /** Red flags the employee saw (free text labels). */
  indicators: string[];
  location: SignalLocationInput;
  involved: InvolvedParty;
  reporter: InternMeldpuntReporter;
}

/** The person a zorgmelding is about. Health context makes this special-category data (AVG art. 9). */
export interface ZorgmeldingSubject {
  name: string;
  /** Calendar date `YYYY-MM-DD`. */
  birthDate?: string;
  /** 8 or 9 digits; must pass the 11-proef. */
  bsn?: string;
  address?: string;
}

/** Who reported a zorgmelding. Shielded: kept in the reporter vault, not in events. */
export interface ZorgmeldingReporter {
  name: string;
  /** Phone number or e-mail address. */
  contact: string;
  relation: ReporterRelation;
}

/** A report of worrying behaviour via the Meldpunt Zorgwekkend Gedrag, possibly a Wvggz melding. */
export interface ZorgmeldingSignalInput {
  externalRef?: string;
  /** ISO 8601 instant with offset; defaults to the time of intake. */
  receivedAt?: string;
  subject: ZorgmeldingSubject;
  /** What worries the reporter. */
  concern: string;
  urgency: Urgency;
  /** True when this is a melding under the Wet verplichte ggz (starts a verkennend onderzoek). */
  wvggz: boolean;
  location: SignalLocationInput;
  reporter: ZorgmeldingReporter;
}

/**
 * Command to take in one signal, tagged by source. Pass `input` as received (not stripped by a DTO
 * whitelist): for MMA the decider must see any reporter key in order to refuse it. The decider copies only
 * the fields it knows into the event, so unknown keys never leak.
 */
export type ReceiveSignalCommand =
  | { source: 'mma'; input: MmaSignalInput }
  | { source: 'intern-meldpunt'; input: InternMeldpuntSignalInput }
  | { source: 'zorgmelding'; input: ZorgmeldingSignalInput };
