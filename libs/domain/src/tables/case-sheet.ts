import type { CaseEvent } from '../cases/case-event.js';
import type { Responsibilities } from '../models/model-definition.js';

/**
 * What the tables app knows of a case, kept from the case events: only what a profile could ever share
 * (notes only when marked `deelbaar`). Instants are ISO 8601 strings.
 */
export interface CaseSheet {
  caseId: string;
  municipality: string;
  /** The case type: the model id. */
  modelId: string;
  modelVersion: number;
  state: string;
  openedAt: string;
  responsibilities: Responsibilities;
  signalIds: string[];
  sharedNotes: { text: string; at: string }[];
  closed: boolean;
}

/**
 * What the tables app keeps of a signal: the shareable facts only. No reporter reference, no reporter
 * relation, no BSN: they are dropped when the signal is read (see `signalFactsOf`).
 */
export interface SignalFacts {
  signalId: string;
  source: string;
  receivedAt: string;
  theme?: string;
  description?: string;
  indicators?: string[];
  involvedParty?: { kind: string; name?: string; kvkNumber?: string; address?: string; postcode?: string };
  area?: string;
  address?: string;
  postcode?: string;
  subjectName?: string;
  subjectBirthDate?: string;
  subjectAddress?: string;
  concern?: string;
  urgency?: string;
  wvggz?: boolean;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * The shareable facts of a `SignalReceived` payload. Reads field by field (an allow-list), so anything new
 * on the signal — and the reporter reference and BSN that are there today — stays behind.
 */
export function signalFactsOf(payload: Record<string, unknown>): SignalFacts | null {
  const signalId = text(payload.signalId);
  const source = text(payload.source);
  if (!signalId || !source) return null;
  const location = (payload.location ?? {}) as Record<string, unknown>;
  const facts: SignalFacts = { signalId, source, receivedAt: text(payload.receivedAt) ?? '' };
  const set = <K extends keyof SignalFacts>(key: K, value: SignalFacts[K] | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  set('area', text(location.area));
  set('address', text(location.address));
  set('postcode', text(location.postcode));
  if (source === 'mma') {
    set('theme', text(payload.theme));
    set('description', text(payload.description));
  } else if (source === 'intern-meldpunt') {
    set('description', text(payload.description));
    if (Array.isArray(payload.indicators)) set('indicators', payload.indicators.filter((x): x is string => typeof x === 'string'));
    const involved = (payload.involved ?? {}) as Record<string, unknown>;
    const kind = text(involved.kind);
    if (kind) {
      const party: NonNullable<SignalFacts['involvedParty']> = { kind };
      for (const key of ['name', 'kvkNumber', 'address', 'postcode'] as const) {
        const v = text(involved[key]);
        if (v) party[key] = v;
      }
      facts.involvedParty = party;
    }
  } else if (source === 'zorgmelding') {
    const subject = (payload.subject ?? {}) as Record<string, unknown>;
    set('subjectName', text(subject.name));
    set('subjectBirthDate', text(subject.birthDate));
    set('subjectAddress', text(subject.address));
    set('concern', text(payload.concern));
    set('urgency', text(payload.urgency));
    if (typeof payload.wvggz === 'boolean') facts.wvggz = payload.wvggz;
  }
  return facts;
}

/**
 * Keeps a case sheet up to date from a case event; returns the sheet unchanged for events it does not
 * track, and null before `CaseOpened`. Notes are kept only when marked `deelbaar`: an `intern` note never
 * even reaches the tables app's store.
 */
export function evolveCaseSheet(sheet: CaseSheet | null, event: CaseEvent): CaseSheet | null {
  if (event.type === 'CaseOpened') {
    return {
      caseId: event.caseId,
      municipality: event.municipality,
      modelId: event.modelId,
      modelVersion: event.modelVersion,
      state: event.state,
      openedAt: event.at,
      responsibilities: { ...event.responsibilities },
      signalIds: [...event.signalIds],
      sharedNotes: [],
      closed: false,
    };
  }
  if (!sheet) return null;
  switch (event.type) {
    case 'CaseTransitioned':
      return { ...sheet, state: event.to, responsibilities: { ...event.responsibilities } };
    case 'RegieHandedOver':
      return { ...sheet, responsibilities: { ...sheet.responsibilities, [event.responsibility]: event.to } };
    case 'CaseModelMigrated':
      return { ...sheet, modelId: event.modelId, modelVersion: event.toVersion, state: event.toState, responsibilities: { ...event.responsibilities } };
    case 'SignalAddedToCase':
      return sheet.signalIds.includes(event.signalId) ? sheet : { ...sheet, signalIds: [...sheet.signalIds, event.signalId] };
    case 'CaseNoteAdded':
      // Applying the same note twice (a switched-in replay table the lagging consumer then catches up on) keeps one:
      // its text is sealed with a fresh nonce, so two notes never share text and time.
      if (event.visibility !== 'deelbaar' || sheet.sharedNotes.some((n) => n.text === event.text && n.at === event.at)) return sheet;
      return { ...sheet, sharedNotes: [...sheet.sharedNotes, { text: event.text, at: event.at }] };
    case 'CaseClosed':
      return { ...sheet, state: event.state, closed: true };
    default:
      return sheet;
  }
}
