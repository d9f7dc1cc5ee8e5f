import { isBlankText } from '../shared/visible-text.js';
import type { CaseCommand } from './case-command.js';
import type { CaseEvent } from './case-event.js';

/**
 * A command with free text, for a case whose data key was destroyed (an erasure of its subject), so the text can no
 * longer be sealed. A transition still goes ahead, whichever it is (closing, but also moving down or up first): the
 * case must be able to move on and close, or it stays open for good, its terms keep breaching and no retention rule
 * applies to it. Its reason is still required where the transition requires one, but withheld: the command goes on
 * without it, marked `reasonWithheld: 'erased'`, so no text reaches the events (its field values are withheld after
 * the decision, which reads them: `withholdErasedTransitionFields`). Any other command with free text (a
 * note, the plan, a regie handover, a model-version migration, a referral, a table's return) adds text about people to
 * a case whose personal data is gone, or shares it: null, it is refused. A transition without a reason (absent or
 * blank) has nothing to withhold and is returned as it is, so the decider still refuses it where a reason is required.
 */
export function withholdErasedCaseText(command: CaseCommand): CaseCommand | null {
  if (command.type !== 'TakeTransition') return null;
  if (typeof command.reason !== 'string' || isBlankText(command.reason)) return command;
  const { reason: _withheld, ...rest } = command;
  return { ...rest, reasonWithheld: 'erased' };
}

/**
 * The events decided for a case whose data key was destroyed, with the values of each `CaseTransitioned`'s fields
 * withheld: they cannot be sealed, and the transition still goes ahead (see above). The decider read them as given (a
 * required field is still required, a guard still compares them); the event keeps which fields were given, each with
 * a null value, marked `fieldsWithheld: 'erased'`, so neither their text nor any ciphertext is stored. A transition
 * without fields has nothing to withhold and records no withholding.
 */
export function withholdErasedTransitionFields(events: readonly CaseEvent[]): CaseEvent[] {
  return events.map((event) => {
    if (event.type !== 'CaseTransitioned' || Object.keys(event.fields).length === 0) return event;
    return { ...event, fields: Object.fromEntries(Object.keys(event.fields).map((name) => [name, null])), fieldsWithheld: 'erased' };
  });
}
