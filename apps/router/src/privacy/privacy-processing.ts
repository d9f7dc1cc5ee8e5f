/** Processing activity and legal basis of erasure, retention and legal holds. */
export const PRIVACY_PROCESSING = {
  activity: 'vernietiging-persoonsgegevens',
  legalBasis: 'AVG art. 5(1)(e) opslagbeperking en art. 17 recht op gegevenswissing; Archiefwet 1995 (selectielijst)',
} as const;

/** Event type of a destruction (crypto-shredding) on the stream of the subject or signal it erased. */
export const PERSONAL_DATA_SHREDDED_EVENT_TYPE = 'PersonalDataShredded';
