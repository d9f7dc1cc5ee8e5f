/** One invalid field of a request or message, as a validation error lists it. */
export interface FieldProblem {
  /** JSON path of the field, e.g. `location.municipality`. */
  path: string;
  /** Names of the failed constraints (e.g. `isNotEmpty`, `whitelistValidation`), never the sent value. */
  constraints: string[];
  message: string;
}
