import { DomainError } from '../shared/domain-error.js';
import {
  DEADLINE_STARTS,
  DURATION_UNITS,
  type DurationUnit,
  isNotificationType,
  isResponsibilityKind,
  MAX_MODEL_MUNICIPALITIES,
  type ModelDeadline,
  type ModelDefinition,
  type ModelNotification,
  type ModelState,
  type ModelTransition,
  type TransitionRequirements,
} from './model-definition.js';
import { isModelRole } from './model-role.js';
import { echoedName, echoedValue } from '../shared/echoed-name.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { isVisibleText } from '../shared/visible-text.js';
import { isReporterRelation, REPORTER_RELATIONS } from '../signals/reporter-relation.js';

/** Stable codes of the problems {@link validateModelDefinition} reports. */
export const MODEL_PROBLEMS = {
  SHAPE_INVALID: 'SHAPE_INVALID',
  ID_INVALID: 'ID_INVALID',
  VERSION_INVALID: 'VERSION_INVALID',
  STATE_DUPLICATE: 'STATE_DUPLICATE',
  INITIAL_STATE_UNKNOWN: 'INITIAL_STATE_UNKNOWN',
  INITIAL_STATE_TERMINAL: 'INITIAL_STATE_TERMINAL',
  RESPONSIBILITY_UNKNOWN: 'RESPONSIBILITY_UNKNOWN',
  REFERRAL_TABLE_INVALID: 'REFERRAL_TABLE_INVALID',
  NOTIFICATION_INVALID: 'NOTIFICATION_INVALID',
  RETENTION_ON_NON_TERMINAL: 'RETENTION_ON_NON_TERMINAL',
  TRANSITION_DUPLICATE: 'TRANSITION_DUPLICATE',
  TRANSITION_FROM_UNKNOWN: 'TRANSITION_FROM_UNKNOWN',
  TRANSITION_FROM_TERMINAL: 'TRANSITION_FROM_TERMINAL',
  TRANSITION_TO_UNKNOWN: 'TRANSITION_TO_UNKNOWN',
  TRANSITION_ROLES_EMPTY: 'TRANSITION_ROLES_EMPTY',
  TRANSITION_ROLE_UNKNOWN: 'TRANSITION_ROLE_UNKNOWN',
  TRANSITION_REQUIREMENTS_INVALID: 'TRANSITION_REQUIREMENTS_INVALID',
  GUARD_INVALID: 'GUARD_INVALID',
  TRANSITION_TABLES_INVALID: 'TRANSITION_TABLES_INVALID',
  DEADLINE_DUPLICATE: 'DEADLINE_DUPLICATE',
  DEADLINE_STATE_UNKNOWN: 'DEADLINE_STATE_UNKNOWN',
  DEADLINE_ON_TERMINAL_STATE: 'DEADLINE_ON_TERMINAL_STATE',
  DEADLINE_PAUSED_IN_UNKNOWN: 'DEADLINE_PAUSED_IN_UNKNOWN',
  DEADLINE_RUNS_IN_UNKNOWN: 'DEADLINE_RUNS_IN_UNKNOWN',
  DEADLINE_RUNS_AND_PAUSES_IN: 'DEADLINE_RUNS_AND_PAUSES_IN',
  DEADLINE_START_INVALID: 'DEADLINE_START_INVALID',
  DEADLINE_DURATION_INVALID: 'DEADLINE_DURATION_INVALID',
  DEADLINE_REOPENED: 'DEADLINE_REOPENED',
  STATE_UNREACHABLE: 'STATE_UNREACHABLE',
  STATE_DEAD_END: 'STATE_DEAD_END',
  STATE_CANNOT_CLOSE: 'STATE_CANNOT_CLOSE',
  FIELD_UNKNOWN: 'FIELD_UNKNOWN',
  MUNICIPALITIES_INVALID: 'MUNICIPALITIES_INVALID',
  MUNICIPALITY_INVALID: 'MUNICIPALITY_INVALID',
  MUNICIPALITY_DUPLICATE: 'MUNICIPALITY_DUPLICATE',
} as const;
export type ModelProblemCode = (typeof MODEL_PROBLEMS)[keyof typeof MODEL_PROBLEMS];

/** The fields each part of a definition may have (`model-definition.ts`); any other is a problem. */
const MODEL_FIELDS = ['id', 'version', 'title', 'description', 'states', 'initialState', 'transitions', 'deadlines', 'municipalities'] as const satisfies readonly (keyof ModelDefinition)[];
const STATE_FIELDS = ['id', 'title', 'terminal', 'responsibilities', 'referrals', 'notifications', 'retentionClass'] as const satisfies readonly (keyof ModelState)[];
const NOTIFICATION_FIELDS = ['type', 'audience', 'when'] as const satisfies readonly (keyof ModelNotification)[];
const TRANSITION_FIELDS = ['name', 'from', 'to', 'rolesAllowed', 'requires', 'optionalFields', 'guard', 'tables'] as const satisfies readonly (keyof ModelTransition)[];
const REQUIREMENT_FIELDS = ['reason', 'reasonCategories', 'fields'] as const satisfies readonly (keyof TransitionRequirements)[];
const DEADLINE_FIELDS = ['id', 'state', 'startsOn', 'duration', 'approachingLeadTime', 'runsIn', 'pausedIn'] as const satisfies readonly (keyof ModelDeadline)[];

/** One thing wrong with a model definition. `message` names the state, transition or deadline. */
export interface ModelProblem {
  code: ModelProblemCode;
  message: string;
  /** Where in the document, e.g. `transitions[3].to`. */
  path: string;
}

/** Ids of models, states, transitions and tables: kebab-case, at most 100 characters, as the case API takes them. */
const KEBAB_ID = /^[a-z0-9-]{1,100}$/;

/**
 * Every problem in `def`, in document order, or `[]` when it is a usable model. Accepts any value (a
 * definition arrives as JSON when an administrator publishes one) and never throws.
 */
/** How strictly to validate: `publishing` adds the rules a new version must meet but a stored one is not held to. */
export interface ModelValidationOptions {
  /**
   * A version an administrator publishes now: its terms and lead times are bounded (`MAX_PUBLISHED_DURATION`), and
   * every state must lead to a closing state (`STATE_CANNOT_CLOSE`).
   */
  publishing?: boolean;
}

export function validateModelDefinition(def: unknown, options: ModelValidationOptions = {}): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const add = (code: ModelProblemCode, path: string, message: string) => problems.push({ code, path, message });

  if (!isRecord(def)) {
    add('SHAPE_INVALID', '$', 'the model definition must be an object');
    return problems;
  }
  if (typeof def.id !== 'string' || !KEBAB_ID.test(def.id)) {
    add('ID_INVALID', 'id', `model id ${show(def.id, 'a model id')} must match ${KEBAB_ID}`);
  }
  if (typeof def.version !== 'number' || !Number.isSafeInteger(def.version) || def.version < 1) {
    add('VERSION_INVALID', 'version', `version ${show(def.version, 'a version')} must be a positive integer`);
  }
  for (const key of ['title', 'description'] as const) {
    if (typeof def[key] !== 'string') add('SHAPE_INVALID', key, `${key} must be text`);
  }
  // A misspelt field (`requirements` for `requires`, `guards` for `guard`) would otherwise be ignored, and the rule
  // it meant to set would silently not hold.
  const unknownFields = (value: Record<string, unknown>, allowed: readonly string[], path: string, name: string) => {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const named = echoedName(key, 'a field name');
      add('FIELD_UNKNOWN', path === '' ? named : `${path}.${named}`, `${name} has an unknown field ${show(key, 'a field name')} (known: ${allowed.join(', ')})`);
    }
  };
  unknownFields(def, MODEL_FIELDS, '', 'the model');
  if (def.municipalities !== undefined) municipalitiesProblems(def.municipalities, add);
  const states = listAt(def, 'states', add);
  const transitions = listAt(def, 'transitions', add);
  const deadlines = listAt(def, 'deadlines', add);

  // States.
  const stateIds = new Set<string>();
  const terminal = new Set<string>();
  states.forEach((state, i) => {
    const path = `states[${i}]`;
    if (!isRecord(state) || typeof state.id !== 'string') {
      add('SHAPE_INVALID', path, `${path} must be an object with a text id`);
      return;
    }
    const name = `state ${show(state.id, 'a state id')}`;
    unknownFields(state, STATE_FIELDS, path, name);
    if (!KEBAB_ID.test(state.id)) add('SHAPE_INVALID', `${path}.id`, `${name} id must match ${KEBAB_ID}`);
    if (stateIds.has(state.id)) add('STATE_DUPLICATE', `${path}.id`, `${name} is defined more than once`);
    stateIds.add(state.id);
    if (typeof state.title !== 'string') add('SHAPE_INVALID', `${path}.title`, `${name} needs a title`);
    if (state.terminal !== undefined && typeof state.terminal !== 'boolean') {
      add('SHAPE_INVALID', `${path}.terminal`, `${name}: terminal must be true or false`);
    }
    if (state.terminal === true) terminal.add(state.id);
    if (state.responsibilities !== undefined) {
      if (!isRecord(state.responsibilities)) {
        add('SHAPE_INVALID', `${path}.responsibilities`, `${name}: responsibilities must be an object`);
      } else {
        for (const [kind, holder] of Object.entries(state.responsibilities)) {
          if (!isResponsibilityKind(kind)) {
            add('RESPONSIBILITY_UNKNOWN', `${path}.responsibilities.${echoedName(kind, 'a responsibility')}`, `${name} names unknown responsibility ${show(kind, 'a responsibility')}`);
          } else if (!isVisibleText(holder)) {
            add('SHAPE_INVALID', `${path}.responsibilities.${kind}`, `${name}: the holder of ${kind} must be non-blank text`);
          }
        }
      }
    }
    if (state.referrals !== undefined) {
      if (!Array.isArray(state.referrals)) {
        add('SHAPE_INVALID', `${path}.referrals`, `${name}: referrals must be a list of table ids`);
      } else {
        state.referrals.forEach((table, j) => {
          if (typeof table !== 'string' || !KEBAB_ID.test(table)) {
            add('REFERRAL_TABLE_INVALID', `${path}.referrals[${j}]`, `${name} refers to table id ${show(table, 'a table id')}, which does not match ${KEBAB_ID}`);
          }
        });
      }
    }
    if (state.notifications !== undefined) {
      if (!Array.isArray(state.notifications)) {
        add('SHAPE_INVALID', `${path}.notifications`, `${name}: notifications must be a list`);
      } else {
        state.notifications.forEach((n, j) => {
          const at = `${path}.notifications[${j}]`;
          if (!isRecord(n) || !isNotificationType(n.type) || !isVisibleText(n.audience)) {
            add('NOTIFICATION_INVALID', at, `${name}: notification ${j} needs a known type (MayorInformed, ReporterMayBeInformed) and an audience`);
          } else if (unknownFields(n, NOTIFICATION_FIELDS, at, `${name}: notification ${j}`), n.when !== undefined) {
            const why = guardProblem(n.when, null);
            if (why) add('GUARD_INVALID', `${at}.when`, `${name}: notification ${n.type} ${why}`);
            else if ('fieldEquals' in (n.when as object)) {
              add('GUARD_INVALID', `${at}.when`, `${name}: notification ${n.type} can only be guarded by the case (reporterRelationIs), not by command fields`);
            }
          }
        });
      }
    }
    if (state.retentionClass !== undefined) {
      // Kebab-case like the retention rules that name it: a class no rule could name is a promise nobody keeps.
      if (typeof state.retentionClass !== 'string' || !KEBAB_ID.test(state.retentionClass)) {
        add('SHAPE_INVALID', `${path}.retentionClass`, `${name}: retentionClass must match ${KEBAB_ID}`);
      } else if (state.terminal !== true) {
        add('RETENTION_ON_NON_TERMINAL', `${path}.retentionClass`, `${name} has a retentionClass but is not terminal`);
      }
    }
  });

  if (typeof def.initialState !== 'string' || !stateIds.has(def.initialState)) {
    add('INITIAL_STATE_UNKNOWN', 'initialState', `initial state ${show(def.initialState, 'a state id')} is not a state of the model`);
  } else if (terminal.has(def.initialState)) {
    add('INITIAL_STATE_TERMINAL', 'initialState', `initial state ${show(def.initialState, 'a state id')} is terminal: a case could never be open`);
  }

  // Transitions.
  const names = new Set<string>();
  const outgoing = new Map<string, string[]>();
  /** `tables` only where table members may take it, and only tables a from-state refers cases to. */
  const checkTransitionTables = (t: Record<string, unknown>, path: string, name: string) => {
    const bad = (where: string, why: string) => add('TRANSITION_TABLES_INVALID', where, `${name}: ${why}`);
    if (!isNonEmptyTextList(t.tables)) return bad(`${path}.tables`, 'tables must be a non-empty list of table ids');
    if (!Array.isArray(t.rolesAllowed) || !t.rolesAllowed.includes('table-member')) return bad(`${path}.tables`, 'tables name who may take it among table members, but table-member is not in rolesAllowed');
    const froms = Array.isArray(t.from) ? t.from : [];
    const referable = new Set(states.filter((st) => isRecord(st) && froms.includes(st.id) && Array.isArray(st.referrals)).flatMap((st) => (st as { referrals: unknown[] }).referrals));
    const tables = t.tables;
    tables.forEach((table, j) => {
      if (tables.indexOf(table) !== j) bad(`${path}.tables[${j}]`, `table ${show(table, 'a table id')} is named twice`);
      else if (!referable.has(table)) bad(`${path}.tables[${j}]`, `no from-state refers cases to table ${show(table, 'a table id')}, so its members can never take it`);
    });
  };
  transitions.forEach((t, i) => {
    const path = `transitions[${i}]`;
    if (!isRecord(t) || typeof t.name !== 'string') {
      add('SHAPE_INVALID', path, `${path} must be an object with a text name`);
      return;
    }
    const name = `transition ${show(t.name, 'a transition name')}`;
    unknownFields(t, TRANSITION_FIELDS, path, name);
    if (!KEBAB_ID.test(t.name)) add('SHAPE_INVALID', `${path}.name`, `${name} name must match ${KEBAB_ID}`);
    if (names.has(t.name)) add('TRANSITION_DUPLICATE', `${path}.name`, `${name} is defined more than once (names must be unique in the model)`);
    names.add(t.name);
    const to = typeof t.to === 'string' ? t.to : undefined;
    if (to === undefined || !stateIds.has(to)) {
      add('TRANSITION_TO_UNKNOWN', `${path}.to`, `${name} goes to unknown state ${show(t.to, 'a state id')}`);
    }
    if (!Array.isArray(t.from) || t.from.length === 0) {
      add('SHAPE_INVALID', `${path}.from`, `${name} must name at least one from-state`);
    } else {
      t.from.forEach((from, j) => {
        if (typeof from !== 'string' || !stateIds.has(from)) {
          add('TRANSITION_FROM_UNKNOWN', `${path}.from[${j}]`, `${name} comes from unknown state ${show(from, 'a state id')}`);
        } else if (terminal.has(from)) {
          add('TRANSITION_FROM_TERMINAL', `${path}.from[${j}]`, `${name} leaves terminal state ${show(from, 'a state id')}`);
        } else {
          // An unknown target is reported above; the state still has a way out as far as dead ends go.
          outgoing.set(from, [...(outgoing.get(from) ?? []), ...(to === undefined ? [] : [to])]);
        }
      });
    }
    if (!Array.isArray(t.rolesAllowed) || t.rolesAllowed.length === 0) {
      add('TRANSITION_ROLES_EMPTY', `${path}.rolesAllowed`, `${name} allows no role: rolesAllowed must not be empty`);
    } else {
      t.rolesAllowed.forEach((role, j) => {
        if (!isModelRole(role)) add('TRANSITION_ROLE_UNKNOWN', `${path}.rolesAllowed[${j}]`, `${name} allows unknown role ${show(role, 'a role')}`);
      });
    }
    const declaredFields = new Set<string>();
    if (t.requires !== undefined) {
      const r = t.requires;
      const bad = (why: string) => add('TRANSITION_REQUIREMENTS_INVALID', `${path}.requires`, `${name}: ${why}`);
      if (!isRecord(r)) bad('requires must be an object');
      else {
        unknownFields(r, REQUIREMENT_FIELDS, `${path}.requires`, name);
        if (r.reason !== undefined && typeof r.reason !== 'boolean') bad('requires.reason must be true or false');
        if (r.reasonCategories !== undefined && !isNonEmptyTextList(r.reasonCategories)) {
          bad('requires.reasonCategories must be a non-empty list of texts');
        }
        if (r.fields !== undefined) {
          if (!isTextList(r.fields)) bad('requires.fields must be a list of field names');
          else r.fields.forEach((f) => declaredFields.add(f));
        }
      }
    }
    if (t.optionalFields !== undefined) {
      if (!isTextList(t.optionalFields)) {
        add('TRANSITION_REQUIREMENTS_INVALID', `${path}.optionalFields`, `${name}: optionalFields must be a list of field names`);
      } else t.optionalFields.forEach((f) => declaredFields.add(f));
    }
    if (t.guard !== undefined) {
      const why = guardProblem(t.guard, declaredFields);
      if (why) add('GUARD_INVALID', `${path}.guard`, `${name}: guard ${why}`);
    }
    if (t.tables !== undefined) checkTransitionTables(t, path, name);
  });

  // Deadlines.
  const deadlineIds = new Set<string>();
  deadlines.forEach((d, i) => {
    const path = `deadlines[${i}]`;
    if (!isRecord(d) || typeof d.id !== 'string') {
      add('SHAPE_INVALID', path, `${path} must be an object with a text id`);
      return;
    }
    const name = `deadline ${show(d.id, 'a deadline id')}`;
    unknownFields(d, DEADLINE_FIELDS, path, name);
    if (deadlineIds.has(d.id)) add('DEADLINE_DUPLICATE', `${path}.id`, `${name} is defined more than once`);
    deadlineIds.add(d.id);
    if (typeof d.state !== 'string' || !stateIds.has(d.state)) {
      add('DEADLINE_STATE_UNKNOWN', `${path}.state`, `${name} runs in unknown state ${show(d.state, 'a state id')}`);
    } else if (terminal.has(d.state)) {
      add('DEADLINE_ON_TERMINAL_STATE', `${path}.state`, `${name} runs in terminal state ${show(d.state, 'a state id')}, where it could never be met`);
    }
    if (!(DEADLINE_STARTS as readonly unknown[]).includes(d.startsOn)) {
      add('DEADLINE_START_INVALID', `${path}.startsOn`, `${name} starts on ${show(d.startsOn, 'a start')}; use one of ${DEADLINE_STARTS.join(', ')}`);
    }
    const durationWhy = durationProblem(d.duration, options.publishing === true);
    if (durationWhy) add('DEADLINE_DURATION_INVALID', `${path}.duration`, `${name}: duration ${durationWhy}`);
    if (d.approachingLeadTime !== undefined) {
      const leadWhy = durationProblem(d.approachingLeadTime, options.publishing === true);
      if (leadWhy) add('DEADLINE_DURATION_INVALID', `${path}.approachingLeadTime`, `${name}: approachingLeadTime ${leadWhy}`);
    }
    if (d.runsIn !== undefined) {
      if (!Array.isArray(d.runsIn)) {
        add('SHAPE_INVALID', `${path}.runsIn`, `${name}: runsIn must be a list of state ids`);
      } else {
        d.runsIn.forEach((s, j) => {
          if (typeof s !== 'string' || !stateIds.has(s) || terminal.has(s) || s === d.state) {
            add('DEADLINE_RUNS_IN_UNKNOWN', `${path}.runsIn[${j}]`, `${name} runs on in ${show(s, 'a state id')}, which is not another non-terminal state of the model`);
          }
        });
      }
    }
    if (d.pausedIn !== undefined) {
      if (!Array.isArray(d.pausedIn)) {
        add('SHAPE_INVALID', `${path}.pausedIn`, `${name}: pausedIn must be a list of state ids`);
      } else {
        d.pausedIn.forEach((s, j) => {
          if (typeof s !== 'string' || !stateIds.has(s) || terminal.has(s) || s === d.state) {
            add('DEADLINE_PAUSED_IN_UNKNOWN', `${path}.pausedIn[${j}]`, `${name} pauses in ${show(s, 'a state id')}, which is not another non-terminal state of the model`);
          } else if (Array.isArray(d.runsIn) && d.runsIn.includes(s)) {
            // Running and paused at once: the engine would have to pick one, and either would surprise somebody.
            add('DEADLINE_RUNS_AND_PAUSES_IN', `${path}.pausedIn[${j}]`, `${name} both runs on in and pauses in ${show(s, 'a state id')}: name it in runsIn or in pausedIn, not both`);
          }
        });
      }
    }
  });

  // Graph: every state reachable from the initial state; every non-terminal state has a way out.
  if (typeof def.initialState === 'string' && stateIds.has(def.initialState)) {
    const reached = new Set<string>([def.initialState]);
    const queue = [def.initialState];
    while (queue.length > 0) {
      for (const next of outgoing.get(queue.shift()!) ?? []) {
        if (stateIds.has(next) && !reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
    for (const id of stateIds) {
      if (!reached.has(id)) {
        add('STATE_UNREACHABLE', `states[${indexOfState(states, id)}]`, `state ${show(id, 'a state id')} cannot be reached from initial state ${show(def.initialState, 'a state id')}`);
      }
    }
  }
  for (const id of stateIds) {
    if (!terminal.has(id) && !outgoing.has(id)) {
      add('STATE_DEAD_END', `states[${indexOfState(states, id)}]`, `state ${show(id, 'a state id')} is not terminal but has no outgoing transition`);
    }
  }
  // A way out of every state is not enough: a loop without an exit has one. A case in a state from which no closing
  // state can be reached is never closed, so it stays open, counted and escalating, and no retention rule applies to
  // it. Held to a version being published; one stored before the rule still loads (the router would not start).
  if (options.publishing === true) {
    for (const id of stateIds) {
      if (terminal.has(id) || !outgoing.has(id) || [...reachableFrom(outgoing, id)].some((q) => terminal.has(q))) continue;
      add(
        'STATE_CANNOT_CLOSE',
        `states[${indexOfState(states, id)}]`,
        `no closing state can be reached from state ${show(id, 'a state id')}: a case there could never be closed; add a transition that leads to a terminal state`,
      );
    }
  }
  // A term counted from the case's opening or the signal's receipt is opened again, with the same due moment, when
  // the case comes back to a state it runs in (`state`, `runsIn`) through a state that closes it: once breached, it
  // would be breached (and escalated) a second time.
  deadlines.forEach((d, i) => {
    if (!isRecord(d) || typeof d.state !== 'string' || (d.startsOn !== 'case-opened' && d.startsOn !== 'signal-received')) return;
    const stateList = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
    const opensIn = new Set<string>([d.state, ...stateList(d.runsIn)]);
    const keptIn = new Set<string>([...opensIn, ...stateList(d.pausedIn)]);
    for (const from of opensIn) {
      const closer = [...reachableFrom(outgoing, from)].find((q) => !keptIn.has(q) && !terminal.has(q) && [...reachableFrom(outgoing, q)].some((r) => opensIn.has(r)));
      if (closer === undefined) continue;
      add(
        'DEADLINE_REOPENED',
        `deadlines[${i}].startsOn`,
        `deadline ${show(d.id, 'a deadline id')} counts from ${d.startsOn}, but the case can leave state ${show(from, 'a state id')} for ${show(closer, 'a state id')} and come back: the term would open again with the same due moment and be breached twice; count it from state-entered, or let it run on or pause in ${show(closer, 'a state id')}`,
      );
      break;
    }
  });
  return problems;
}

/** The states reachable from `from` by one or more transitions. */
function reachableFrom(outgoing: ReadonlyMap<string, Iterable<string>>, from: string): Set<string> {
  const reached = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    for (const next of outgoing.get(queue.shift()!) ?? []) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}

/**
 * Throws `DomainError('MODEL.INVALID')` naming every problem (details: `{ modelId, version, problems }`)
 * unless `def` is a usable model definition.
 */
export function assertValidModel(def: unknown, options: ModelValidationOptions = {}): asserts def is ModelDefinition {
  const problems = validateModelDefinition(def, options);
  if (problems.length === 0) return;
  const record = isRecord(def) ? def : {};
  const label = `model ${show(record.id, 'a model id')} version ${show(record.version, 'a version')}`;
  const list = problems.map((p, i) => `(${i + 1}) ${p.message}`).join('; ');
  // The id and version as sent, bounded like every name in the problems: either may be anything a caller sent.
  throw new DomainError('MODEL.INVALID', `${label} is invalid: ${list}`, {
    modelId: typeof record.id === 'string' ? echoedName(record.id, 'a model id') : null,
    version: typeof record.version === 'number' ? record.version : null,
    problems,
  });
}

/**
 * The problems of a version's `municipalities`: absent means every municipality, so an empty list would be a version
 * for nobody; a name or a misspelt code would quietly keep the version from the municipality it was meant for.
 */
function municipalitiesProblems(value: unknown, add: (code: ModelProblemCode, path: string, message: string) => void): void {
  if (!Array.isArray(value)) {
    add('MUNICIPALITIES_INVALID', 'municipalities', 'municipalities must be a list of CBS codes (GM + 4 digits), or left out for every municipality');
    return;
  }
  if (value.length === 0) add('MUNICIPALITIES_INVALID', 'municipalities', 'municipalities must name at least one municipality (leave it out for every municipality)');
  if (value.length > MAX_MODEL_MUNICIPALITIES) add('MUNICIPALITIES_INVALID', 'municipalities', `municipalities names ${value.length} municipalities, at most ${MAX_MODEL_MUNICIPALITIES}`);
  const seen = new Set<string>();
  value.forEach((code, i) => {
    const path = `municipalities[${i}]`;
    if (!isMunicipalityCode(code)) add('MUNICIPALITY_INVALID', path, `municipality ${show(code, 'a municipality code')} is not a CBS code (GM + 4 digits)`);
    else if (seen.has(code)) add('MUNICIPALITY_DUPLICATE', path, `municipality ${show(code, 'a municipality code')} is listed more than once`);
    else seen.add(code);
  });
}

function guardProblem(guard: unknown, declaredFields: ReadonlySet<string> | null): string | null {
  if (!isRecord(guard)) return 'must be an object';
  const keys = Object.keys(guard);
  if (keys.length !== 1) return 'must have exactly one of fieldEquals, reporterRelationIs';
  const g = guard as Partial<Record<string, unknown>>;
  if ('reporterRelationIs' in g) {
    // A relation no reporter can have (`essentiële-naaste`, a typo) would make the guard never hold, unnoticed.
    return isReporterRelation(g.reporterRelationIs) ? null : `reporterRelationIs ${show(g.reporterRelationIs, 'a reporter relation')} is not a reporter relation (${REPORTER_RELATIONS.join(', ')})`;
  }
  if ('fieldEquals' in g) {
    const fe = g.fieldEquals;
    if (!isRecord(fe) || !isVisibleText(fe.field) || !['string', 'number', 'boolean'].includes(typeof fe.value)) {
      return 'fieldEquals needs a field name and a text, number or boolean value';
    }
    if (declaredFields && !declaredFields.has(fe.field)) {
      return `fieldEquals tests field ${show(fe.field, 'a field name')}, which the transition neither requires nor accepts`;
    }
    return null;
  }
  return `has unknown kind ${show(keys[0], 'a guard kind')}`;
}

/**
 * The longest term or warning lead time a version may be published with: ten years in each unit. Far beyond any term
 * of the methods (days to weeks), so only a typo reaches it; without a bound a published model with an absurd amount
 * was accepted and then made every case opened under it fail, its due date past what a date holds. Only checked when
 * publishing: a version stored before the bound existed still loads (the router would not start otherwise).
 */
export const MAX_PUBLISHED_DURATION = { 'calendar-days': 3_650, 'working-days': 2_600, hours: 87_600 } as const satisfies Record<DurationUnit, number>;

function durationProblem(value: unknown, bounded: boolean): string | null {
  if (!isRecord(value)) return 'must be an object { amount, unit }';
  if (typeof value.amount !== 'number' || !Number.isSafeInteger(value.amount) || value.amount < 1) {
    return `amount ${show(value.amount, 'an amount')} must be a positive integer`;
  }
  if (!(DURATION_UNITS as readonly unknown[]).includes(value.unit)) {
    return `unit ${show(value.unit, 'a unit')} must be one of ${DURATION_UNITS.join(', ')}`;
  }
  const max = MAX_PUBLISHED_DURATION[value.unit as DurationUnit];
  if (bounded && value.amount > max) return `amount ${value.amount} ${String(value.unit)} is more than ${max} (ten years)`;
  return null;
}

function listAt(
  def: Record<string, unknown>,
  key: 'states' | 'transitions' | 'deadlines',
  add: (code: ModelProblemCode, path: string, message: string) => void,
): unknown[] {
  const value = def[key];
  if (Array.isArray(value)) return value;
  add('SHAPE_INVALID', key, `${key} must be a list`);
  return [];
}

function indexOfState(states: unknown[], id: string): number {
  return states.findIndex((s) => isRecord(s) && s.id === id);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isVisibleText);
}

function isNonEmptyTextList(value: unknown): value is string[] {
  return isTextList(value) && value.length > 0;
}

/**
 * A value from the definition as a problem may name it: a definition is whatever its sender posted, so an id is
 * repeated only when it is an identifier, and never more than 64 characters of it (see `echoedValue`).
 */
function show(value: unknown, what: string): string {
  return echoedValue(value, what);
}
