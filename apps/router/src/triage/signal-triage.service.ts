import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '#contracts';
import {
  decideSignalTriage,
  DomainError,
  foldSignalTriage,
  isSignalTriageEventType,
  newSignalTriageState,
  SIGNAL_TRIAGE_EVENT_VERSION,
  signalTriageStatus,
  type SignalStatus,
  type SignalTriageCommand,
  type SignalTriageContext,
  type SignalTriageEvent,
  type SignalTriageState,
} from '#domain';
import { EventStore, OutboxRelay, VersionConflictError, type Database, type TableRow } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, holdLiveKey, KEYRING, keyOwner, OUTBOX_RELAY, type Clock, type Keyring } from '#platform';
import type { Principal } from '#security';
import type { RouterSignal, RouterSignalsReader } from '../signals/router-signal.js';
import { ROUTER_SIGNALS } from '../signals/router-signals.module.js';
import { signalNotFound } from '../signals/signal-not-found.js';
import { signalStreamId } from '../signals/signal-stream.js';
import { lockSubjectForLinking } from '../subjects/lock-subject-for-linking.js';
import { lockSignalForDismissal } from './lock-signal-for-dismissal.js';
import { SubjectsRepository } from '../subjects/subjects.repository.js';
import { TRIAGE_PROCESSING } from './triage-processing.js';

/** The outcome of a triage command. */
export interface TriageResult {
  signalId: string;
  status: SignalStatus;
  subjectId: string | null;
  caseId: string | null;
  /** False when the command changed nothing (no event appended). */
  changed: boolean;
}

/** How often a command is decided again when another writer appended to the signal's stream meanwhile. */
const MAX_ATTEMPTS = 3;

/**
 * Runs triage commands on a signal: load, decide (pure `decideSignalTriage`), append at the version read.
 * The state is folded from the signal's own stream (so a dismissal just appended is seen at once, whatever
 * the read models say) plus the case the router's read model knows the signal is in. The events go to the
 * signal's stream `signal-<id>` and topic `signaalroute.signals.v1`, after its `SignalReceived`.
 * When another writer appended to the stream meanwhile (a link, a dismissal, a reporter access), the
 * command is decided again on the new state.
 *
 * A dismissal's reason is free text about people: it is sealed under the signal's data key (owner
 * `signal:<id>`, made at intake), so erasure and retention, which destroy that key, destroy the reason with the
 * signal's other personal data. Once the key was destroyed, a signal is given no reason (410 `PRIVACY.ERASED`):
 * checked when sealing and again in the transaction, on the key's row (`FOR SHARE`), so an erasure or retention
 * committing meanwhile either comes first (refused) or waits and then destroys the reason too.
 */
@Injectable()
export class SignalTriageService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROUTER_SIGNALS) private readonly signals: RouterSignalsReader,
    private readonly subjects: SubjectsRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  /** Links the signal to a subject of its municipality (`SUBJECT.NOT_FOUND` otherwise). */
  async link(signalId: string, subjectId: string, principal: Principal, ids: { correlationId: string; traceparent: string | null }): Promise<TriageResult> {
    const signal = await this.signal(signalId, principal);
    const subject = await this.subjects.get(subjectId, [signal.municipality]);
    return this.run(signal, { type: 'LinkSignalToSubject', subjectId, subject: subject && { subjectId: subject.subjectId, municipality: subject.municipality } }, principal, ids);
  }

  /** Dismisses the signal with a reason. */
  async dismiss(signalId: string, reason: string, principal: Principal, ids: { correlationId: string; traceparent: string | null }): Promise<TriageResult> {
    const signal = await this.signal(signalId, principal);
    return this.run(signal, { type: 'DismissSignal', reason }, principal, ids);
  }

  private async signal(signalId: string, principal: Principal): Promise<RouterSignal> {
    const signal = await this.signals.get(signalId, principal.municipalities);
    if (!signal) throw signalNotFound();
    return signal;
  }

  private async run(signal: RouterSignal, command: SignalTriageCommand, principal: Principal, ids: { correlationId: string; traceparent: string | null }): Promise<TriageResult> {
    const stream = signalStreamId(signal.signalId);
    const sealing = command.type === 'DismissSignal' ? await this.sealerOf(signal) : NOTHING_TO_SEAL;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(signal, stream);
      const events = decideSignalTriage(command, state, sealing.context);
      if (events.length === 0) return result(state, false);
      const now = this.clock().toISOString();
      try {
        await this.db.transaction(async (tx) => {
          // A link waits for an erasure of its subject in flight and is refused after it (the erasure, which
          // takes the same row lock, reads the links on the signals' streams: neither misses the other).
          if (command.type === 'LinkSignalToSubject') await lockSubjectForLinking(tx, command.subjectId);
          // A dismissal and a case commit that puts the signal in a case wait for each other; the later one is refused.
          if (command.type === 'DismissSignal') await lockSignalForDismissal(tx, signal.signalId);
          // The reason was sealed with a stored key: it must still be live (an erasure or retention may be destroying it).
          if (sealing.sealedWith !== null) if (!(await holdLiveKey(tx, sealing.sealedWith))) throw signalErased();
          await this.store.appendIn(
            tx,
            stream,
            version,
            events.map(({ type, ...payload }) => ({
              id: randomUUID(),
              type,
              version: SIGNAL_TRIAGE_EVENT_VERSION,
              occurredAt: now,
              municipality: signal.municipality,
              actor: { id: principal.subject, role: principal.role },
              correlationId: ids.correlationId,
              traceparent: ids.traceparent,
              processingActivity: TRIAGE_PROCESSING.activity,
              legalBasis: TRIAGE_PROCESSING.legalBasis,
              // Linking a person to a care report, or saying why it is dismissed, is health context.
              specialCategory: signal.source === 'zorgmelding',
              payload,
            })),
            { topic: TOPICS.signals, rows: sealing.keyRows },
          );
        });
      } catch (error) {
        if (error instanceof VersionConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      this.relay?.nudge();
      return result(foldSignalTriage(state, events), true);
    }
  }

  /**
   * How a dismissal's reason is sealed: under the signal's data key (a signal from before field encryption gets
   * its key now, its row inserted with the event). When the key was destroyed, `seal` refuses (410
   * `PRIVACY.ERASED`); the decider calls it only once the dismissal is otherwise accepted.
   */
  private async sealerOf(signal: RouterSignal): Promise<Sealing> {
    const sealer = await this.keyring.sealerFor(keyOwner.signal(signal.signalId), signal.municipality);
    if (sealer === 'destroyed') return { context: { seal: () => { throw signalErased(); } }, keyRows: [], sealedWith: null };
    // A key this statement inserts needs no check; a stored one (perhaps kept by this process) must still be live.
    return { context: { seal: sealer.seal }, keyRows: sealer.row ? [sealer.row] : [], sealedWith: sealer.row ? null : sealer.keyId };
  }

  /** The signal's triage state and its stream's version, read together. */
  private async load(signal: RouterSignal, stream: string): Promise<{ state: SignalTriageState; version: number }> {
    const stored = await this.store.readStream(stream);
    const triage = stored.filter((e) => isSignalTriageEventType(e.type)).map((e) => ({ ...e.payload, type: e.type }) as SignalTriageEvent);
    return {
      state: foldSignalTriage(newSignalTriageState(signal.signalId, signal.municipality, signal.caseId), triage),
      version: stored.length === 0 ? 0 : stored[stored.length - 1]!.streamVersion,
    };
  }
}

/** How a command's free text is sealed: the decider's context, the key row to insert with the events, the stored key used. */
interface Sealing {
  context: SignalTriageContext;
  keyRows: TableRow[];
  sealedWith: string | null;
}

/** Links carry no free text. */
const NOTHING_TO_SEAL: Sealing = {
  context: { seal: () => { throw new Error('a triage command without free text sealed some'); } },
  keyRows: [],
  sealedWith: null,
};

const signalErased = () => new DomainError('PRIVACY.ERASED', "This signal's personal data was erased: no reason can be recorded for it");


function result(state: SignalTriageState, changed: boolean): TriageResult {
  return { signalId: state.signalId, status: signalTriageStatus(state), subjectId: state.subjectId, caseId: state.caseId, changed };
}
