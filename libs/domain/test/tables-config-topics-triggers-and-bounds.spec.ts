import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, dueAt, NOTIFICATION_TYPES, validateTablesConfig, type TablesConfig } from '../src/index.js';

/*
 * The tables configuration is checked before anything runs, so these mistakes stop the start-up with a
 * message naming the path instead of misrouting referrals, silencing police alerts or blocking a partition.
 */

/** A mutable copy of the shipped configuration to break in one place. */
const copy = (): any => JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
const indexOf = (c: any, id: string): number => c.tables.findIndex((t: any) => t.id === id);
const tableOf = (c: any, id: string) => c.tables[indexOf(c, id)];
const messages = (c: TablesConfig) => validateTablesConfig(c).map((p) => `${p.path}: ${p.message}`);
const pathsOf = (c: TablesConfig) => validateTablesConfig(c).map((p) => p.path);

describe("a table's topic is its own: signaalroute.tables.<its id>.v<N>, used by no other table", () => {
  it('a ZVH table publishing on the RIEC topic is refused, naming the path and why', () => {
    const c = copy();
    const i = indexOf(c, 'zvh-casusoverleg');
    tableOf(c, 'zvh-casusoverleg').topic = 'signaalroute.tables.riec.v1';
    const found = messages(c);
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^tables\\[${i}\\]\\.topic: table "zvh-casusoverleg": topic must look like signaalroute\\.tables\\.zvh-casusoverleg\\.v<N>.*names table "riec"`)));
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^tables\\[${i}\\]\\.topic: .*already the topic of table "riec" \\(tables\\[0\\]\\)`)));
    expect(pathsOf(c).every((p) => p === `tables[${i}].topic`)).toBe(true);
  });

  it('a topic of another version of its own id is accepted (the version suffix is v1, v2, ...)', () => {
    const c = copy();
    tableOf(c, 'riec').topic = 'signaalroute.tables.riec.v2';
    tableOf(c, 'politie').topic = 'signaalroute.tables.politie.v12';
    expect(messages(c)).toEqual([]);
  });

  it.each(['signaalroute.tables.riec.v0', 'signaalroute.tables.riec.v01', 'signaalroute.tables.riec', 'signaalroute.tables.riec.x.v1', 'signaalroute.tables.riec-oost.v1', 'signaalroute.tables.riec.v1 ', 'Signaalroute.tables.riec.v1'])(
    'topic %p for table riec is refused',
    (topic) => {
      const c = copy();
      tableOf(c, 'riec').topic = topic;
      expect(messages(c)).toEqual([expect.stringMatching(/^tables\[0\]\.topic: table "riec": topic must look like signaalroute\.tables\.riec\.v<N>/)]);
    },
  );

  it('a topic that is not text is refused', () => {
    const c = copy();
    tableOf(c, 'riec').topic = 42;
    expect(pathsOf(c)).toEqual(['tables[0].topic']);
  });

  it('two tables on one topic are refused even when each matches its id (the same id twice)', () => {
    const c = copy();
    c.tables.push(copy().tables[0]);
    const last = c.tables.length - 1;
    expect(messages(c)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^tables\\[${last}\\]\\.id: table "riec" is defined twice`)),
        expect.stringMatching(new RegExp(`^tables\\[${last}\\]\\.topic: table "riec": topic "signaalroute\\.tables\\.riec\\.v1" is already the topic of table "riec" \\(tables\\[0\\]\\)`)),
      ]),
    );
  });
});

describe('escalation triggers name known notifications and only the fields a trigger has', () => {
  it.each<[string, unknown]>([
    ['a typo (MayorInfomed), which would silently disable police alerts at AVE-4', 'MayorInfomed'],
    ['a case event type (CaseOpened), which would escalate every case', 'CaseOpened'],
    ['a number', 42],
    ['an empty name', ''],
  ])('a notification trigger that is %s is refused', (_name, notification) => {
    const c = copy();
    c.escalation.triggers.notifications = ['MayorInformed', notification];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.triggers\.notifications\[1\]: .* is not a notification type \(MayorInformed, ReporterMayBeInformed\)/)]);
  });

  it('every notification type the models raise is accepted', () => {
    const c = copy();
    c.escalation.triggers.notifications = [...NOTIFICATION_TYPES];
    expect(messages(c)).toEqual([]);
  });

  it('a notification trigger listed twice is refused', () => {
    const c = copy();
    c.escalation.triggers.notifications = ['MayorInformed', 'MayorInformed'];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.triggers\.notifications\[1\]: "MayorInformed" is listed twice/)]);
  });

  it('a deadline trigger with an unknown field (definitionID) is refused, since without definitionId every deadline of the model escalates', () => {
    const c = copy();
    c.escalation.triggers.deadlinesBreached = [{ modelId: 'ondermijning-intake', definitionID: 'oppakken' }];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.triggers\.deadlinesBreached\[0\]\.definitionID: unknown field "definitionID"/)]);
  });

  it('a transition trigger with an unknown field is refused', () => {
    const c = copy();
    c.escalation.triggers.transitions = [{ modelId: '7-stappenmodel', to: 'stap-2b', from: 'stap-1' }];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.triggers\.transitions\[0\]\.from: unknown field "from"/)]);
  });

  it('an unknown trigger list (deadlineBreached) is refused', () => {
    const c = copy();
    c.escalation.triggers.deadlineBreached = [{ modelId: 'ave' }];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.triggers\.deadlineBreached: unknown field "deadlineBreached"/)]);
  });

  it.each<[string, unknown, string]>([
    ['an empty definitionId', { modelId: 'ave', definitionId: '' }, 'escalation.triggers.deadlinesBreached[0].definitionId'],
    ['a blank definitionId', { modelId: 'ave', definitionId: '  ' }, 'escalation.triggers.deadlinesBreached[0].definitionId'],
    ['a definitionId that is not text', { modelId: 'ave', definitionId: 7 }, 'escalation.triggers.deadlinesBreached[0].definitionId'],
    ['a null definitionId', { modelId: 'ave', definitionId: null }, 'escalation.triggers.deadlinesBreached[0].definitionId'],
    ['a missing modelId', { definitionId: 'oppakken' }, 'escalation.triggers.deadlinesBreached[0].modelId'],
    ['a modelId that is not text', { modelId: 3 }, 'escalation.triggers.deadlinesBreached[0].modelId'],
    ['an entry that is not an object', 'ave', 'escalation.triggers.deadlinesBreached[0]'],
  ])('a deadline trigger with %s is refused at its path', (_name, entry, path) => {
    const c = copy();
    c.escalation.triggers.deadlinesBreached = [entry];
    expect(pathsOf(c)).toEqual([path]);
  });

  it.each<[string, unknown, string]>([
    ['an empty to', { modelId: '7-stappenmodel', to: '' }, 'escalation.triggers.transitions[0].to'],
    ['a to that is not text', { modelId: '7-stappenmodel', to: 2 }, 'escalation.triggers.transitions[0].to'],
    ['a missing to', { modelId: '7-stappenmodel' }, 'escalation.triggers.transitions[0].to'],
    ['an empty modelId', { modelId: '', to: 'stap-2b' }, 'escalation.triggers.transitions[0].modelId'],
    ['an entry that is null', null, 'escalation.triggers.transitions[0]'],
  ])('a transition trigger with %s is refused at its path', (_name, entry, path) => {
    const c = copy();
    c.escalation.triggers.transitions = [entry];
    expect(pathsOf(c)).toEqual([path]);
  });

  it("triggers may name a municipality's own models, deadlines and states (models are not built-in only)", () => {
    const c = copy();
    c.escalation.triggers.transitions.push({ modelId: 'eigen-huisverbod', to: 'politie-inzet' });
    c.escalation.triggers.deadlinesBreached.push({ modelId: 'eigen-huisverbod', definitionId: 'eerste-contact' }, { modelId: 'eigen-huisverbod' });
    expect(messages(c)).toEqual([]);
  });
});

describe('numbers in the tables configuration have upper bounds, so a typo is refused instead of throwing later or waiting months', () => {
  it.each([1e13, 150_000, 10_081])('ackTimeoutMinutes %p is refused: a tier acknowledges within 7 days (10080 minutes)', (minutes) => {
    const c = copy();
    c.escalation.policies[0].tiers[1].ackTimeoutMinutes = minutes;
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.policies\[0\]\.tiers\[1\]\.ackTimeoutMinutes: must be a whole number of minutes from 1 to 10080 \(7 days\)/)]);
  });

  it('ackTimeoutMinutes of exactly 7 days is accepted', () => {
    const c = copy();
    c.escalation.policies[0].tiers[1].ackTimeoutMinutes = 10_080;
    expect(messages(c)).toEqual([]);
  });

  it.each([11, 1_000, 1e13])('repeat %p is refused: at most 10 extra notifications per tier', (repeat) => {
    const c = copy();
    c.escalation.policies[1].tiers[0].repeat = repeat;
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.policies\[1\]\.tiers\[0\]\.repeat: must be a whole number from 0 to 10/)]);
  });

  it.each<[string, number]>([
    ['calendar-days', 365],
    ['working-days', 260],
    ['hours', 8_760],
  ])('an acceptance deadline or reminder lead time of at most a year (%s up to %p) is accepted, one more is refused', (unit, max) => {
    const ok = copy();
    tableOf(ok, 'riec').acceptanceDeadline = { amount: max, unit };
    tableOf(ok, 'riec').reminderLeadTime = { amount: max, unit };
    expect(messages(ok)).toEqual([]);
    const tooLong = copy();
    tableOf(tooLong, 'riec').acceptanceDeadline = { amount: max + 1, unit };
    tableOf(tooLong, 'politie').reminderLeadTime = { amount: max + 1, unit };
    const p = indexOf(tooLong, 'politie');
    expect(messages(tooLong)).toEqual([
      expect.stringMatching(new RegExp(`^tables\\[0\\]\\.acceptanceDeadline: must be \\{ amount: a whole number from 1 to ${max}, unit: ${unit} \\} \\(at most a year\\); got ${max + 1}`)),
      expect.stringMatching(new RegExp(`^tables\\[${p}\\]\\.reminderLeadTime: must be \\{ amount: a whole number from 0 to ${max}, unit: ${unit} \\} \\(at most a year\\); got ${max + 1}`)),
    ]);
  });

  it('an acceptance deadline of 10000000 calendar days is refused (it would throw a RangeError when a referral is made)', () => {
    const c = copy();
    tableOf(c, 'riec').acceptanceDeadline = { amount: 10_000_000, unit: 'calendar-days' };
    expect(pathsOf(c)).toEqual(['tables[0].acceptanceDeadline']);
    expect(() => dueAt(new Date('2025-01-06T09:00:00Z'), { amount: 10_000_000, unit: 'calendar-days' })).toThrow(RangeError);
  });

  it.each<[string, number]>([
    ['calendar-days', 365],
    ['working-days', 260],
    ['hours', 8_760],
  ])('the largest accepted duration (%s: %p) gives a due moment', (unit, max) => {
    const due = dueAt(new Date('2025-01-06T09:00:00Z'), { amount: max, unit: unit as 'hours' });
    expect(Number.isNaN(due.getTime())).toBe(false);
  });
});
