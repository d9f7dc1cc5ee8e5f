import { amsterdamDateOf, isCalendarDate } from '../calendar/calendar-date.js';
import { normalizeBsn } from '../shared/bsn.validator.js';
import { DomainError } from '../shared/domain-error.js';
import { parseIsoInstant } from '../shared/iso-instant.parser.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { isVisibleText } from '../shared/visible-text.js';
import { isInvolvedKind } from './involved-kind.js';
import { isMmaTheme } from './mma-theme.js';
import type {
  InternMeldpuntSignalInput,
  MmaSignalInput,
  ReceiveSignalCommand,
  SignalLocationInput,
  ZorgmeldingSignalInput,
} from './receive-signal.command.js';
import { isReporterRelation } from './reporter-relation.js';
import { scanReporterFields } from './reporter-field.detector.js';
import { SIGNAL_ERRORS } from './signal-error-codes.js';
import type {
  InternMeldpuntSignalReceivedPayload,
  MmaSignalReceivedPayload,
  ReporterVaultEntry,
  SignalLocation,
  SignalReceivedPayload,
  ZorgmeldingSignalReceivedPayload,
} from './signal-received.event.js';
import { isUrgency } from './urgency.js';

/** Clock and ids, passed in so the decider stays pure. */
export interface ReceiveSignalContext {
  now: Date;
  newSignalId: string;
  /** Opaque id for the reporter vault entry; required for sources with a reporter (intern-meldpunt, zorgmelding). */
  newReporterRef?: string;
}

/** The one `SignalReceived` event, plus the reporter's identity for the vault when the source has a reporter. */
export interface ReceiveSignalDecision<P extends SignalReceivedPayload = SignalReceivedPayload> {
  events: [P];
  vault?: ReporterVaultEntry;
}

type PayloadFor<C extends ReceiveSignalCommand> = Extract<SignalReceivedPayload, { source: C['source'] }>;

/** Most offending paths listed in a refusal; the count says how many there were. */
const MAX_LISTED_PATHS = 50;
const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * Decides intake of one signal: validates it and returns exactly one `SignalReceived` payload, or throws a
 * {@link DomainError} (codes in `SIGNAL_ERRORS`). Rules:
 *  - MMA: no key anywhere in the input may name a reporter (`SIGNAL.REPORTER_NOT_ALLOWED`, details list the
 *    JSON paths, never the values); input nested too deep to check is refused (`SIGNAL.PAYLOAD_TOO_DEEP`);
 *    `externalRef` is required.
 *  - `externalRef`, when given (optional for intern-meldpunt and zorgmelding), and every other optional text field
 *    (`involved.name`, `.kvkNumber`, `.address`, `.postcode`; `subject.address`; `location.address`, `.postcode`,
 *    `.area`), when given, has something visible in it (`SIGNAL.FIELD_INVALID`, reason `blank`, for every source
 *    alike). Required text with nothing visible is missing (reason `required`).
 *  - `location.municipality` is a CBS code (`SIGNAL.MUNICIPALITY_INVALID`).
 *  - `receivedAt` (default: `now`) and `subject.birthDate` are real dates (`SIGNAL.DATE_INVALID`) and not
 *    after `now` (`SIGNAL.DATE_IN_FUTURE`; birth dates compare with today's date in Amsterdam); a birth date
 *    is not before 1900 (`SIGNAL.BIRTH_DATE_TOO_EARLY`).
 *  - `subject.bsn`, when given, passes the 11-proef (`SIGNAL.BSN_INVALID`); it is stored as 9 digits.
 *  - required fields and enumerations (`SIGNAL.FIELD_INVALID`, details name the field).
 * The reporter of intern-meldpunt and zorgmelding goes to `vault` only; the event carries `reporterRef`
 * and, for zorgmelding, `reporterRelation`. Zorgmelding payloads are `specialCategory: true`.
 * Only known fields are copied, so extra keys in the input never reach the event.
 */
export function decideReceiveSignal<C extends ReceiveSignalCommand>(
  command: C,
  context: ReceiveSignalContext,
): ReceiveSignalDecision<PayloadFor<C>>;
export function decideReceiveSignal(command: ReceiveSignalCommand, context: ReceiveSignalContext): ReceiveSignalDecision {
  if (Number.isNaN(context.now.getTime())) throw new RangeError('context.now is an invalid Date');
  if (!context.newSignalId) throw new RangeError('context.newSignalId is required');
  switch (command.source) {
    case 'mma':
      return decideMma(command.input, context);
    case 'intern-meldpunt':
      return decideInternMeldpunt(command.input, context);
    case 'zorgmelding':
      return decideZorgmelding(command.input, context);
    default: {
      const unknownSource: never = command;
      void unknownSource;
      throw new DomainError(SIGNAL_ERRORS.FIELD_INVALID, 'Unknown signal source', { field: 'source', reason: 'unknown-value' });
    }
  }
}

function decideMma(input: MmaSignalInput, context: ReceiveSignalContext): ReceiveSignalDecision<MmaSignalReceivedPayload> {
  // Refuse before reading anything else: the tip line is anonymous and a reporter field must not be processed.
  const scan = scanReporterFields(input);
  if (scan.paths.length > 0) {
    throw new DomainError(SIGNAL_ERRORS.REPORTER_NOT_ALLOWED, 'MMA signals are anonymous: reporter fields are not allowed', {
      paths: scan.paths.slice(0, MAX_LISTED_PATHS),
      count: scan.paths.length,
    });
  }
  if (scan.depthExceeded) {
    throw new DomainError(SIGNAL_ERRORS.PAYLOAD_TOO_DEEP, 'MMA payload nests too deep to check for reporter fields');
  }
  requireObject('input', input);
  const externalRef = readExternalRef(input.externalRef, 'required');
  const theme = requireOneOf('theme', input.theme, isMmaTheme);
  const description = requireText('description', input.description);
  const location = readLocation(input.location);
  const receivedAt = readReceivedAt(input.receivedAt, context.now);
  return {
    events: [
      {
        source: 'mma',
        signalId: context.newSignalId,
        receivedAt,
        municipality: location.municipality,
        externalRef,
        theme,
        description,
        location,
        specialCategory: false,
      },
    ],
  };
}

function decideInternMeldpunt(
  input: InternMeldpuntSignalInput,
  context: ReceiveSignalContext,
): ReceiveSignalDecision<InternMeldpuntSignalReceivedPayload> {
  requireObject('input', input);
  const externalRef = readExternalRef(input.externalRef, 'optional');
  const description = requireText('description', input.description);
  const indicators = readIndicators(input.indicators);
  requireObject('involved', input.involved);
  const kind = requireOneOf('involved.kind', input.involved.kind, isInvolvedKind);
  const involved = compact({
    kind,
    name: optionalText('involved.name', input.involved.name),
    kvkNumber: optionalText('involved.kvkNumber', input.involved.kvkNumber),
    address: optionalText('involved.address', input.involved.address),
    postcode: optionalText('involved.postcode', input.involved.postcode),
  });
  requireObject('reporter', input.reporter);
  const reporter = {
    employeeId: requireText('reporter.employeeId', input.reporter.employeeId),
    department: requireText('reporter.department', input.reporter.department),
  };
  const location = readLocation(input.location);
  const receivedAt = readReceivedAt(input.receivedAt, context.now);
  const reporterRef = requireReporterRef(context);
  return {
    events: [
      {
        source: 'intern-meldpunt',
        signalId: context.newSignalId,
        receivedAt,
        municipality: location.municipality,
        externalRef,
        description,
        indicators,
        location,
        involved,
        reporterRef,
        specialCategory: false,
      },
    ],
    vault: { reporterRef, signalId: context.newSignalId, source: 'intern-meldpunt', reporter },
  };
}

function decideZorgmelding(
  input: ZorgmeldingSignalInput,
  context: ReceiveSignalContext,
): ReceiveSignalDecision<ZorgmeldingSignalReceivedPayload> {
  requireObject('input', input);
  const externalRef = readExternalRef(input.externalRef, 'optional');
  requireObject('subject', input.subject);
  const name = requireText('subject.name', input.subject.name);
  const address = optionalText('subject.address', input.subject.address);
  const concern = requireText('concern', input.concern);
  const urgency = requireOneOf('urgency', input.urgency, isUrgency);
  if (typeof input.wvggz !== 'boolean') fieldInvalid('wvggz', 'not-boolean');
  requireObject('reporter', input.reporter);
  const reporter = {
    name: requireText('reporter.name', input.reporter.name),
    contact: requireText('reporter.contact', input.reporter.contact),
    relation: requireOneOf('reporter.relation', input.reporter.relation, isReporterRelation),
  };
  const location = readLocation(input.location);
  const receivedAt = readReceivedAt(input.receivedAt, context.now);
  const birthDate = readBirthDate(input.subject.birthDate, context.now);
  const bsn = readBsn(input.subject.bsn);
  const reporterRef = requireReporterRef(context);
  return {
    events: [
      {
        source: 'zorgmelding',
        signalId: context.newSignalId,
        receivedAt,
        municipality: location.municipality,
        externalRef,
        subject: compact({ name, birthDate, bsn, address }),
        concern,
        urgency,
        wvggz: input.wvggz,
        location,
        reporterRef,
        reporterRelation: reporter.relation,
        specialCategory: true,
      },
    ],
    vault: { reporterRef, signalId: context.newSignalId, source: 'zorgmelding', reporter },
  };
}

function readLocation(location: SignalLocationInput | undefined): SignalLocation {
  requireObject('location', location);
  if (!isMunicipalityCode(location.municipality)) {
    throw new DomainError(SIGNAL_ERRORS.MUNICIPALITY_INVALID, 'location.municipality must be a CBS code (GM + 4 digits)', {
      field: 'location.municipality',
    });
  }
  return compact({
    municipality: location.municipality,
    address: optionalText('location.address', location.address),
    postcode: optionalText('location.postcode', location.postcode),
    area: optionalText('location.area', location.area),
  });
}

/** No signal was received before 1900; an earlier date is a typing error (and year 0000 cannot even be stored). */
const EARLIEST_RECEIVED_AT = Date.UTC(1900, 0, 1);

function readReceivedAt(value: string | undefined, now: Date): string {
  if (value === undefined || value === null) return now.toISOString();
  const instant = parseIsoInstant(value);
  if (!instant) {
    throw new DomainError(SIGNAL_ERRORS.DATE_INVALID, 'receivedAt must be an ISO 8601 date-time with offset', {
      field: 'receivedAt',
    });
  }
  if (instant.getTime() > now.getTime()) {
    throw new DomainError(SIGNAL_ERRORS.DATE_IN_FUTURE, 'receivedAt lies in the future', { field: 'receivedAt' });
  }
  if (instant.getTime() < EARLIEST_RECEIVED_AT) {
    throw new DomainError(SIGNAL_ERRORS.DATE_INVALID, 'receivedAt lies before 1900', { field: 'receivedAt' });
  }
  return instant.toISOString();
}

function readBirthDate(value: string | undefined, now: Date): string | undefined {
  if (value === undefined || value === null) return undefined;
  const field = 'subject.birthDate';
  if (!isCalendarDate(value)) {
    throw new DomainError(SIGNAL_ERRORS.DATE_INVALID, `${field} must be a date (YYYY-MM-DD)`, { field });
  }
  // A birth date is a Dutch calendar date: someone born today (Amsterdam) is not in the future.
  if (value > amsterdamDateOf(now)) {
    throw new DomainError(SIGNAL_ERRORS.DATE_IN_FUTURE, `${field} lies in the future`, { field });
  }
  if (value < EARLIEST_BIRTH_DATE) {
    throw new DomainError(SIGNAL_ERRORS.BIRTH_DATE_TOO_EARLY, `${field} lies before 1900`, { field });
  }
  return value;
}

function readBsn(value: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const bsn = normalizeBsn(value);
  if (bsn === null) {
    // The message and details name the field only: an (almost) BSN is still personal data.
    throw new DomainError(SIGNAL_ERRORS.BSN_INVALID, 'subject.bsn is not a valid BSN (11-proef)', { field: 'subject.bsn' });
  }
  return bsn;
}

/**
 * The sender's own reference. It is part of the signal's idempotency key (a resend with it gets the first receipt),
 * so when it is given it must say something: a reference of only spaces or invisible characters would make every
 * later signal of the municipality sent with the same blank a "resend" of the first, and it would be answered with
 * the first one's receipt and dropped. Refused alike for every source: absent where required is `required`, given
 * but blank is `blank`.
 */
function readExternalRef(value: unknown, presence: 'required'): string;
function readExternalRef(value: unknown, presence: 'optional'): string | null;
function readExternalRef(value: unknown, presence: 'required' | 'optional'): string | null {
  const field = 'externalRef';
  if (value === undefined || value === null) return presence === 'required' ? fieldInvalid(field, 'required') : null;
  if (typeof value !== 'string') fieldInvalid(field, 'not-text');
  if (!isVisibleText(value)) fieldInvalid(field, 'blank');
  return value;
}

function readIndicators(value: unknown): string[] {
  if (!Array.isArray(value)) fieldInvalid('indicators', 'not-a-list');
  return value.map((item, index) => requireText(`indicators[${index}]`, item));
}

function requireReporterRef(context: ReceiveSignalContext): string {
  // A programming error, not a business rule: the handler must always mint a reporter ref.
  if (!context.newReporterRef) throw new RangeError('context.newReporterRef is required for sources with a reporter');
  return context.newReporterRef;
}

function requireObject(field: string, value: unknown): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fieldInvalid(field, 'required');
}

/** Text with something visible in it: blank text, or text of only invisible characters, is missing. */
function requireText(field: string, value: unknown): string {
  if (!isVisibleText(value)) fieldInvalid(field, 'required');
  return value;
}

/**
 * Optional text says something when it is given: absent stays absent, but text with nothing visible (only spaces or
 * invisible characters) would be shown as an empty name, address or postcode, and is refused as `blank`, as
 * `externalRef` is. Visible text is kept as sent.
 */
function optionalText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fieldInvalid(field, 'not-text');
  if (!isVisibleText(value)) fieldInvalid(field, 'blank');
  return value;
}

function requireOneOf<T>(field: string, value: unknown, is: (v: unknown) => v is T): T {
  if (!is(value)) fieldInvalid(field, value === undefined || value === null ? 'required' : 'unknown-value');
  return value;
}

function fieldInvalid(field: string, reason: string): never {
  throw new DomainError(SIGNAL_ERRORS.FIELD_INVALID, `${field} is invalid (${reason})`, { field, reason });
}

type Compacted<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Drops `undefined` properties so absent optional fields stay absent in the JSON payload. */
function compact<T extends object>(value: T): Compacted<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compacted<T>;
}
