/** Stable codes of the business errors the case decider raises (as `DomainError.code`). */
export const CASE_ERRORS = {
  /** The command needs an existing case, and there is none. */
  NOT_FOUND: 'CASE.NOT_FOUND',
  /** `OpenCase` for a case id that is already taken. */
  ALREADY_EXISTS: 'CASE.ALREADY_EXISTS',
  /** The case is closed; only deadline records are still accepted (and do nothing). */
  CLOSED: 'CASE.CLOSED',
  /** The case's pinned model version cannot be resolved (details: modelId, version). */
  MODEL_UNKNOWN: 'CASE.MODEL_UNKNOWN',
  /** The model has no transition of that name (details: transition, modelId, modelVersion). */
  TRANSITION_UNKNOWN: 'CASE.TRANSITION_UNKNOWN',
  /** The transition cannot be taken from the current state, or its guard does not hold (details: transition, state, allowed). */
  TRANSITION_NOT_ALLOWED: 'CASE.TRANSITION_NOT_ALLOWED',
  /** The actor's role may not take this transition (details: transition, role, rolesAllowed). */
  ROLE_NOT_ALLOWED: 'CASE.ROLE_NOT_ALLOWED',
  /** A reason text is required and missing or blank. */
  REASON_REQUIRED: 'CASE.REASON_REQUIRED',
  /** The reason category is missing, unknown for this transition, or given where none is asked (details: reasonCategory, allowed). */
  REASON_CATEGORY_INVALID: 'CASE.REASON_CATEGORY_INVALID',
  /** A required field is missing, blank, or a list of nothing but blanks (details: field). */
  FIELD_REQUIRED: 'CASE.FIELD_REQUIRED',
  /** A field the transition does not declare was sent (data minimisation; details: field, allowed). */
  FIELD_UNKNOWN: 'CASE.FIELD_UNKNOWN',
  /** A command field has a malformed or unknown value (details: field). */
  FIELD_INVALID: 'CASE.FIELD_INVALID',
  /** The current state does not allow a referral to that table (details: table, state, allowed). */
  REFERRAL_NOT_ALLOWED: 'CASE.REFERRAL_NOT_ALLOWED',
  /** The table is not in the table directory the decider was given (details: table). */
  TABLE_UNKNOWN: 'CASE.TABLE_UNKNOWN',
  /** The table does not serve the case's municipality (details: table, municipality). */
  TABLE_NOT_SERVING_MUNICIPALITY: 'CASE.TABLE_NOT_SERVING_MUNICIPALITY',
  /** `ApplyReferralOutcome` for a referral the case does not have (details: referralId). */
  REFERRAL_NOT_FOUND: 'CASE.REFERRAL_NOT_FOUND',
  /** The table already decided the other way on this referral (details: referralId, outcome). */
  REFERRAL_ALREADY_DECIDED: 'CASE.REFERRAL_ALREADY_DECIDED',
  /** A model version migration whose target or state mapping does not fit (details: reason). */
  MODEL_MAPPING_INVALID: 'CASE.MODEL_MAPPING_INVALID',
  /**
   * `OpenCase` or `MigrateModelVersion` on a model version limited to other municipalities than the case's (details:
   * model, version, municipality). A `MODEL.*` code: opening a case refuses it before there is a case.
   */
  MODEL_NOT_FOR_MUNICIPALITY: 'MODEL.NOT_FOR_MUNICIPALITY',
} as const;
export type CaseErrorCode = (typeof CASE_ERRORS)[keyof typeof CASE_ERRORS];
