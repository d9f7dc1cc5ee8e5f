import {
  decideCase,
  hasTransitionFieldValues,
  modelResolverOf,
  NO_CASE,
  sealTransitionFields,
  transitionFieldsAsGiven,
  withholdErasedTransitionFields,
  type CaseEvent,
  type CaseTransitioned,
  type ModelDefinition,
  type TakeTransitionCommand,
} from '../src/index.js';
import { COORDINATOR, openCommand, refusal, run, testContext, types } from './case.fixtures.js';

/**
 * A municipality's model may ask for fields of its own ("toelichting" about a person, a number, a yes/no, a list of
 * names): personal data as much as a reason. The decider reads them as given (a guard compares them), and every value
 * is sealed in the `CaseTransitioned` it decided before the event is stored; on a case whose key was destroyed they
 * are withheld instead. Readers get them back as given after the keyring opened them.
 */

const model: ModelDefinition = {
  id: 'eigen-velden',
  version: 1,
  title: 'Eigen velden',
  description: 'Een model van een gemeente met eigen velden',
  initialState: 'melding',
  states: [
    { id: 'melding', title: 'Melding' },
    { id: 'gesprek', title: 'Gesprek' },
    { id: 'afgesloten', title: 'Afgesloten', terminal: true },
  ],
  transitions: [
    { name: 'gesprek-voeren', from: ['melding'], to: 'gesprek', rolesAllowed: ['coordinator'], requires: { fields: ['toelichting'] }, optionalFields: ['aantalKinderen', 'betrokkenen', 'spoed'] },
    { name: 'afsluiten-met-toestemming', from: ['gesprek'], to: 'afgesloten', rolesAllowed: ['coordinator'], requires: { fields: ['toestemming'] }, guard: { fieldEquals: { field: 'toestemming', value: true } } },
  ],
  deadlines: [],
};

const given = { toelichting: 'Moeder vertelt dat haar zoon buiten slaapt', aantalKinderen: 3, betrokkenen: ['Oom Kees', 'Tante Ria'], spoed: true };
const talk: TakeTransitionCommand = { type: 'TakeTransition', transition: 'gesprek-voeren', fields: given, actor: COORDINATOR };

/** A stand-in for the keyring: `sealed:<text>` seals, and revealing opens every such string (null: its key was destroyed). */
const seal = (text: string) => `sealed:${text}`;
function reveal(value: unknown, keyDestroyed = false): unknown {
  if (typeof value === 'string') return value.startsWith('sealed:') ? (keyDestroyed ? null : value.slice('sealed:'.length)) : value;
  if (Array.isArray(value)) return value.map((v) => reveal(v, keyDestroyed));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v, keyDestroyed)]));
  return value;
}

function decided(command: TakeTransitionCommand = talk) {
  const ctx = testContext(modelResolverOf([model]));
  const { state } = run(NO_CASE, openCommand(model), ctx);
  return { events: decideCase(command, state, ctx), state, ctx };
}
const transitioned = (events: CaseEvent[]) => events.find((e): e is CaseTransitioned => e.type === 'CaseTransitioned')!;

describe("a transition's field values are sealed after the decision", () => {
  it('every value is sealed: a text as it is, a number, a yes/no or a list as its JSON', () => {
    const sealed = transitioned(sealTransitionFields(decided().events, seal));
    expect(sealed.fields).toEqual({
      toelichting: 'sealed:Moeder vertelt dat haar zoon buiten slaapt',
      aantalKinderen: { sealedJson: 'sealed:3' },
      betrokkenen: { sealedJson: 'sealed:["Oom Kees","Tante Ria"]' },
      spoed: { sealedJson: 'sealed:true' },
    });
  });

  it('leaves the rest of the event and the other events as the decider made them', () => {
    const { events } = decided();
    const sealed = sealTransitionFields(events, seal);
    expect(types(sealed)).toEqual(types(events));
    expect({ ...transitioned(sealed), fields: null }).toEqual({ ...transitioned(events), fields: null });
    expect(sealed.filter((e) => e.type !== 'CaseTransitioned')).toEqual(events.filter((e) => e.type !== 'CaseTransitioned'));
  });

  it('a transition without fields has nothing to seal', () => {
    const { events } = decided();
    const none: CaseEvent[] = events.map((e) => (e.type === 'CaseTransitioned' ? { ...e, fields: {} } : e));
    expect(sealTransitionFields(none, seal)).toEqual(none);
  });

  it('reads back as given once opened, types and all', () => {
    const sealed = transitioned(sealTransitionFields(decided().events, seal));
    expect(transitionFieldsAsGiven(reveal(sealed.fields))).toEqual(given);
  });

  it('reads as null, value by value, once the case key is destroyed', () => {
    const sealed = transitioned(sealTransitionFields(decided().events, seal));
    expect(transitionFieldsAsGiven(reveal(sealed.fields, true))).toEqual({ toelichting: null, aantalKinderen: null, betrokkenen: null, spoed: null });
  });

  it('fields stored in the clear before they were sealed read as they were', () => {
    expect(transitionFieldsAsGiven(given)).toEqual(given);
    expect(transitionFieldsAsGiven({})).toEqual({});
    // Not ours: an object that only looks like a sealed value's wrapper is left as it is.
    expect(transitionFieldsAsGiven({ x: { sealedJson: 'geen json' } })).toEqual({ x: { sealedJson: 'geen json' } });
  });

  it('a guard reads the values as given: the decision is taken before anything is sealed', () => {
    const { state, ctx } = decided();
    const talked = run(state, talk, ctx).state;
    const close = (toestemming: unknown): TakeTransitionCommand => ({ type: 'TakeTransition', transition: 'afsluiten-met-toestemming', fields: { toestemming }, actor: COORDINATOR });
    expect(refusal(() => decideCase(close(false), talked, ctx)).code).toBe('CASE.TRANSITION_NOT_ALLOWED');
    const closing = decideCase(close(true), talked, ctx);
    expect(types(closing)).toEqual(['CaseTransitioned', 'CaseClosed']);
    expect(transitioned(sealTransitionFields(closing, seal)).fields).toEqual({ toestemming: { sealedJson: 'sealed:true' } });
  });

  it('a command carries field values only when it is a transition with at least one field', () => {
    expect(hasTransitionFieldValues(talk)).toBe(true);
    expect(hasTransitionFieldValues({ ...talk, fields: {} })).toBe(false);
    expect(hasTransitionFieldValues({ ...talk, fields: undefined })).toBe(false);
    expect(hasTransitionFieldValues({ type: 'AddNote', text: 'x', visibility: 'intern', actor: COORDINATOR })).toBe(false);
  });
});

describe("on a case whose personal data was erased, a transition's field values are withheld", () => {
  it('the event keeps which fields were given, no value and no ciphertext, and says they were withheld', () => {
    const withheld = transitioned(withholdErasedTransitionFields(decided().events));
    expect(withheld.fields).toEqual({ toelichting: null, aantalKinderen: null, betrokkenen: null, spoed: null });
    expect(withheld.fieldsWithheld).toBe('erased');
    expect(JSON.stringify(withheld)).not.toMatch(/Moeder|Kees|Ria|sealed/);
  });

  it('a transition without fields has nothing to withhold and records no withholding', () => {
    const { events } = decided();
    const none: CaseEvent[] = events.map((e) => (e.type === 'CaseTransitioned' ? { ...e, fields: {} } : e));
    expect(withholdErasedTransitionFields(none)).toEqual(none);
    expect(transitioned(withholdErasedTransitionFields(none))).not.toHaveProperty('fieldsWithheld');
  });
});
