/**
 * The routes of the product that touch no personal data (by OpenAPI path): every other route must be marked
 * `@ProcessesPersonalData` (apps/audit/test/every-personal-data-route-is-logged.spec.ts) and every call of it
 * must write a processing-log line (test/access/access-walk.spec.ts).
 */
export const NOT_PERSONAL: readonly RegExp[] = [
  /^\/health(\/|$)/,
  /^\/docs(\/|$)/,
  /^\/openapi(-ui)?\.json$/,
  /^\/v1\/models(\/|$)/,
  /^\/v1\/audit\/verify$/,
  // Names and table names of the replayable projections.
  /^\/v1\/audit\/projections$/,
  // Counts only (registrations, unique subjects, dismissed per source and MMA theme for a municipality and
  // period): no subject, signal or case id and no field of one leaves the route, so no subject to log against.
  /^\/v1\/statistics\/signals$/,
  // Counts only (cases per model and state, referrals per table, pickup against the deadline, 1 to 4 as "<5"):
  // no subject, case id, free text or field of a case leaves the route.
  /^\/v1\/statistics\/cases$/,
  // Counts only (referrals per table by status and against the acceptance deadline, escalations per tier, 1 to 4
  // as "<5"): no subject, case, referral or escalation id, reason or field of a case leaves the route.
  /^\/v1\/statistics\/tables$/,
  // The configured tables (title, region, topic, deadlines, sharing profile): configuration, no personal data.
  // Everything under /v1/tables/{table}/... is a referral and is logged.
  /^\/v1\/tables$/,
];
