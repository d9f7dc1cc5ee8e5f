import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { DomainError, echoedName } from '#domain';
import type { FieldProblem } from './field-problem.js';

export type { FieldProblem } from './field-problem.js';

/**
 * The problems of class-validator's errors, with each property named as `echoedName` allows: an unknown property
 * is the caller's key, which class-validator repeats verbatim ("property J. Jansen BSN 111222333 should not exist").
 */
function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const named = echoedName(e.property, 'a field name');
    const path = prefix ? `${prefix}.${named}` : named;
    const messages = Object.values(e.constraints ?? {}).map((message) => renamed(message, e.property, named));
    const own = e.constraints ? [{ path, constraints: Object.keys(e.constraints), message: messages.join('; ') }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** `message` with every mention of the sent `property` replaced by how it may be named. */
function renamed(message: string, property: string, named: string): string {
  return property === '' || property === named ? message : message.split(property).join(named);
}

/**
 * Validates a plain body against a class-validator DTO at an edge (HTTP or Kafka): unknown fields refused, nested
 * objects checked. Text PostgreSQL cannot store is refused before, at the edge (`assertStorableText`). Throws `VALIDATION.FAILED` listing field paths and rule names.
 */
export function validateDto<T extends object>(cls: new () => T, plain: unknown): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new DomainError('VALIDATION.FAILED', 'The body must be a JSON object', { errors: [] });
  }
  // class-transformer skips a field named `constructor`, so the whitelist check never sees it: refuse it here.
  const skipped = constructorKeys(plain);
  if (skipped.length > 0) {
    const problems = skipped.map((path) => ({ path, constraints: ['whitelistValidation'], message: `property ${path} should not exist` }));
    throw new DomainError('VALIDATION.FAILED', `The body has ${problems.length} invalid field(s)`, { errors: problems });
  }
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const problems = flatten(errors);
    throw new DomainError('VALIDATION.FAILED', `The body has ${problems.length} invalid field(s)`, { errors: problems });
  }
  return instance;
}

/** The paths of own `constructor` keys in a parsed JSON value (as deep as bodies may nest). */
function constructorKeys(value: unknown, path = '', depth = 0): string[] {
  if (value === null || typeof value !== 'object' || depth > 128) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path === '' ? echoedName(key, 'a field name') : `${path}.${echoedName(key, 'a field name')}`;
    return [...(key === 'constructor' && !Array.isArray(value) ? [at] : []), ...constructorKeys(v, at, depth + 1)];
  });
}
