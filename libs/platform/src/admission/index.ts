export * from './queue-admission.rule.js';
export * from './service-overloaded.error.js';
export * from './admission-control.js';
