/**
 * Where a signal stands in the coordinator's triage queue: `nieuw` (received, not yet looked at),
 * `in-behandeling` (being weighed), `gekoppeld` (linked to a subject/case), `afgewezen` (refused or no action).
 * Intake only produces `nieuw`; the other statuses come with triage.
 */
export const SIGNAL_STATUS = ['nieuw', 'in-behandeling', 'gekoppeld', 'afgewezen'] as const;
export type SignalStatus = (typeof SIGNAL_STATUS)[number];

/** The status every received signal starts in. */
export const INITIAL_SIGNAL_STATUS: SignalStatus = 'nieuw';
