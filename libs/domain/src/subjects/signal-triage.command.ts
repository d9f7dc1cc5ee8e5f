/** Link a signal to a registered subject. `subject` is the subject as found by id, null when there is none. */
export interface LinkSignalToSubject {
  type: 'LinkSignalToSubject';
  subjectId: string;
  subject: { subjectId: string; municipality: string } | null;
}

/** Dismiss a signal with a reason. */
export interface DismissSignal {
  type: 'DismissSignal';
  reason: string;
}

/** What a coordinator can do to a signal in the triage queue (opening a case is a case command). */
export type SignalTriageCommand = LinkSignalToSubject | DismissSignal;
