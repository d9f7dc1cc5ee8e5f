import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { REFERRAL_TOPICS, TOPICS, type EventEnvelope, type NewEvent } from '#contracts';
import {
  AVE_MODEL,
  BUILT_IN_MODELS,
  BUILT_IN_TABLES_CONFIG,
  CASE_EVENT_VERSION,
  decideCase,
  evolveCase,
  mapSignalPersonalData,
  modelResolverOf,
  NO_CASE,
  type CaseActor,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type ModelDefinition,
  type SignalReceivedPayload,
} from '#domain';
import { EVENT_COLUMNS, rowToEnvelope, type EventRow, type EventStore } from '#eventstore';
import { EVENT_STORE, KEYRING, keyOwner, type Keyring, type NewDataKey } from '#platform';
import { waitFor, type AppHarness, type HarnessResponse } from '../../../../test/support/app-harness.js';
import type { WatchedMessage } from '../../../../test/support/kafka-probe.js';
import { TABLES_APP } from '../../src/tables.app.js';
import { TablesTimers } from '../../src/timers/tables-timers.js';


/** A KvK number that passes the 11-proef as an 8-digit BSN would: it must reach the RIEC as it is, not redacted. */
export const KVK_NUMBER = '12345672';
export { TABLES_APP };

/** Every topic the tables app publishes to. */
export const TABLES_OUTPUT_TOPICS = [...BUILT_IN_TABLES_CONFIG.tables.map((t) => t.topic), REFERRAL_TOPICS.referrals, REFERRAL_TOPICS.liaisonEscalations];

export const BSN = '111222333';
/**
 * {@link BSN} as people type and paste it into free text: two spaces, a tab (from a spreadsheet), a narrow no-break
 * or thin space (from Word or a PDF), zero-width characters and a soft hyphen, fullwidth digits. Each must reach a
 * table redacted.
 */
export const BSN_AS_TYPED = ['111  222  333', '111\t222\t333', '111\u202f222\u202f333', '111\u2009222\u2009333', '111\u200b222\u2060333', '1\u00ad11 222 333', '１１１２２２３３３'] as const;
export const COORDINATOR: CaseActor = { id: 'coordinator-anna', role: 'coordinator' };
const MODELS = modelResolverOf(BUILT_IN_MODELS);

export const storeOf = (h: AppHarness): EventStore => h.running.app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
export const timersOf = (h: AppHarness): TablesTimers => h.running.app.get(TablesTimers, { strict: false });

/** A short random tag, to find values (and prove their absence) in raw bytes. */
/**
 * A unique tag for test texts. It ends in a letter, so it never holds a run of 8 digits: eight hex digits that were all
 * decimal and passed the 11-proef read as a BSN and were redacted from what a table receives (`J. de Vries 69384253`).
 */
export const tag = (): string => `${randomUUID().slice(0, 7)}t`;

/**
 * The signals of all three sources as intake records them: reporter references, a BSN, tagged texts. The BSN is
 * in the zorgmelding's `subject.bsn` and typed into its concern (free text a profile may share, redacted on the
 * way out), both sealed, so a search of what leaves must open sealed values to be able to find it.
 */
export async function appendSignals(h: AppHarness, municipality: string): Promise<{ ids: string[]; reporterRef: string; texts: Record<string, string> }> {
  const signals = draftSignals(h, municipality);
  await signals.append();
  return signals;
}

/** Like `appendSignals`, but appended (all, or the ones named) only when `append` is called. */
export function draftSignals(h: AppHarness, municipality: string): { ids: string[]; reporterRef: string; texts: Record<string, string>; append: (ids?: string[]) => Promise<EventEnvelope[]> } {
  const reporterRef = randomUUID();
  const texts = { tip: `Hennepkwekerij ${tag()}`, report: `Contante betalingen ${tag()}`, concern: `Verward gedrag ${tag()}`, subject: `J. de Vries ${tag()}` };
  const base = (signalId: string) => ({ signalId, receivedAt: new Date(Date.now() - 3_600_000).toISOString(), municipality });
  const payloads = [
    { ...base(randomUUID()), source: 'mma', externalRef: `MMA-${tag()}`, theme: 'drugs', description: texts.tip, location: { municipality, area: 'Binnenstad' } },
    { ...base(randomUUID()), source: 'intern-meldpunt', externalRef: null, description: texts.report, indicators: ['contante betalingen'], involved: { kind: 'business', name: 'Snackbar De Hoek', kvkNumber: KVK_NUMBER }, location: { municipality, address: 'Marktstraat 1', postcode: '7511 AA' }, reporterRef },
    { ...base(randomUUID()), source: 'zorgmelding', externalRef: null, subject: { name: texts.subject, birthDate: '1980-05-17', bsn: BSN, address: 'Dorpsstraat 2' }, concern: `${texts.concern}; melder noemt bsn ${BSN}`, urgency: 'hoog', wvggz: true, reporterRef, reporterRelation: 'familie', location: { municipality } },
  ];
  const append = async (ids = payloads.map((p) => p.signalId)): Promise<EventEnvelope[]> => {
    const appended: EventEnvelope[] = [];
    for (const payload of payloads.filter((p) => ids.includes(p.signalId))) {
      // Sealed under the signal's own data key, as intake stores it.
      const key = keyringOf(h).newKey(keyOwner.signal(payload.signalId), municipality);
      const sealed = mapSignalPersonalData(payload as unknown as SignalReceivedPayload, key.seal);
      appended.push(...(await storeOf(h).append(`signal-${payload.signalId}`, 0, [envelope('SignalReceived', sealed, municipality, payload.source === 'zorgmelding')], { topic: TOPICS.signals, rows: [key.row] })));
    }
    return appended;
  };
  return { ids: payloads.map((p) => p.signalId), reporterRef, texts, append };
}

/** The app's keyring (the tests open sealed values with it the way the tables API does). */
export const keyringOf = (h: AppHarness): Keyring => h.running.app.get<Keyring>(KEYRING, { strict: false });

function envelope(type: string, payload: object, municipality: string, specialCategory = false, actor: CaseActor = COORDINATOR): NewEvent {
  return {
    id: randomUUID(),
    type,
    version: CASE_EVENT_VERSION,
    occurredAt: new Date().toISOString(),
    municipality,
    actor: { id: actor.id, role: actor.role as never },
    correlationId: randomUUID(),
    processingActivity: 'casusregie',
    legalBasis: 'AVG art. 6(1)(e)',
    specialCategory,
    payload: payload as Record<string, unknown>,
  };
}

/**
 * A case driven by the pure engine and appended to stream `case-<id>` on `signaalroute.cases.v1` the way
 * the router does (envelope type + payload), so the tables app can be tested before and without the router.
 */
export class ScriptedCase {
  state: CaseState = NO_CASE;
  readonly caseId = randomUUID();
  readonly appended: EventEnvelope[] = [];

  constructor(
    private readonly h: AppHarness,
    readonly municipality: string,
  ) {}

  /** Decides `command` at `now` (the wall clock unless given, e.g. a term's due moment) and appends its events. */
  async run(command: CaseCommand, rows: NewDataKey['row'][] = [], now = new Date()): Promise<CaseEvent[]> {
    const events = decideCase(command, this.state, { now, newId: randomUUID, models: MODELS });
    if (events.length === 0) return events;
    const envelopes = events.map((event) => {
      const { type, ...payload } = event;
      return envelope(type, payload, this.municipality);
    });
    this.appended.push(...(await storeOf(this.h).append(`case-${this.caseId}`, this.state.version, envelopes, { topic: TOPICS.cases, rows })));
    this.state = events.reduce(evolveCase, this.state);
    return events;
  }

  open(model: ModelDefinition, signalIds: string[]): Promise<CaseEvent[]> {
    return this.run({ type: 'OpenCase', caseId: this.caseId, municipality: this.municipality, model, signalIds, actor: COORDINATOR });
  }

  /** Walks the model's shortest path of transitions to `stateId`. */
  async walkTo(model: ModelDefinition, stateId: string): Promise<void> {
    for (const t of pathTo(model, stateId)) {
      const fields = Object.fromEntries((t.requires?.fields ?? []).map((f) => [f, `waarde ${f}`]));
      await this.run({
        type: 'TakeTransition',
        transition: t.name,
        actor: { id: COORDINATOR.id, role: t.rolesAllowed.includes('coordinator') ? 'coordinator' : t.rolesAllowed[0]! },
        ...(t.requires?.reason ? { reason: `reden ${t.name}` } : {}),
        ...(t.requires?.reasonCategories ? { reasonCategory: t.requires.reasonCategories[0] } : {}),
        ...(Object.keys(fields).length > 0 ? { fields } : {}),
      });
    }
  }

  /** Appends a `CaseReferred` as the engine would, whatever the state allows (the router checks that). */
  async referDirectly(table: string, reason = 'Verwijzing'): Promise<string> {
    if (this.state.status !== 'open') throw new Error('not open');
    const referralId = randomUUID();
    const event = { type: 'CaseReferred', caseId: this.caseId, referralId, table, state: this.state.currentState, reason, actor: COORDINATOR, at: new Date().toISOString() } as const;
    const { type, ...payload } = event;
    this.appended.push(...(await storeOf(this.h).append(`case-${this.caseId}`, this.state.version, [envelope(type, payload, this.municipality)], { topic: TOPICS.cases })));
    this.state = evolveCase(this.state, event);
    return referralId;
  }

  async refer(table: string, reason = 'Verwijzing'): Promise<string> {
    const [referred] = await this.run({ type: 'ReferToTable', table, reason, actor: COORDINATOR });
    if (referred?.type !== 'CaseReferred') throw new Error(`no referral to ${table}`);
    return referred.referralId;
  }

  note(text: string, visibility: 'intern' | 'deelbaar'): Promise<CaseEvent[]> {
    return this.run({ type: 'AddNote', text, visibility, actor: COORDINATOR });
  }

  /** A note as the router writes it: its text sealed under a data key of the case (inserted with the note); returns the key id. */
  async sealedNote(text: string, visibility: 'intern' | 'deelbaar'): Promise<string> {
    const key = keyringOf(this.h).newKey(keyOwner.case(this.caseId), this.municipality);
    await this.run({ type: 'AddNote', text: key.seal(text), visibility, actor: COORDINATOR }, [key.row]);
    return key.keyId;
  }
}

function pathTo(model: ModelDefinition, stateId: string) {
  const paths = new Map<string, ModelDefinition['transitions'][number][]>([[model.initialState, []]]);
  const queue = [model.initialState];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const t of model.transitions.filter((x) => x.from.includes(at))) {
      if (!paths.has(t.to)) {
        paths.set(t.to, [...paths.get(at)!, t]);
        queue.push(t.to);
      }
    }
  }
  const path = paths.get(stateId);
  if (!path) throw new Error(`${stateId} unreachable in ${model.id}`);
  return path;
}

/** Rows of a stream, oldest first. */
export async function streamEvents(h: AppHarness, streamId: string): Promise<EventEnvelope[]> {
  const rows = await h.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
  return rows.map(rowToEnvelope);
}

/** An AVE case in AVE 3, referred to the ZVH casusoverleg; resolves once the register has the referral. */
export async function zvhReferral(h: AppHarness, municipality: string): Promise<{ c: ScriptedCase; referralId: string }> {
  const signals = await appendSignals(h, municipality);
  const c = new ScriptedCase(h, municipality);
  await c.open(AVE_MODEL, signals.ids);
  await c.walkTo(AVE_MODEL, 'ave-3');
  const referralId = await c.refer('zvh-casusoverleg', 'Meerdere leefgebieden');
  await registered(h, referralId);
  return { c, referralId };
}

/** Waits until the register has the referral and returns its row. */
export function registered(h: AppHarness, referralId: string): Promise<Record<string, any>> {
  return waitFor(async () => (await h.query('SELECT * FROM table_referrals WHERE referral_id = $1', [referralId]))[0], { what: `referral ${referralId} in the register` });
}

/** The raw bytes of a message: value, headers and key, for searching. */
export const rawOf = (m: WatchedMessage): string => Buffer.concat([m.value, Buffer.from(JSON.stringify(m.headers)), Buffer.from(m.key ?? '')]).toString('utf8');
export const envelopeOf = (m: WatchedMessage): EventEnvelope => JSON.parse(m.value.toString('utf8')) as EventEnvelope;

export function expectProblem(res: HarnessResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}
