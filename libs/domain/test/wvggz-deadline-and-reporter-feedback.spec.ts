import {
  decideCase,
  REPORTER_RELATIONS,
  WVGGZ_VERKENNEND_ONDERZOEK_MODEL as WVGGZ,
  type CaseState,
  type DeadlineOpened,
  type ReporterRelation,
} from '../src/index.js';
import { caseIn, COORDINATOR, run, SYSTEM, testContext, types } from './case.fixtures.js';

const DAY = 86_400_000;
const REPORTED = '2025-05-30T08:00:00+02:00'; // Friday morning; the case is opened Monday 2 June

describe('Wvggz: the verkennend onderzoek is due 14 calendar days after the report', () => {
  it('the deadline opens with the case (it runs from the report, in ontvangen and verkennend-onderzoek), to the end of day 14', () => {
    const ctx = testContext();
    const { events } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx, { signalReceivedAt: REPORTED });
    const opened = events.find((e): e is DeadlineOpened => e.type === 'DeadlineOpened')!;
    expect(opened).toEqual({
      type: 'DeadlineOpened',
      caseId: 'case-1',
      deadlineId: expect.any(String),
      definitionId: 'verkennend-onderzoek-afgerond',
      // Opened when the case was opened in ontvangen; the same instance runs on in verkennend-onderzoek.
      state: 'ontvangen',
      startsOn: 'signal-received',
      startedAt: '2025-05-30T06:00:00.000Z',
      duration: { amount: 14, unit: 'calendar-days' },
      // 30 May + 14 days = Friday 13 June; due by the end of that day in Amsterdam (CEST).
      dueAt: '2025-06-13T22:00:00.000Z',
      approachingAt: '2025-06-10T22:00:00.000Z',
      at: ctx.now.toISOString(),
    });
  });

  it('with no report time given, the case opening counts as the report', () => {
    const ctx = testContext();
    const { state } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx);
    expect(state.status === 'open' && state.deadlines[0].dueAt).toBe('2025-06-16T22:00:00.000Z');
  });

  it('when the clock moves 14 days the deadline is breached exactly once', () => {
    const ctx = testContext();
    let { state } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx);
    if (state.status !== 'open') throw new Error('open expected');
    const { deadlineId } = state.deadlines[0];
    ctx.advance(14 * DAY + 12 * 3_600_000);
    const breach = { type: 'RecordDeadlineBreached' as const, deadlineId, actor: SYSTEM };
    const first = run(state, breach, ctx);
    expect(first.events).toEqual([
      {
        type: 'DeadlineBreached',
        caseId: 'case-1',
        deadlineId,
        definitionId: 'verkennend-onderzoek-afgerond',
        state: 'verkennend-onderzoek',
        dueAt: '2025-06-16T22:00:00.000Z',
        at: ctx.now.toISOString(),
      },
    ]);
    state = first.state;
    expect(decideCase(breach, state, ctx)).toEqual([]);
    // A late "approaching" after the breach is pointless: nothing.
    expect(decideCase({ type: 'RecordDeadlineApproaching', deadlineId, actor: SYSTEM }, state, ctx)).toEqual([]);
  });

  it('deciding the outcome closes the deadline and the case', () => {
    const ctx = testContext();
    const { state } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx);
    const events = decideCase(
      { type: 'TakeTransition', transition: 'besluit-vrijwillige-zorg', reason: 'Betrokkene accepteert zorg', actor: COORDINATOR },
      state,
      ctx,
    );
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(events[1]).toMatchObject({ reason: 'case-closed', definitionId: 'verkennend-onderzoek-afgerond' });
  });
});

describe('Wvggz: only an essentiële naaste who reported may be told the outcome', () => {
  const outcomes = ['besluit-vrijwillige-zorg', 'besluit-aanvraag-ovj', 'besluit-afsluiten'] as const;

  function decideOutcome(relation: ReporterRelation | undefined, transition: string) {
    const ctx = testContext();
    // The opening command names the naaste's zorgmelding (the router does: every zorgmelding by an essentiële naaste).
    const naaste = relation === 'essentiele-naaste' ? { essentialRelativeSignalIds: ['sig-1'] } : {};
    const { state } = caseIn(WVGGZ, 'verkennend-onderzoek', ctx, relation ? { reporterRelation: relation, ...naaste } : {});
    return { events: decideCase({ type: 'TakeTransition', transition, reason: 'Onderzoek afgerond', actor: COORDINATOR }, state, ctx), ctx };
  }

  it.each(outcomes)('%s raises ReporterMayBeInformed for an essentiële naaste, with the outcome and the naaste\'s signal', (transition) => {
    const { events, ctx } = decideOutcome('essentiele-naaste', transition);
    const to = WVGGZ.transitions.find((t) => t.name === transition)!.to;
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'ReporterMayBeInformed', 'CaseClosed']);
    expect(events[2]).toEqual({
      type: 'ReporterMayBeInformed',
      caseId: 'case-1',
      modelId: 'wvggz-verkennend-onderzoek',
      modelVersion: WVGGZ.version,
      state: to,
      audience: 'melder',
      reporterRelation: 'essentiele-naaste',
      essentialRelativeSignalIds: ['sig-1'],
      at: ctx.now.toISOString(),
    });
  });

  const others = [...REPORTER_RELATIONS.filter((r) => r !== 'essentiele-naaste'), undefined];
  it.each(outcomes.flatMap((t) => others.map((r) => [t, r] as const)))('%s with reporter relation %s: nothing about the reporter', (transition, relation) => {
    const { events } = decideOutcome(relation, transition);
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
    expect(JSON.stringify(events)).not.toMatch(/melder|ReporterMayBeInformed/);
  });

  it('the relation and the naaste\'s signal are fixed at case opening and kept in the case state', () => {
    const { state } = caseIn(WVGGZ, 'ontvangen', testContext(), { reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: ['sig-1'] });
    expect((state as Extract<CaseState, { status: 'open' }>).reporterRelation).toBe('essentiele-naaste');
    expect((state as Extract<CaseState, { status: 'open' }>).essentialRelativeSignalIds).toEqual(['sig-1']);
  });
});
