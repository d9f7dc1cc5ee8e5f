import { BUILT_IN_MODEL_VERSIONS } from '../models/built-in/built-in-models.js';
import type { ModelDefinition } from '../models/model-definition.js';
import { DomainError } from '../shared/domain-error.js';
import { SIGNAL_SOURCES, type SignalSource } from '../signals/signal-source.js';
import { fieldsOf, unknownFields } from '../shared/known-fields.js';
import { visibleLength } from '../shared/visible-text.js';
import { retentionStart } from './retention-due.js';
import {
  RETENTION_OUTCOME_KINDS,
  RETENTION_UNITS,
  type RetentionConfig,
  type RetentionFacts,
  type RetentionOutcome,
  type RetentionPeriod,
  type RetentionRule,
  type SubjectRetentionConfig,
} from './retention-rule.js';

const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Longest period a rule may name (a typo such as 1000 years is refused rather than meaning "forever"). */
const MAX_AMOUNT = { days: 36_500, months: 1_200, years: 100 } as const;
/** The fields of each object of a rules file; any other key is refused (a misspelt `retentionClasses` would widen the rule). */
const CONFIG_FIELDS = fieldsOf<RetentionConfig>({ rules: true, subjects: true });
const RULE_FIELDS = fieldsOf<RetentionRule>({ id: true, title: true, sources: true, outcome: true, keep: true });
const PERIOD_FIELDS = fieldsOf<RetentionPeriod>({ amount: true, unit: true });
const SUBJECTS_FIELDS = fieldsOf<SubjectRetentionConfig>({ keepNeverLinked: true });
const CASE_CLOSED_FIELDS = fieldsOf<Extract<RetentionOutcome, { kind: 'case-closed' }>>({ kind: true, model: true, states: true, retentionClasses: true });

type Add = (path: string, message: string) => void;

/** One thing wrong with a retention configuration: where (e.g. `rules[2].keep.unit`) and what. */
export interface RetentionConfigProblem {
  path: string;
  message: string;
}

/**
 * Checks a retention configuration and returns every problem (empty when valid). Every object has a fixed set of
 * fields (any other key is refused); the rules are at least one, since with none nothing is ever destroyed. A rule's
 * title is at least 10 characters as a reader sees them (`visibleLength`): invisible characters do not count.
 */
export function validateRetentionConfig(config: unknown): RetentionConfigProblem[] {
  const problems: RetentionConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const rules = (config as RetentionConfig | null)?.rules;
  if (typeof config !== 'object' || config === null || !Array.isArray(rules)) {
    add('rules', 'must be a list of retention rules');
    return problems;
  }
  for (const { key, message } of unknownFields(config, CONFIG_FIELDS)) add(key, message);
  if (rules.length === 0) add('rules', 'must name at least one retention rule: without one no personal data is ever destroyed');
  const seen = new Set<string>();
  rules.forEach((r: unknown, i) => {
    const at = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) return add(at, 'must be an object');
    const rule = r as Record<string, unknown>;
    const name = `rule "${String(rule.id)}"`;
    for (const { key, message } of unknownFields(rule, RULE_FIELDS)) add(`${at}.${key}`, `${name}: ${message}`);
    if (typeof rule.id !== 'string' || !KEBAB_ID.test(rule.id)) add(`${at}.id`, `"${String(rule.id)}" is not a kebab-case rule id`);
    else if (seen.has(rule.id)) add(`${at}.id`, `rule "${rule.id}" is defined twice`);
    else seen.add(rule.id);
    if (typeof rule.title !== 'string' || visibleLength(rule.title) < 10) add(`${at}.title`, `${name} needs a title that says what it does (at least 10 visible characters)`);
    if (rule.sources !== undefined) {
      if (!Array.isArray(rule.sources) || rule.sources.length === 0) add(`${at}.sources`, `${name}: sources must be a non-empty list (leave it out for every source)`);
      else rule.sources.forEach((s, j) => !(SIGNAL_SOURCES as readonly unknown[]).includes(s) && add(`${at}.sources[${j}]`, `${name}: "${String(s)}" is not a source (${SIGNAL_SOURCES.join(', ')})`));
    }
    checkOutcome(`${at}.outcome`, name, rule.outcome, add);
    checkPeriod(`${at}.keep`, name, 'keep', rule.keep, add);
  });
  if ('subjects' in config) checkSubjects((config as { subjects: unknown }).subjects, add);
  return problems;
}

/** A period is `{ amount, unit }` (no other field), a whole amount from 1 up to MAX_AMOUNT in its unit. */
function checkPeriod(at: string, name: string, field: string, period: unknown, add: Add): void {
  const keep = period as { amount?: unknown; unit?: unknown } | null | undefined;
  if (typeof keep === 'object' && keep !== null) for (const { key, message } of unknownFields(keep, PERIOD_FIELDS)) add(`${at}.${key}`, `${name}: ${message}`);
  if (typeof keep !== 'object' || keep === null || !(RETENTION_UNITS as readonly unknown[]).includes(keep.unit)) {
    add(at, `${name}: ${field} must be { amount, unit: ${RETENTION_UNITS.join(' | ')} }`);
  } else if (!Number.isSafeInteger(keep.amount) || (keep.amount as number) < 1 || (keep.amount as number) > MAX_AMOUNT[keep.unit as keyof typeof MAX_AMOUNT]) {
    add(`${at}.amount`, `${name}: amount must be a whole number from 1 to ${MAX_AMOUNT[keep.unit as keyof typeof MAX_AMOUNT]} ${String(keep.unit)}`);
  }
}

/** `subjects`, when present: `{ keepNeverLinked: { amount, unit } }` (the retention of subjects never linked to anything). */
function checkSubjects(subjects: unknown, add: Add): void {
  if (typeof subjects !== 'object' || subjects === null || Array.isArray(subjects)) return add('subjects', 'must be { keepNeverLinked: { amount, unit } }');
  for (const { key, message } of unknownFields(subjects, SUBJECTS_FIELDS)) add(`subjects.${key}`, message);
  checkPeriod('subjects.keepNeverLinked', 'subjects', 'keepNeverLinked', (subjects as { keepNeverLinked?: unknown }).keepNeverLinked, add);
}

/**
 * An outcome is `{ kind }`, for `case-closed` also `model`, `states` and `retentionClasses`. A field of a
 * `case-closed` outcome on another kind does not apply; any other key is unknown.
 */
function checkOutcome(at: string, name: string, outcome: unknown, add: Add): void {
  const o = outcome as Record<string, unknown> | null | undefined;
  if (typeof o !== 'object' || o === null || !(RETENTION_OUTCOME_KINDS as readonly unknown[]).includes(o.kind)) {
    return add(`${at}.kind`, `${name}: outcome.kind must be one of ${RETENTION_OUTCOME_KINDS.join(', ')}`);
  }
  const allowed = o.kind === 'case-closed' ? CASE_CLOSED_FIELDS : ['kind'];
  for (const { key, message } of unknownFields(o, allowed)) {
    add(`${at}.${key}`, `${name}: ${CASE_CLOSED_FIELDS.includes(key) ? `"${key}" does not apply to outcome ${String(o.kind)}` : message}`);
  }
  if (o.model !== undefined && (typeof o.model !== 'string' || !KEBAB_ID.test(o.model))) add(`${at}.model`, `${name}: model must be a model id`);
  if (o.states !== undefined) {
    if (!Array.isArray(o.states) || o.states.length === 0) add(`${at}.states`, `${name}: states must be a non-empty list of state ids (leave it out for every closing state)`);
    else o.states.forEach((s, j) => (typeof s !== 'string' || !KEBAB_ID.test(s)) && add(`${at}.states[${j}]`, `${name}: "${String(s)}" is not a state id`));
  }
  if (o.retentionClasses !== undefined) checkRetentionClasses(`${at}.retentionClasses`, name, o.retentionClasses, add);
}

/** `retentionClasses`, when present: a non-empty list of distinct kebab-case classes (as models declare them on terminal states). */
function checkRetentionClasses(at: string, name: string, classes: unknown, add: Add): void {
  if (!Array.isArray(classes) || classes.length === 0) return add(at, `${name}: retentionClasses must be a non-empty list of retention classes (leave it out for every class)`);
  const seen = new Set<string>();
  classes.forEach((c, j) => {
    if (typeof c !== 'string' || !KEBAB_ID.test(c)) add(`${at}[${j}]`, `${name}: "${String(c)}" is not a kebab-case retention class`);
    else if (seen.has(c)) add(`${at}[${j}]`, `${name}: retention class "${c}" is named twice`);
    else seen.add(c);
  });
}

/**
 * Throws `RETENTION.CONFIG_INVALID` listing every problem (details.problems) unless the configuration is
 * valid; the message names each path, so a bad rules file stops the start-up saying what is wrong.
 */
export function assertValidRetentionConfig(config: unknown): asserts config is RetentionConfig {
  const problems = validateRetentionConfig(config);
  if (problems.length > 0) {
    throw new DomainError('RETENTION.CONFIG_INVALID', `invalid retention rules:\n  - ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  - ')}`, { problems });
  }
}

/**
 * Checks that a (format-valid) configuration's `case-closed` rules name models and closing states that exist:
 * `closingStates` maps each known model id to the ids of its closing (terminal) states over all its versions.
 * A rule naming an unknown model or a state no case of it is ever closed in never matches, so the signals it
 * was meant to keep fall through to a later (often shorter) rule and are destroyed too early. Without a
 * `model`, each state must close some model. Returns every problem (empty when all are known).
 */
export function validateRetentionConfigModels(config: RetentionConfig, closingStates: ReadonlyMap<string, ReadonlySet<string>>): RetentionConfigProblem[] {
  const problems: RetentionConfigProblem[] = [];
  const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort().join(', ');
  config.rules.forEach((rule, i) => {
    const outcome = rule.outcome;
    if (outcome.kind !== 'case-closed') return;
    const at = `rules[${i}].outcome`;
    const name = `rule "${rule.id}"`;
    if (outcome.model !== undefined) {
      const closing = closingStates.get(outcome.model);
      if (!closing) {
        problems.push({ path: `${at}.model`, message: `${name}: unknown model "${outcome.model}" (known models: ${sorted(closingStates.keys())})` });
        return;
      }
      outcome.states?.forEach((s, j) => {
        if (!closing.has(s)) problems.push({ path: `${at}.states[${j}]`, message: `${name}: "${s}" is not a closing state of model "${outcome.model}" (its closing states: ${sorted(closing)})` });
      });
      return;
    }
    if (!outcome.states) return;
    const anyClosing = new Set([...closingStates.values()].flatMap((states) => [...states]));
    outcome.states.forEach((s, j) => {
      if (!anyClosing.has(s)) problems.push({ path: `${at}.states[${j}]`, message: `${name}: "${s}" is not a closing state of any model (closing states: ${sorted(anyClosing)})` });
    });
  });
  return problems;
}

/**
 * Checks that a (format-valid) configuration's retention classes agree with the models, both ways. Its `case-closed`
 * rules name retention classes some model declares on a closing state: `classesByModel` maps each known model id to
 * the classes its terminal states declare over all its versions. A rule naming a class no case is ever closed with
 * never matches, and the signals it was meant to keep fall through to another rule, as with a misspelt state. With
 * a `model`, that model must declare the class; a rule naming an unknown model is left to
 * `validateRetentionConfigModels`. And every class a built-in model version declares is applied by the rules
 * (`builtInClassesNotApplied`). Returns every problem.
 */
export function validateRetentionConfigClasses(config: RetentionConfig, classesByModel: ReadonlyMap<string, ReadonlySet<string>>): RetentionConfigProblem[] {
  const problems: RetentionConfigProblem[] = [];
  const listed = (classes: Iterable<string>) => [...new Set(classes)].sort().join(', ') || 'none';
  const anyModel = new Set([...classesByModel.values()].flatMap((classes) => [...classes]));
  config.rules.forEach((rule, i) => {
    const outcome = rule.outcome;
    if (outcome.kind !== 'case-closed' || !outcome.retentionClasses) return;
    const declared = outcome.model === undefined ? anyModel : classesByModel.get(outcome.model);
    if (!declared) return;
    const where = outcome.model === undefined ? 'any model' : `model "${outcome.model}"`;
    const known = outcome.model === undefined ? `known retention classes: ${listed(declared)}` : `its retention classes: ${listed(declared)}`;
    outcome.retentionClasses.forEach((c, j) => {
      if (!declared.has(c)) problems.push({ path: `rules[${i}].outcome.retentionClasses[${j}]`, message: `rule "${rule.id}": no closing state of ${where} declares retention class "${c}" (${known})` });
    });
  });
  return [...problems, ...builtInClassesNotApplied(config.rules)];
}

/**
 * A problem (at `rules`) for each closing state of a built-in model version whose retention class the rules do not
 * apply (`unenforcedRetentionClasses`), once per model, state and class. A file that replaces the built-in rules
 * must keep their promises: without it, `{"rules": [...]}` with no rule for the CCV protocol's
 * `een-jaar-versleuteld-dan-vernietigen` would keep "no action" undermining signals five years, or for ever.
 * Versions published in the database are checked when they are published (`MODEL.RETENTION_CLASS_UNKNOWN`).
 */
function builtInClassesNotApplied(rules: readonly RetentionRule[]): RetentionConfigProblem[] {
  const reported = new Set<string>();
  return BUILT_IN_MODEL_VERSIONS.flatMap((model) =>
    unenforcedRetentionClasses(model, rules).flatMap((u) => {
      const key = JSON.stringify([model.id, u.state, u.retentionClass]);
      if (reported.has(key)) return [];
      reported.add(key);
      const known = u.known.length > 0 ? u.known.join(', ') : 'none';
      const decided = u.decidedBy ? `; rule "${u.decidedBy}" comes first and decides for such a case` : '';
      return [
        {
          path: 'rules',
          message: `built-in model "${model.id}": state "${u.state}" declares retention class "${u.retentionClass}", but no rule applies it to a case closed there (classes the rules apply there: ${known}${decided})`,
        },
      ];
    }),
  );
}

/** A terminal state of a model version declaring a retention class that no rule applies to its cases. */
export interface UnenforcedRetentionClass {
  state: string;
  retentionClass: string;
  /** The classes the rules do apply to cases of this model closed in this state, sorted. */
  known: string[];
  /** The rule that decides for such a case instead (the first that matches it, naming no class or another), if any. */
  decidedBy: string | null;
}

/**
 * The terminal states of `model` whose retention class is not applied to a case of this model closed there. A rule
 * naming the class must admit the case (its `model` and `states`, when given), and for every signal source such a
 * rule takes, the first rule matching a signal of that source must be one naming the class: the first matching
 * rule decides, so a broader rule before it would shadow it. A class nobody applies is a retention promise the
 * product does not keep: the cases go to whatever rule matches them first. Empty when every class is applied.
 */
export function unenforcedRetentionClasses(model: ModelDefinition, rules: readonly RetentionRule[]): UnenforcedRetentionClass[] {
  /** The rule's model and states admit a case of this model closed in `state` (its class aside). */
  const admitsState = (r: RetentionRule, state: string) =>
    r.outcome.kind === 'case-closed' && (r.outcome.model === undefined || r.outcome.model === model.id) && (r.outcome.states === undefined || r.outcome.states.includes(state));
  const names = (r: RetentionRule, retentionClass: string) => r.outcome.kind === 'case-closed' && r.outcome.retentionClasses?.includes(retentionClass) === true;
  return model.states.flatMap((s) => {
    const retentionClass = s.retentionClass;
    if (!s.terminal || retentionClass === undefined) return [];
    // A signal of `source` in a case closed there, matched by the rules exactly as the retention job matches it.
    const facts = (source: SignalSource): RetentionFacts => ({ source, receivedAt: CLOSED_AT, dismissedAt: null, case: { model: model.id, state: s.id, retentionClass, closedAt: CLOSED_AT } });
    const matches = (r: RetentionRule, source: SignalSource) => retentionStart(r, facts(source)) !== null;
    const naming = rules.filter((r) => names(r, retentionClass));
    const sources = SIGNAL_SOURCES.filter((source) => naming.some((r) => matches(r, source)));
    const firsts = (sources.length > 0 ? sources : SIGNAL_SOURCES).map((source) => rules.find((r) => matches(r, source)));
    const shadowing = firsts.find((r) => !r || !names(r, retentionClass));
    if (sources.length > 0 && shadowing === undefined) return [];
    const known = rules.flatMap((r) => (r.outcome.kind === 'case-closed' && r.outcome.retentionClasses && admitsState(r, s.id) ? [...r.outcome.retentionClasses] : []));
    return [{ state: s.id, retentionClass, known: [...new Set(known)].sort(), decidedBy: shadowing?.id ?? firsts.find((r) => r !== undefined)?.id ?? null }];
  });
}

/** Any moment: whether a rule matches a closed case does not depend on when it closed. */
const CLOSED_AT = '2000-01-01T00:00:00.000Z';
