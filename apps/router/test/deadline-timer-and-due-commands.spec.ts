import { describe, expect, it } from '@jest/globals';
import { decideCase, foldCase, freezeModel, WVGGZ_VERKENNEND_ONDERZOEK_MODEL, modelResolverOf, type CaseState } from '#domain';
import { dueDeadlineCommands } from '../src/deadlines/due-deadline-commands.js';
import { nextDeadlineAt } from '../src/deadlines/next-deadline-at.js';
import { parseCaseIfMatch } from '../src/cases/case-http.js';

/**
 * The durable timer (`case_view.next_deadline_at`) is the earliest moment something is still to be recorded,
 * and the scheduler records exactly what has come due: approaching once, breached once, nothing after.
 */

const actor = { id: 'anna', role: 'coordinator' as const };
const opened = new Date('2026-03-02T09:00:00Z');
let ids = 0;
const ctx = (now: Date) => ({ now, newId: () => `id-${++ids}`, models: modelResolverOf([WVGGZ_VERKENNEND_ONDERZOEK_MODEL]) });

function wvggzInOnderzoek(): CaseState {
  let state = foldCase(
    decideCase(
      { type: 'OpenCase', caseId: 'c1', municipality: 'GM0153', model: WVGGZ_VERKENNEND_ONDERZOEK_MODEL, signalIds: ['s1'], signalReceivedAt: opened.toISOString(), actor },
      foldCase([]),
      ctx(opened),
    ),
  );
  state = foldCase(decideCase({ type: 'TakeTransition', transition: 'start-verkennend-onderzoek', actor }, state, ctx(opened)), state);
  return state;
}

function record(state: CaseState, now: Date): CaseState {
  for (const command of dueDeadlineCommands(state, now)) state = foldCase(decideCase(command, state, ctx(now)), state);
  return state;
}

describe('the durable deadline timer', () => {
  it('is the approaching moment first, then the due moment, then nothing', () => {
    let state = wvggzInOnderzoek();
    const d = state.status === 'open' ? state.deadlines[0]! : undefined;
    expect(d).toBeDefined();
    // 14 calendar days from the report, to the end of that day in Amsterdam; approaching 3 days before.
    expect(d!.dueAt).toBe('2026-03-16T23:00:00.000Z');
    expect(d!.approachingAt).toBe('2026-03-13T23:00:00.000Z');
    expect(nextDeadlineAt(state)).toBe(d!.approachingAt);

    expect(dueDeadlineCommands(state, new Date('2026-03-13T22:59:59Z'))).toEqual([]);
    state = record(state, new Date('2026-03-14T08:00:00Z'));
    expect(nextDeadlineAt(state)).toBe(d!.dueAt);
    expect(dueDeadlineCommands(state, new Date('2026-03-14T09:00:00Z'))).toEqual([]);

    state = record(state, new Date(d!.dueAt));
    expect(nextDeadlineAt(state)).toBeNull();
    expect(dueDeadlineCommands(state, new Date('2026-04-01T00:00:00Z'))).toEqual([]);
  });

  it('records only the breach when the clock jumped past the due moment', () => {
    const state = wvggzInOnderzoek();
    const commands = dueDeadlineCommands(state, new Date('2026-03-20T00:00:00Z'));
    expect(commands.map((c) => c.type)).toEqual(['RecordDeadlineBreached']);
    expect(commands[0]!.actor).toEqual({ id: 'system', role: 'system' });
  });

  it('follows a warning a model-version migration moved: the timer is read from the case as it stands', () => {
    // Version 3 keeps the 14-day term (carried as the same term), but warns 1 day ahead instead of 3.
    const lead = { amount: 1, unit: 'calendar-days' } as const;
    const v3 = freezeModel({ ...structuredClone(WVGGZ_VERKENNEND_ONDERZOEK_MODEL), version: 3, deadlines: WVGGZ_VERKENNEND_ONDERZOEK_MODEL.deadlines.map((d) => ({ ...structuredClone(d), approachingLeadTime: lead })) });
    const before = wvggzInOnderzoek();
    const migrate = { type: 'MigrateModelVersion' as const, toModel: v3, stateMapping: {}, reason: 'Later waarschuwen', actor: { id: 'beheerder', role: 'admin' as const } };
    let state = foldCase(decideCase(migrate, before, { ...ctx(opened), models: modelResolverOf([WVGGZ_VERKENNEND_ONDERZOEK_MODEL, v3]) }), before);
    expect(nextDeadlineAt(state)).toBe('2026-03-15T23:00:00.000Z');
    expect(dueDeadlineCommands(state, new Date('2026-03-14T08:00:00Z'))).toEqual([]); // version 2's moment: nothing any more

    state = record(state, new Date('2026-03-15T23:00:00Z'));
    expect(state.status === 'open' && state.deadlines[0]!.approachingRecorded).toBe(true);
    expect(nextDeadlineAt(state)).toBe('2026-03-16T23:00:00.000Z');
  });

  it('has no timer for a closed case', () => {
    let state = wvggzInOnderzoek();
    state = foldCase(decideCase({ type: 'TakeTransition', transition: 'besluit-afsluiten', reason: 'geen zorg nodig', actor }, state, ctx(opened)), state);
    expect(state.status).toBe('closed');
    expect(nextDeadlineAt(state)).toBeNull();
    expect(dueDeadlineCommands(state, new Date('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('If-Match on case writes', () => {
  it('is optional and otherwise exactly one strong ETag "<version>" (an empty header is not an absent one)', () => {
    expect(parseCaseIfMatch(undefined)).toBeUndefined();
    expect(parseCaseIfMatch('*')).toBeUndefined();
    expect(parseCaseIfMatch('"7"')).toBe(7);
    for (const bad of ['7', 'W/"7"', '"7", "8"', '"x"', '""', '', '  ', ['', '']]) {
      expect(() => parseCaseIfMatch(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION.IF_MATCH_INVALID' }));
    }
  });
});
