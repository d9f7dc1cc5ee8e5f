/** The registered subject a case is about: the `subjectId` of the `CaseOpened` among the case stream's `events`, if any. */
export function caseSubjectOf(events: readonly { type: string; payload: unknown }[] | undefined): unknown {
  const opened = events?.find((e) => e.type === 'CaseOpened');
  return (opened?.payload as { subjectId?: unknown } | undefined)?.subjectId;
}
