import type { CaseCommand } from './case-command.js';
import type { CaseEvent } from './case-event.js';

/*
 * A transition's fields are what a municipality's model asks its users to fill in: a "toelichting" about the person,
 * a number, a yes/no, a list of names. They are about people as much as a reason is, so they are sealed under the
 * case's data key before the events are stored, and destroyed with that key when the subject is erased. Unlike a
 * reason they are sealed AFTER the decision, in the `CaseTransitioned` the decider made: a guard (`fieldEquals`)
 * compares them with the model's value, so the decider must read them as given.
 *
 * Every value is sealed, not only text: a number can be a BSN, a phone number or a child's age, and a yes/no or a
 * list is an answer about a person; nothing needs them in the clear once the guard has read them (no statistic,
 * projection or table reads transition fields). A sealed value is text, so a text is sealed as it is (the keyring
 * opens it back to itself wherever it is read, as a reason) and any other value as its JSON in `{ sealedJson }`,
 * which `transitionFieldsAsGiven` turns back into the value once the keyring has opened it.
 */

/** A number, yes/no or list of texts of a transition's fields, sealed: its JSON as a sealed value. */
export interface SealedFieldValue {
  readonly sealedJson: string;
}

/** `events` with the values of each `CaseTransitioned`'s fields sealed by `seal`; every other event as it is. */
export function sealTransitionFields(events: readonly CaseEvent[], seal: (text: string) => string): CaseEvent[] {
  return events.map((event) => {
    if (event.type !== 'CaseTransitioned' || Object.keys(event.fields).length === 0) return event;
    const sealed = (value: unknown): string | SealedFieldValue => (typeof value === 'string' ? seal(value) : { sealedJson: seal(JSON.stringify(value)) });
    return { ...event, fields: Object.fromEntries(Object.entries(event.fields).map(([name, value]) => [name, sealed(value)])) };
  });
}

/**
 * A transition's fields as they were given, from fields the keyring has opened: a `{ sealedJson }` back to its value,
 * null when its key was destroyed (a text opened to itself already, or to null). Plain values (events stored before
 * fields were sealed) and anything that is not such a wrapper are returned as they are.
 */
export function transitionFieldsAsGiven(fields: unknown): unknown {
  if (!isRecord(fields)) return fields;
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, valueAsGiven(value)]));
}

/** True when `command` is a transition with at least one field value (to be sealed after the decision). */
export function hasTransitionFieldValues(command: CaseCommand): boolean {
  if (command.type !== 'TakeTransition') return false;
  const fields: unknown = command.fields;
  return isRecord(fields) && Object.keys(fields).length > 0;
}

function valueAsGiven(value: unknown): unknown {
  if (!isRecord(value) || Object.keys(value).length !== 1 || !Object.hasOwn(value, 'sealedJson')) return value;
  const opened = value.sealedJson;
  if (opened === null) return null;
  if (typeof opened !== 'string') return value;
  try {
    return JSON.parse(opened);
  } catch {
    // Not opened (or not ours): shown as it is rather than guessed at.
    return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
