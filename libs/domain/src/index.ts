// Public API of libs/domain: pure rules and types, no I/O.
export * from './shared/domain-error.js';
export * from './shared/bsn.validator.js';
export * from './shared/municipality-code.validator.js';
export * from './shared/iso-instant.parser.js';

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

export * from './models/model-role.js';
export * from './models/model-definition.js';
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
export * from './cases/case-event.js';
export * from './cases/case-errors.js';
export * from './cases/deadline-due.js';
export * from './cases/allowed-transitions.js';
export * from './cases/decide-case.js';
export * from './cases/evolve-case.js';
