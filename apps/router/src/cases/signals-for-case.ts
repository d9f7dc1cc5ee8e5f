import { DomainError, isReporterRelation, TRIAGE_ERRORS, type ReporterRelation, type SignalSource } from '#domain';
import { municipalityScope, type Principal } from '#security';
import type { RouterSignal, RouterSignalsReader } from '../signals/router-signal.js';

/**
 * The signals a coordinator names, as the router knows them: each must exist in the caller's
 * municipalities (else 422 `CASE.SIGNAL_UNKNOWN`, listing the unknown ids — a signal elsewhere looks
 * exactly like one that does not exist), and all must be of one municipality (else 422
 * `CASE.SIGNALS_MUNICIPALITY_MIXED`).
 */
export async function signalsForCase(reader: RouterSignalsReader, signalIds: readonly string[], principal: Principal): Promise<{ signals: RouterSignal[]; municipality: string }> {
  const scope = municipalityScope(principal);
  const found = await Promise.all(signalIds.map((id) => reader.get(id, scope)));
  const unknown = signalIds.filter((_, i) => found[i] === null);
  if (unknown.length > 0) {
    throw new DomainError('CASE.SIGNAL_UNKNOWN', 'Unknown signal(s): they do not exist in your municipalities, or have not reached the router yet', { signalIds: unknown });
  }
  const signals = found as RouterSignal[];
  // As a dismissed signal cannot be linked to a subject: it would be "afgewezen" and in a case at once.
  const dismissed = signals.filter((s) => s.status === 'afgewezen').map((s) => s.signalId);
  if (dismissed.length > 0) {
    throw new DomainError(TRIAGE_ERRORS.ALREADY_DISMISSED, 'Dismissed signal(s) cannot be put in a case', { signalIds: dismissed });
  }
  const municipalities = [...new Set(signals.map((s) => s.municipality))];
  if (municipalities.length !== 1) {
    throw new DomainError('CASE.SIGNALS_MUNICIPALITY_MIXED', 'A case is about signals of one municipality', { municipalities });
  }
  return { signals, municipality: municipalities[0]! };
}

/**
 * What a case command needs to know of a signal's reporter (`AddSignal`): its source and, for a zorgmelding, the
 * reporter's relation. A zorgmelding by an essentiële naaste added to a case may be told its Wvggz outcome.
 */
export function reporterFactsOf(signal: RouterSignal): { source: SignalSource; reporterRelation: ReporterRelation | null } {
  return { source: signal.source, reporterRelation: signal.source === 'zorgmelding' && isReporterRelation(signal.reporterRelation) ? signal.reporterRelation : null };
}
