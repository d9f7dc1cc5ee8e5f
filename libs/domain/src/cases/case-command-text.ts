import { isBlankText } from '../shared/visible-text.js';
import type { CaseCommand } from './case-command.js';

/**
 * The free text a coordinator (or a table) writes into a case: transition, regie, migration, referral and
 * return reasons, notes, and the descriptions of plan measures. It is about people, so it is sealed under the
 * case's data key before the events are stored. Blank text (nothing visible, as the decider reads it) is left as it
 * is, so the decider still refuses it: sealed, `\u200b` would have been ciphertext, which is not blank. A transition's
 * field values are sealed too, but in the events after the decision, since a guard reads them (`sealTransitionFields`).
 */
export function mapCaseCommandText(command: CaseCommand, transform: (text: string) => string): CaseCommand {
  const t = (value: string | undefined): string | undefined => (typeof value === 'string' && !isBlankText(value) ? transform(value) : value);
  switch (command.type) {
    case 'TakeTransition':
    case 'ApplyReferralOutcome':
      return command.reason === undefined ? command : { ...command, reason: t(command.reason) };
    case 'HandOverRegie':
    case 'MigrateModelVersion':
    case 'ReferToTable':
      return { ...command, reason: t(command.reason)! };
    case 'AddNote':
      return { ...command, text: t(command.text)! };
    case 'SetPlan':
      return { ...command, measures: command.measures.map((m) => ({ ...m, description: t(m.description)! })) };
    default:
      return command;
  }
}

/** True when the command carries free text that {@link mapCaseCommandText} would seal. */
export function hasCaseCommandText(command: CaseCommand): boolean {
  let found = false;
  mapCaseCommandText(command, (text) => {
    found = true;
    return text;
  });
  return found;
}
