import {
  decideCase,
  essentialRelativeSignalIdsOf,
  evolveCase,
  foldCase,
  NO_CASE,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL as WVGGZ,
  type CaseEvent,
  type CaseOpened,
  type CaseState,
  type OpenCaseCommand,
} from '../src/index.js';
import { COORDINATOR, openCommand, refusal, run, testContext, types } from './case.fixtures.js';

/*
 * Under the Wvggz only an essentiële naaste who reported may be told the outcome. A case may hold several
 * zorgmeldingen, by different reporters, in any order, and more may be added later: the case keeps the set of its
 * signals whose reporter is an essentiële naaste, and `ReporterMayBeInformed` names those signals (signal ids only:
 * who the reporter is stays in the intake's reporter vault). Without such a reporter nothing is raised.
 */

const BUURT = { signalId: 'sig-buurt', source: 'zorgmelding', reporterRelation: 'buurtbewoner' } as const;
const NAASTE = { signalId: 'sig-naaste', source: 'zorgmelding', reporterRelation: 'essentiele-naaste' } as const;
const NAASTE_2 = { signalId: 'sig-naaste-2', source: 'zorgmelding', reporterRelation: 'essentiele-naaste' } as const;
const MMA = { signalId: 'sig-mma', source: 'mma', reporterRelation: null } as const;

type Open = Extract<CaseState, { status: 'open' }>;

/** Opens a Wvggz case from `signals` the way the router does, starts the onderzoek and decides `vrijwillige zorg`. */
function outcomeOf(open: Partial<OpenCaseCommand>, more: (state: CaseState, ctx: ReturnType<typeof testContext>) => CaseState = (s) => s) {
  const ctx = testContext();
  let { state } = run(NO_CASE, openCommand(WVGGZ, open), ctx);
  state = run(state, { type: 'TakeTransition', transition: 'start-verkennend-onderzoek', actor: COORDINATOR }, ctx).state;
  state = more(state, ctx);
  const events = decideCase({ type: 'TakeTransition', transition: 'besluit-vrijwillige-zorg', reason: 'Betrokkene accepteert zorg', actor: COORDINATOR }, state, ctx);
  return { events, informed: events.find((e) => e.type === 'ReporterMayBeInformed'), state, ctx };
}

function openFrom(signals: readonly { signalId: string; source: string; reporterRelation: string | null }[]): Partial<OpenCaseCommand> {
  const ids = essentialRelativeSignalIdsOf(signals);
  return { signalIds: signals.map((s) => s.signalId), ...(ids.length > 0 ? { essentialRelativeSignalIds: ids } : {}) };
}

describe('Wvggz: every essentiële naaste who reported counts, whatever the order of the signals', () => {
  it('the essentiële naasten are the zorgmeldingen whose reporter relation is essentiele-naaste, in any order', () => {
    expect(essentialRelativeSignalIdsOf([BUURT, NAASTE])).toEqual(['sig-naaste']);
    expect(essentialRelativeSignalIdsOf([NAASTE, BUURT])).toEqual(['sig-naaste']);
    expect(essentialRelativeSignalIdsOf([MMA, NAASTE_2, BUURT, NAASTE])).toEqual(['sig-naaste-2', 'sig-naaste']);
    expect(essentialRelativeSignalIdsOf([BUURT, MMA])).toEqual([]);
    // Only a zorgmelding has a reporter relation that counts.
    expect(essentialRelativeSignalIdsOf([{ signalId: 'x', source: 'intern-meldpunt', reporterRelation: 'essentiele-naaste' }])).toEqual([]);
  });

  it.each([
    ['buurtbewoner first', [BUURT, NAASTE]],
    ['naaste first', [NAASTE, BUURT]],
  ] as const)('%s: the outcome names the naaste\'s signal, and only that one', (_order, signals) => {
    const { informed, ctx } = outcomeOf(openFrom(signals));
    expect(informed).toEqual({
      type: 'ReporterMayBeInformed',
      caseId: 'case-1',
      modelId: 'wvggz-verkennend-onderzoek',
      modelVersion: WVGGZ.version,
      state: 'vrijwillige-zorg',
      audience: 'melder',
      reporterRelation: 'essentiele-naaste',
      essentialRelativeSignalIds: ['sig-naaste'],
      at: ctx.now.toISOString(),
    });
  });

  it('two essentiële naasten who each reported are both named', () => {
    const { informed, state } = outcomeOf(openFrom([NAASTE, BUURT, NAASTE_2]));
    expect(informed).toMatchObject({ essentialRelativeSignalIds: ['sig-naaste', 'sig-naaste-2'] });
    expect((state as Open).essentialRelativeSignalIds).toEqual(['sig-naaste', 'sig-naaste-2']);
  });

  it('the case state keeps the set, and the case relation is essentiele-naaste as soon as one such reporter is in it', () => {
    const { state } = run(NO_CASE, openCommand(WVGGZ, openFrom([BUURT, NAASTE])), testContext());
    expect(state).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-naaste'] });
  });

  it('without an essentiële naaste nothing about a reporter is raised, and nothing new is recorded', () => {
    const open = { ...openFrom([BUURT, MMA]), reporterRelation: 'buurtbewoner' as const };
    const { events, state } = outcomeOf(open);
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(JSON.stringify(events)).not.toMatch(/melder|ReporterMayBeInformed|essentialRelative/);
    expect(state).not.toHaveProperty('essentialRelativeSignalIds');
    const opened = decideCase(openCommand(WVGGZ, open), NO_CASE, testContext())[0] as CaseOpened;
    expect(opened).not.toHaveProperty('essentialRelativeSignalIds');
  });

  it('signal ids only: no reporter identity reaches the case events', () => {
    const { events } = outcomeOf(openFrom([BUURT, NAASTE]));
    expect(JSON.stringify(events)).not.toMatch(/reporterRef|reporterName|reporterContact|"reporter"/);
  });
});

describe('Wvggz: a zorgmelding of an essentiële naaste added to the case later counts too', () => {
  const addNaaste = (signal: { signalId: string; source: string; reporterRelation: string | null }) => (state: CaseState, ctx: ReturnType<typeof testContext>) =>
    run(state, { type: 'AddSignal', signalId: signal.signalId, source: signal.source as never, reporterRelation: signal.reporterRelation as never, actor: COORDINATOR }, ctx).state;

  it('a case opened on a buurtbewoner\'s report: the naaste added later may be told the outcome', () => {
    const { informed, state } = outcomeOf({ ...openFrom([BUURT]), reporterRelation: 'buurtbewoner' }, addNaaste(NAASTE));
    expect(state).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-naaste'], signalIds: ['sig-buurt', 'sig-naaste'] });
    expect(informed).toMatchObject({ type: 'ReporterMayBeInformed', reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-naaste'] });
  });

  it('the added signal is marked in its event; another naaste is added to those already named', () => {
    const ctx = testContext();
    const { state } = run(NO_CASE, openCommand(WVGGZ, openFrom([NAASTE])), ctx);
    const events = decideCase({ type: 'AddSignal', signalId: 'sig-naaste-2', source: 'zorgmelding', reporterRelation: 'essentiele-naaste', actor: COORDINATOR }, state, ctx);
    expect(events).toEqual([{ type: 'SignalAddedToCase', caseId: 'case-1', signalId: 'sig-naaste-2', reportedByEssentialRelative: true, actor: COORDINATOR, at: ctx.now.toISOString() }]);
    expect(events.reduce(evolveCase, state)).toMatchObject({ essentialRelativeSignalIds: ['sig-naaste', 'sig-naaste-2'] });
  });

  it.each([
    ['a buurtbewoner\'s zorgmelding', BUURT],
    ['an anonymous tip', MMA],
    ['a signal whose source is not given', { signalId: 'sig-x', source: undefined as never, reporterRelation: 'essentiele-naaste' }],
  ] as const)('%s added later changes nothing about who may be told', (_what, signal) => {
    const { events, state } = outcomeOf({ ...openFrom([BUURT]), reporterRelation: 'buurtbewoner' }, addNaaste(signal));
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(state).toMatchObject({ reporterRelation: 'buurtbewoner' });
    expect(state).not.toHaveProperty('essentialRelativeSignalIds');
  });

  it('AddSignal with an unknown reporter relation or source: CASE.FIELD_INVALID, nothing appended', () => {
    const ctx = testContext();
    const { state } = run(NO_CASE, openCommand(WVGGZ, openFrom([BUURT])), ctx);
    const relation = refusal(() => decideCase({ type: 'AddSignal', signalId: 'sig-2', source: 'zorgmelding', reporterRelation: 'buurman' as never, actor: COORDINATOR }, state, ctx));
    expect([relation.code, relation.details]).toEqual(['CASE.FIELD_INVALID', { field: 'reporterRelation' }]);
    const source = refusal(() => decideCase({ type: 'AddSignal', signalId: 'sig-2', source: 'brief' as never, actor: COORDINATOR }, state, ctx));
    expect([source.code, source.details]).toEqual(['CASE.FIELD_INVALID', { field: 'source' }]);
  });
});

describe('Wvggz: the opening command must say which signals are the essentiële naasten\'', () => {
  it.each([
    ['a named signal that is not one of the case\'s signals', { signalIds: ['sig-1'], essentialRelativeSignalIds: ['sig-2'] }, 'CASE.FIELD_INVALID', 'essentialRelativeSignalIds[0]'],
    ['essentialRelativeSignalIds that is not a list', { essentialRelativeSignalIds: 'sig-1' as never }, 'CASE.FIELD_INVALID', 'essentialRelativeSignalIds'],
    ['relation essentiele-naaste without naming the signal', { reporterRelation: 'essentiele-naaste' as const }, 'CASE.FIELD_REQUIRED', 'essentialRelativeSignalIds'],
    ['named naasten with another relation for the case', { reporterRelation: 'buurtbewoner' as const, essentialRelativeSignalIds: ['sig-1'] }, 'CASE.FIELD_INVALID', 'reporterRelation'],
  ])('%s: refused', (_what, overrides, code, field) => {
    const error = refusal(() => decideCase(openCommand(WVGGZ, overrides), NO_CASE, testContext()));
    expect([error.code, error.details]).toEqual([code, { field }]);
  });

  it('a signal named twice is named once', () => {
    const opened = decideCase(openCommand(WVGGZ, { signalIds: ['sig-1', 'sig-2'], essentialRelativeSignalIds: ['sig-2', 'sig-2'] }), NO_CASE, testContext())[0];
    expect(opened).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-2'] });
  });
});

describe('Wvggz: cases opened before the naasten were named still evolve as they did', () => {
  const stored: CaseOpened = {
    type: 'CaseOpened',
    caseId: 'case-old',
    municipality: 'GM0153',
    modelId: WVGGZ.id,
    modelVersion: WVGGZ.version,
    state: 'ontvangen',
    signalIds: ['sig-a', 'sig-b'],
    subjectId: null,
    reporterRelation: 'essentiele-naaste',
    signalReceivedAt: '2025-06-01T08:00:00.000Z',
    responsibilities: { casusregie: 'meldpunt-zorgwekkend-gedrag', bestuurlijkeVerantwoordelijkheid: 'burgemeester' },
    actor: COORDINATOR,
    at: '2025-06-01T08:00:00.000Z',
  };

  it('an old CaseOpened with only a reporter relation gives the same state as before (no names invented)', () => {
    const state = evolveCase(NO_CASE, stored);
    expect(state).toEqual({
      status: 'open',
      caseId: 'case-old',
      municipality: 'GM0153',
      model: { id: WVGGZ.id, version: WVGGZ.version },
      currentState: 'ontvangen',
      stateEnteredAt: stored.at,
      stateEnteredAtVersion: 1,
      openedAt: stored.at,
      subjectId: null,
      reporterRelation: 'essentiele-naaste',
      signalReceivedAt: stored.signalReceivedAt,
      signalIds: ['sig-a', 'sig-b'],
      responsibilities: stored.responsibilities,
      deadlines: [],
      notes: [],
      plan: null,
      referrals: [],
      version: 1,
    });
    const added: CaseEvent = { type: 'SignalAddedToCase', caseId: 'case-old', signalId: 'sig-c', actor: COORDINATOR, at: stored.at };
    expect(foldCase([stored, added])).toEqual({ ...state, signalIds: ['sig-a', 'sig-b', 'sig-c'], version: 2 });
  });

  it('a naaste added to such a case does not become the only one named: the case stays unnamed, so nobody is left out', () => {
    const added: CaseEvent = { type: 'SignalAddedToCase', caseId: 'case-old', signalId: 'sig-c', reportedByEssentialRelative: true, actor: COORDINATOR, at: stored.at };
    const state = foldCase([stored, added]);
    expect(state).toMatchObject({ reporterRelation: 'essentiele-naaste', signalIds: ['sig-a', 'sig-b', 'sig-c'] });
    expect(state).not.toHaveProperty('essentialRelativeSignalIds');
    const ctx = testContext();
    const started = run(state, { type: 'TakeTransition', transition: 'start-verkennend-onderzoek', actor: COORDINATOR }, ctx).state;
    const informed = decideCase({ type: 'TakeTransition', transition: 'besluit-afsluiten', reason: 'Geen zorg nodig', actor: COORDINATOR }, started, ctx).find((e) => e.type === 'ReporterMayBeInformed');
    expect(informed).toMatchObject({ reporterRelation: 'essentiele-naaste' });
    expect(informed).not.toHaveProperty('essentialRelativeSignalIds');
  });

  it('its outcome still raises ReporterMayBeInformed, without names it never recorded', () => {
    const ctx = testContext();
    let state = evolveCase(NO_CASE, stored);
    state = run(state, { type: 'TakeTransition', transition: 'start-verkennend-onderzoek', actor: COORDINATOR }, ctx).state;
    const events = decideCase({ type: 'TakeTransition', transition: 'besluit-afsluiten', reason: 'Geen zorg nodig', actor: COORDINATOR }, state, ctx);
    const informed = events.find((e) => e.type === 'ReporterMayBeInformed');
    expect(informed).toMatchObject({ reporterRelation: 'essentiele-naaste', state: 'afgesloten' });
    expect(informed).not.toHaveProperty('essentialRelativeSignalIds');
  });
});
