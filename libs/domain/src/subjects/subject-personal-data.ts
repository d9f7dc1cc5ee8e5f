import type { SubjectRegisteredPayload } from './subject-registered.event.js';

/**
 * The personal data of a registered subject: sealed under the subject's data key before the event is
 * stored. A business's KvK number and a youth group's name stay readable (they identify no natural person
 * and the registry needs them in the clear); a person's or address's identifying values do not.
 */
export const SUBJECT_PERSONAL_FIELDS = ['name', 'birthDate', 'bsn', 'address', 'postcode'] as const satisfies readonly (keyof SubjectRegisteredPayload)[];

/** A copy of `payload` with each present personal field passed through `transform`. */
export function mapSubjectPersonalData(payload: SubjectRegisteredPayload, transform: (value: string) => string): SubjectRegisteredPayload {
  const copy = { ...payload };
  for (const field of SUBJECT_PERSONAL_FIELDS) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = transform(value);
  }
  return copy;
}
