/**
 * What a subject is: the person, address, business or youth group that several signals can be about.
 * Repeat reports are linked to one subject so statistics can count unique subjects (DOMAIN.md §2, §7).
 */
export const SUBJECT_KINDS = ['person', 'address', 'business', 'youth-group'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** True when `value` is one of {@link SUBJECT_KINDS}. */
export function isSubjectKind(value: unknown): value is SubjectKind {
  return (SUBJECT_KINDS as readonly unknown[]).includes(value);
}
