import { isBlankText } from '../shared/visible-text.js';
import type { CaseCommand } from './case-command.js';

/**
 * A command with free text, for a case whose data key was destroyed (an erasure of its subject), so the text can no
 * longer be sealed. A transition still goes ahead, whichever it is (closing, but also moving down or up first): the
 * case must be able to move on and close, or it stays open for good, its terms keep breaching and no retention rule
 * applies to it. Its reason is still required where the transition requires one, but withheld: the command goes on
 * without it, marked `reasonWithheld: 'erased'`, so no text reaches the events. Any other command with free text (a
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
