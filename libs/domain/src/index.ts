// Public API of libs/domain: pure rules and types, no I/O.
export * from './shared/domain-error.js';
export * from './shared/bsn.validator.js';
export * from './shared/municipality-code.validator.js';
export * from './shared/iso-instant.parser.js';
export * from './shared/visible-text.js';
export * from './shared/echoed-name.js';

export * from './calendar/calendar-date.js';
export * from './calendar/easter-sunday.js';
export * from './calendar/dutch-public-holidays.js';
export * from './calendar/working-days.js';

export * from './signals/signal-source.js';
export * from './signals/mma-theme.js';
export * from './signals/reporter-relation.js';
export * from './signals/urgency.js';
export * from './signals/involved-kind.js';
export * from './signals/signal-status.js';
export * from './signals/signal-error-codes.js';
export * from './signals/reporter-field.detector.js';
export * from './signals/receive-signal.command.js';
export * from './signals/signal-received.event.js';
export * from './signals/signal-idempotency-key.js';
export * from './signals/receive-signal.decider.js';
export * from './signals/signal-personal-data.js';

export * from './models/model-role.js';
export * from './models/model-definition.js';
export * from './models/default-model-version.js';
export * from './models/model-guard.js';
export * from './models/model-resolver.js';
export * from './models/freeze-model.js';
export * from './models/validate-model.js';
export * from './models/built-in/ondermijning-intake.model.js';
export * from './models/built-in/wvggz-verkennend-onderzoek.model.js';
export * from './models/built-in/ave.model.js';
export * from './models/built-in/zeven-stappenmodel.model.js';
export * from './models/built-in/built-in-models.js';

export * from './cases/plan-measure.js';
export * from './cases/case.js';
export * from './cases/case-command.js';
export * from './cases/case-command-text.js';
export * from './cases/erased-case-text.js';
export * from './cases/transition-field-values.js';
export * from './cases/case-event.js';
export * from './cases/case-errors.js';
export * from './cases/deadline-due.js';
export * from './cases/allowed-transitions.js';
export * from './cases/table-member-standing.js';
export * from './cases/decide-case.js';
export * from './cases/evolve-case.js';

export * from './subjects/subject-kind.js';
export * from './subjects/subject-error-codes.js';
export * from './subjects/name.normalizer.js';
export * from './subjects/postcode.normalizer.js';
export * from './subjects/address.normalizer.js';
export * from './subjects/kvk-number.normalizer.js';
export * from './subjects/subject-identity.js';
export * from './subjects/subject-match.js';
export * from './subjects/subject-registered.event.js';
export * from './subjects/subject-personal-data.js';
export * from './subjects/register-subject.decider.js';
export * from './subjects/signal-subject-hints.js';
export * from './subjects/signal-triage.event.js';
export * from './subjects/signal-triage.command.js';
export * from './subjects/signal-triage.decider.js';
export * from './subjects/signal-statistics.js';

export * from './reporting/small-count.js';
export * from './reporting/pickup-outcome.js';
export * from './reporting/case-statistics.js';
export * from './reporting/acceptance-outcome.js';
export * from './reporting/table-statistics.js';

export * from './tables/shareable-field.js';
export * from './tables/table-definition.js';
export * from './tables/validate-tables-config.js';
export * from './tables/validate-calendars.js';
export * from './tables/municipality-calendar.js';
export * from './tables/built-in-tables.config.js';
export * from './tables/table-directory.js';
export * from './tables/case-sheet.js';
export * from './tables/case-sheet-write.js';
export * from './tables/minimise-case-sheet.js';
export * from './tables/referral-lifecycle.js';
export * from './tables/case-sheet-event-problem.js';
export * from './tables/escalation-policy.js';
export * from './tables/escalation.js';
export * from './tables/police-region.js';

export * from './privacy/retention-rule.js';
export * from './privacy/retention-due.js';
export * from './privacy/built-in-retention-rules.js';
export * from './privacy/validate-retention-config.js';
export * from './privacy/subject-retention.js';
