/** Nest injection tokens of the processing log. */
export const PROCESSING_LOG_WRITER = Symbol('PROCESSING_LOG_WRITER');
export const SUBJECT_PSEUDONYMIZER = Symbol('SUBJECT_PSEUDONYMIZER');
