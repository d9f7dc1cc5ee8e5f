import { amsterdamDateOf, isCalendarDate } from '../calendar/calendar-date.js';
import { addWorkingDays, firstWorkingDayOnOrAfter, workingDaysBetween, type WorkingDayOptions } from '../calendar/working-days.js';
import type { ModelDeadline, ModelDefinition, ModelState, Responsibilities, ResponsibilityKind } from '../models/model-definition.js';
import { deadlineAppliesIn, deadlineRunsIn, isResponsibilityKind, modelAppliesTo } from '../models/model-definition.js';
import { guardHolds } from '../models/model-guard.js';
import { isModelRole } from '../models/model-role.js';
import type { ModelResolver } from '../models/model-resolver.js';
import { assertValidModel } from '../models/validate-model.js';
import { DomainError } from '../shared/domain-error.js';
import { echoedName, echoedValue } from '../shared/echoed-name.js';
import { parseIsoInstant } from '../shared/iso-instant.parser.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { isBlankText, isVisibleText } from '../shared/visible-text.js';
import { isReporterRelation, type ReporterRelation } from '../signals/reporter-relation.js';
import { isSignalSource } from '../signals/signal-source.js';
import { transitionsOpenTo } from './allowed-transitions.js';
import type { CaseDeadline, CaseState, ClosedCaseState, OpenCaseState, ReasonWithheld } from './case.js';
import { NOTE_VISIBILITIES } from './case.js';
import type {
  AddNoteCommand,
  ApplyReferralOutcomeCommand,
  AddSignalCommand,
  CaseCommand,
  HandOverRegieCommand,
  MigrateModelVersionCommand,
  OpenCaseCommand,
  RecordDeadlineApproachingCommand,
  RecordDeadlineBreachedCommand,
  ReferToTableCommand,
  SetPlanCommand,
  TakeTransitionCommand,
} from './case-command.js';
import { reportedByEssentialRelative } from './case-command.js';
import { CASE_ERRORS } from './case-errors.js';
import type { CaseEvent, DeadlineApproachingMoved, DeadlineClosed } from './case-event.js';
import { approachingAt, endOfAmsterdamDay } from './deadline-due.js';
import { calendarOfTerm, closingDaysField, closingDaysWithin } from './term-closing-days.js';
import { tableMemberReferral } from './table-member-standing.js';
import { openedDeadline, replacingTerm, termOpened } from './term-opened.js';
import { isMeasureType, type PlanMeasure } from './plan-measure.js';

/**
 * What the decider needs besides the command and the state: the clock, an id source, and the published
 * model versions. Passing them in keeps `decideCase` pure.
 */
export interface CaseDecisionContext {
  now: Date;
  /** A new unique id (deadline instances, notes, referrals). */
  newId: () => string;
  /**
   * Resolves the version a case is pinned to. Every command but `OpenCase` (which carries its definition)
   * uses it, so a newer version of the same model never changes a running case.
   */
  models: ModelResolver;
  /** A municipality's extra closing days for working-day deadlines (default: statutory holidays only). */
  calendar?: WorkingDayOptions;
  /**
   * The tables and the municipalities they serve (`tableDirectoryOf(BUILT_IN_TABLES_CONFIG)`). When given,
   * `ReferToTable` also refuses a table it does not know or that does not serve the case's municipality.
   */
  tables?: TableDirectory;
}

/** Looks a table up: the municipalities it serves, or null/undefined when there is no such table. */
export type TableDirectory = (tableId: string) => { readonly municipalities: readonly string[] } | null | undefined;

/**
 * Decides a case command: returns the events to append (oldest first), `[]` when the command changes
 * nothing (safe to retry), or throws a `DomainError` with a `CASE.*` (or `MODEL.INVALID`,
 * `MODEL.NOT_FOR_MUNICIPALITY`) code. Apply the events with `evolveCase`.
 */
export function decideCase(command: CaseCommand, state: CaseState, ctx: CaseDecisionContext): CaseEvent[] {
  switch (command.type) {
    case 'OpenCase':
      return openCase(command, state, ctx);
    case 'TakeTransition':
      return takeTransition(command, requireOpen(state), ctx);
    case 'HandOverRegie':
      return handOverRegie(command, requireOpen(state), ctx);
    case 'AddSignal':
      return addSignal(command, requireOpen(state), ctx);
    case 'AddNote':
      return addNote(command, requireOpen(state), ctx);
    case 'SetPlan':
      return setPlan(command, requireOpen(state), ctx);
    case 'MigrateModelVersion':
      return migrateModelVersion(command, requireOpen(state), ctx);
    case 'ReferToTable':
      return referToTable(command, requireOpen(state), ctx);
    case 'RecordDeadlineApproaching':
    case 'RecordDeadlineBreached':
      return recordDeadline(command, requireExisting(state), ctx);
    case 'ApplyReferralOutcome':
      return applyReferralOutcome(command, requireExisting(state), ctx);
    default:
      return assertNever(command);
  }
}

function openCase(command: OpenCaseCommand, state: CaseState, ctx: CaseDecisionContext): CaseEvent[] {
  if (state.status !== 'none') {
    throw new DomainError(CASE_ERRORS.ALREADY_EXISTS, `case ${state.caseId} already exists`, { caseId: state.caseId });
  }
  const model = command.model;
  assertValidModel(model);
  if (!isMunicipalityCode(command.municipality)) fieldInvalid('municipality', 'must be a CBS code (GM + 4 digits)');
  requireModelFor(model, command.municipality);
  requireText('caseId', command.caseId);
  if (!Array.isArray(command.signalIds) || command.signalIds.length === 0) {
    throw new DomainError(CASE_ERRORS.FIELD_REQUIRED, 'a case is opened from at least one signal', { field: 'signalIds' });
  }
  command.signalIds.forEach((id, i) => requireText(`signalIds[${i}]`, id));
  if (command.subjectId !== undefined) requireText('subjectId', command.subjectId);
  if (command.reporterRelation !== undefined && !isReporterRelation(command.reporterRelation)) {
    fieldInvalid('reporterRelation', 'is not a known reporter relation');
  }
  const essentials = essentialRelativesOf(command);
  // An essentiële naaste among the reporters makes it the case's relation; one named without its signal cannot be told.
  const reporterRelation: ReporterRelation | null = essentials.length > 0 ? 'essentiele-naaste' : (command.reporterRelation ?? null);
  const at = ctx.now.toISOString();
  let signalReceivedAt = at;
  if (command.signalReceivedAt !== undefined) {
    const received = parseIsoInstant(command.signalReceivedAt);
    if (!received) fieldInvalid('signalReceivedAt', 'must be an ISO 8601 date-time with offset');
    if (received.getTime() > ctx.now.getTime()) fieldInvalid('signalReceivedAt', 'lies in the future');
    signalReceivedAt = received.toISOString();
  }
  const initial = stateOf(model, model.initialState);
  const responsibilities = { ...(initial.responsibilities ?? {}) };
  const opened: CaseEvent = {
    type: 'CaseOpened',
    caseId: command.caseId,
    municipality: command.municipality,
    modelId: model.id,
    modelVersion: model.version,
    state: initial.id,
    signalIds: [...new Set(command.signalIds)],
    subjectId: command.subjectId ?? null,
    reporterRelation,
    ...(essentials.length > 0 ? { essentialRelativeSignalIds: essentials } : {}),
    signalReceivedAt,
    responsibilities,
    actor: { ...command.actor },
    at,
  };
  const entry = enterState({
    caseId: command.caseId,
    model,
    target: initial,
    existing: [],
    timing: { openedAt: at, signalReceivedAt, stateEnteredAt: at },
    reporters: { reporterRelation, essentialRelativeSignalIds: essentials.length > 0 ? essentials : undefined },
    notify: true,
    ctx,
  });
  return [opened, ...entry];
}

/**
 * The opening command's `essentialRelativeSignalIds`, checked: each one of the case's signals (named once), given
 * whenever the case's relation is `essentiele-naaste`, and not given with another relation.
 */
function essentialRelativesOf(command: OpenCaseCommand): string[] {
  const given = command.essentialRelativeSignalIds ?? [];
  if (!Array.isArray(given)) fieldInvalid('essentialRelativeSignalIds', "must be a list of the case's signal ids");
  given.forEach((id, i) => {
    if (!command.signalIds.includes(id)) fieldInvalid(`essentialRelativeSignalIds[${i}]`, "is not one of the case's signals");
  });
  const essentials = [...new Set(given)];
  if (command.reporterRelation === 'essentiele-naaste' && essentials.length === 0) {
    throw new DomainError(CASE_ERRORS.FIELD_REQUIRED, 'name the zorgmelding(s) of the essentiële naaste: only that reporter may be told a Wvggz outcome', {
      field: 'essentialRelativeSignalIds',
    });
  }
  if (essentials.length > 0 && command.reporterRelation !== undefined && command.reporterRelation !== 'essentiele-naaste') {
    fieldInvalid('reporterRelation', 'must be essentiele-naaste (or left out) when an essentiële naaste reported');
  }
  return essentials;
}

function takeTransition(command: TakeTransitionCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const model = pinnedModel(state, ctx);
  const transition = model.transitions.find((t) => t.name === command.transition);
  if (!transition) {
    throw new DomainError(CASE_ERRORS.TRANSITION_UNKNOWN, `model ${model.id}@${model.version} has no transition ${echoedValue(command.transition, 'a transition name')}`, {
      transition: typeof command.transition === 'string' ? echoedName(command.transition, 'a transition name') : null,
      modelId: model.id,
      modelVersion: model.version,
    });
  }
  const role = command.actor.role;
  const notAllowed = (why: string, extra: Record<string, unknown> = {}) =>
    new DomainError(CASE_ERRORS.TRANSITION_NOT_ALLOWED, why, {
      transition: transition.name,
      state: state.currentState,
      allowed: transitionsOpenTo(model, state.currentState, role, state.reporterRelation).map((t) => t.name),
      ...extra,
    });
  if (!transition.from.includes(state.currentState)) {
    throw notAllowed(`transition "${transition.name}" cannot be taken from state "${state.currentState}"`);
  }
  if (!(transition.rolesAllowed as readonly string[]).includes(role)) {
    throw new DomainError(CASE_ERRORS.ROLE_NOT_ALLOWED, `role "${role}" may not take transition "${transition.name}"`, {
      transition: transition.name,
      role,
      rolesAllowed: [...transition.rolesAllowed],
    });
  }
  const via = tableMemberReferral(state, transition, role, command.referralId);
  const fields = command.fields ?? {};
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) fieldInvalid('fields', 'must be an object');
  const requires = transition.requires ?? {};
  const withheld = reasonWithheldOf(command);
  const reason = withheld ? null : optionalText('reason', command.reason);
  if (requires.reason && reason === null && !withheld) {
    throw new DomainError(CASE_ERRORS.REASON_REQUIRED, `transition "${transition.name}" requires a reason`, {
      transition: transition.name,
    });
  }
  const reasonCategory = command.reasonCategory ?? null;
  const categories = requires.reasonCategories;
  if (categories ? !categories.includes(reasonCategory as string) : reasonCategory !== null) {
    throw new DomainError(
      CASE_ERRORS.REASON_CATEGORY_INVALID,
      categories
        ? `transition "${transition.name}" requires a reason category: one of ${categories.join(', ')}`
        : `transition "${transition.name}" takes no reason category`,
      { transition: transition.name, reasonCategory, allowed: [...(categories ?? [])] },
    );
  }
  const declared = [...(requires.fields ?? []), ...(transition.optionalFields ?? [])];
  for (const field of requires.fields ?? []) {
    // Own fields only: `toString` or `constructor` would otherwise be found on Object.prototype.
    if (isMissing(Object.hasOwn(fields, field) ? fields[field] : undefined)) {
      throw new DomainError(CASE_ERRORS.FIELD_REQUIRED, `transition "${transition.name}" requires field "${field}"`, {
        transition: transition.name,
        field,
      });
    }
  }
  for (const [field, value] of Object.entries(fields)) {
    // The key is the caller's: named, never repeated when it is no identifier (it may be a name and a BSN).
    const named = echoedName(field, 'a field name');
    // Stored in the event and shown to people: a short text, a yes/no, a number, or a short list of texts.
    if (!isFieldValue(value)) fieldInvalid(`fields.${named}`, `must be text of at most ${MAX_FIELD_LENGTH} characters, true/false, a number, or a list of at most ${MAX_FIELD_ITEMS} such texts`);
    if (!declared.includes(field)) {
      throw new DomainError(CASE_ERRORS.FIELD_UNKNOWN, `transition "${transition.name}" does not take field ${echoedValue(field, 'a field name')}`, {
        transition: transition.name,
        field: named,
        allowed: declared,
      });
    }
  }
  if (!guardHolds(transition.guard, { fields, reporterRelation: state.reporterRelation })) {
    throw notAllowed(`the guard of transition "${transition.name}" does not hold`, { guard: transition.guard });
  }

  const target = stateOf(model, transition.to);
  const reentry = target.id !== state.currentState;
  const at = ctx.now.toISOString();
  const responsibilities: Responsibilities = reentry
    ? { ...state.responsibilities, ...(target.responsibilities ?? {}) }
    : { ...state.responsibilities };
  const transitioned: CaseEvent = {
    type: 'CaseTransitioned',
    caseId: state.caseId,
    modelId: model.id,
    modelVersion: model.version,
    transition: transition.name,
    from: state.currentState,
    to: target.id,
    actor: { ...command.actor },
    reason,
    ...(withheld ? { reasonWithheld: withheld } : {}),
    reasonCategory,
    fields: { ...fields },
    responsibilities,
    // Which table acted, through which referral: the decision trail of a table's step.
    ...(via ? { referralId: via.referralId, table: via.table } : {}),
    at,
  };
  if (!reentry) return [transitioned];
  return [
    transitioned,
    ...enterState({
      caseId: state.caseId,
      model,
      target,
      existing: state.deadlines,
      timing: { openedAt: state.openedAt, signalReceivedAt: state.signalReceivedAt, stateEnteredAt: at },
      reporters: state,
      notify: true,
      ctx,
    }),
  ];
}

function handOverRegie(command: HandOverRegieCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  if (!isResponsibilityKind(command.responsibility)) fieldInvalid('responsibility', 'is not a known responsibility');
  const holder = requireText('holder', command.holder);
  const current = state.responsibilities[command.responsibility] ?? null;
  if (current === holder) return [];
  const reason = requireReason(command.reason);
  return [
    {
      type: 'RegieHandedOver',
      caseId: state.caseId,
      responsibility: command.responsibility,
      from: current,
      to: holder,
      reason,
      actor: { ...command.actor },
      at: ctx.now.toISOString(),
    },
  ];
}

function addSignal(command: AddSignalCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const signalId = requireText('signalId', command.signalId);
  if (command.source !== undefined && !isSignalSource(command.source)) fieldInvalid('source', 'is not a known signal source');
  if (command.reporterRelation !== undefined && command.reporterRelation !== null && !isReporterRelation(command.reporterRelation)) {
    fieldInvalid('reporterRelation', 'is not a known reporter relation');
  }
  if (state.signalIds.includes(signalId)) return [];
  // A zorgmelding by an essentiële naaste added later counts as much as one the case was opened with.
  const essential = reportedByEssentialRelative(command) ? { reportedByEssentialRelative: true as const } : {};
  return [{ type: 'SignalAddedToCase', caseId: state.caseId, signalId, ...essential, actor: { ...command.actor }, at: ctx.now.toISOString() }];
}

function addNote(command: AddNoteCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const text = requireText('text', command.text);
  if (!(NOTE_VISIBILITIES as readonly unknown[]).includes(command.visibility)) {
    fieldInvalid('visibility', `must be one of ${NOTE_VISIBILITIES.join(', ')}`);
  }
  return [
    {
      type: 'CaseNoteAdded',
      caseId: state.caseId,
      noteId: ctx.newId(),
      text,
      visibility: command.visibility,
      actor: { ...command.actor },
      at: ctx.now.toISOString(),
    },
  ];
}

function setPlan(command: SetPlanCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  if (!Array.isArray(command.measures) || command.measures.length === 0) {
    throw new DomainError(CASE_ERRORS.FIELD_REQUIRED, 'a plan van aanpak needs at least one measure', { field: 'measures' });
  }
  const measures: PlanMeasure[] = command.measures.map((m, i) => {
    if (typeof m !== 'object' || m === null) fieldInvalid(`measures[${i}]`, 'must be an object');
    if (!isMeasureType(m.type)) fieldInvalid(`measures[${i}].type`, 'must be strafrechtelijk, bestuursrechtelijk, fiscaal or zorg');
    const description = requireText(`measures[${i}].description`, m.description);
    const owner = requireText(`measures[${i}].owner`, m.owner);
    if (!isCalendarDate(m.dueDate)) fieldInvalid(`measures[${i}].dueDate`, 'must be a date (YYYY-MM-DD)');
    return { type: m.type, description, owner, dueDate: m.dueDate };
  });
  if (state.plan && sameMeasures(state.plan.measures, measures)) return [];
  return [{ type: 'CasePlanSet', caseId: state.caseId, measures, actor: { ...command.actor }, at: ctx.now.toISOString() }];
}

/** Field by field: a state read back from a JSON store need not keep the key order, so no JSON.stringify. */
function sameMeasures(a: readonly PlanMeasure[], b: readonly PlanMeasure[]): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => m.type === b[i]!.type && m.description === b[i]!.description && m.owner === b[i]!.owner && m.dueDate === b[i]!.dueDate)
  );
}

function migrateModelVersion(command: MigrateModelVersionCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const from = pinnedModel(state, ctx);
  const to = command.toModel;
  assertValidModel(to);
  // Refused also when the move would change nothing: the same request must not pass or fail by the case's version.
  const reason = requireReason(command.reason);
  const invalid = (why: string): never => {
    throw new DomainError(CASE_ERRORS.MODEL_MAPPING_INVALID, `cannot move the case to ${to.id}@${to.version}: ${why}`, {
      reason: why,
      fromModel: { ...state.model },
      toModel: { id: to.id, version: to.version },
    });
  };
  if (to.id !== from.id) invalid(`a case can only move to another version of its own model "${from.id}"`);
  if (to.version < from.version) invalid(`a case moves to a newer version of its model, not back from version ${from.version}`);
  requireModelFor(to, state.municipality);
  const mapping = command.stateMapping ?? {};
  if (typeof mapping !== 'object' || Array.isArray(mapping)) invalid('stateMapping must be an object');
  for (const [oldId, newId] of Object.entries(mapping)) {
    const old = echoedValue(oldId, 'a state id');
    if (!from.states.some((s) => s.id === oldId)) invalid(`${old} is not a state of version ${from.version}`);
    if (typeof newId !== 'string' || !to.states.some((s) => s.id === newId)) {
      invalid(`${old} maps to ${echoedValue(newId, 'a state id')}, which is not a state of version ${to.version}`);
    }
    // A mapping says where a renamed or removed state went; it never moves a case off a state the new version still
    // has (that would be a state change past the transitions, their roles, reasons and notifications: a transition).
    if (newId !== oldId && to.states.some((s) => s.id === oldId)) {
      invalid(`${old} is a state of version ${to.version} too: a case in it stays in it (a state change is a transition)`);
    }
  }
  const targetId = mapping[state.currentState] ?? state.currentState;
  const target = to.states.find((s) => s.id === targetId);
  if (!target) invalid(`the current state "${state.currentState}" is not mapped and does not exist in version ${to.version}`);
  if (target!.terminal) invalid(`the current state would map to terminal state "${targetId}"; close a case with a transition`);
  if (to.version === from.version) {
    if (targetId === state.currentState) return [];
    invalid('the case is already on this version; a state change is a transition');
  }
  const at = ctx.now.toISOString();
  const migrated: CaseEvent = {
    type: 'CaseModelMigrated',
    caseId: state.caseId,
    modelId: to.id,
    fromVersion: from.version,
    toVersion: to.version,
    fromState: state.currentState,
    toState: target!.id,
    stateMapping: { ...mapping },
    reason,
    responsibilities: migratedHolders(state, from.states.find((s) => s.id === state.currentState)?.responsibilities ?? {}, target!.responsibilities ?? {}),
    actor: { ...command.actor },
    at,
  };
  // A term the new version keeps as it was (same id, start and length, and it still runs or pauses in the mapped
  // state) goes on as it is, with what was recorded of it: a breached term is not breached again (which would
  // escalate to the police a second time), and a paused one stays paused. Its warning still to come follows the new
  // version's lead time (see `approachingMoves`). A term whose length the new version changed (same id and start)
  // ends, and a term of the new length from the same start replaces it with what was recorded of it (see
  // `replacingTerm`): it is the same obligation, warned of and breached once; paused when the new version pauses it
  // in the mapped state. The old version's other terms end; the new version's other terms for the mapped state start
  // as if the case had entered it when it entered the old state. No notifications: nobody new has to be told anything.
  const carried = state.deadlines.filter((d) => termAfterMigration(from, to, d.definitionId, target!.id) === 'kept');
  const closed: DeadlineClosed[] = state.deadlines.filter((d) => !carried.includes(d)).map((d) => closeDeadline(state.caseId, d, 'model-migrated', at));
  const moved = approachingMoves(state.caseId, carried, to, ctx);
  const replacing = state.deadlines
    .filter((d) => termAfterMigration(from, to, d.definitionId, target!.id) === 'new-length')
    .map((d) => replacingTerm(d, to.deadlines.find((x) => x.id === d.definitionId)!, { caseId: state.caseId, deadlineId: ctx.newId(), state: target!.id, at, calendar: ctx.calendar }));
  const opened = enterState({
    caseId: state.caseId,
    model: to,
    target: target!,
    existing: [
      ...carried.map((d) => {
        const move = moved.find((m) => m.deadlineId === d.deadlineId);
        return move ? { ...d, approachingAt: move.approachingAt } : d;
      }),
      ...replacing.map(openedDeadline),
    ],
    timing: { openedAt: state.openedAt, signalReceivedAt: state.signalReceivedAt, stateEnteredAt: state.stateEnteredAt },
    reporters: state,
    notify: false,
    ctx,
  });
  return [migrated, ...closed, ...moved, ...replacing, ...opened];
}

/**
 * The warnings of carried terms that move with a migration: a term still to warn (neither its approaching moment
 * nor a breach recorded) warns by the new version's lead time from now on, counted back from its due moment as it
 * stands, or not at all when the new version gives it none; a moment already past is recorded by the next timer
 * round. A term that warned already keeps its record, so it never warns twice. A paused term moves too: its
 * resume counts the warning again from the new due moment by the same lead time.
 */
function approachingMoves(caseId: string, carried: readonly CaseDeadline[], to: ModelDefinition, ctx: CaseDecisionContext): DeadlineApproachingMoved[] {
  const at = ctx.now.toISOString();
  const moves: DeadlineApproachingMoved[] = [];
  for (const d of carried) {
    if (d.approachingRecorded || d.breachedRecorded) continue;
    const lead = to.deadlines.find((x) => x.id === d.definitionId)?.approachingLeadTime;
    const moment = lead ? approachingAt(new Date(d.dueAt), lead, ctx.calendar).toISOString() : null;
    if (moment === d.approachingAt) continue;
    moves.push({ type: 'DeadlineApproachingMoved', caseId, deadlineId: d.deadlineId, definitionId: d.definitionId, dueAt: d.dueAt, fromApproachingAt: d.approachingAt, approachingAt: moment, at });
  }
  return moves;
}

/**
 * The responsibility holders after a migration: the new version's holder for the mapped state where the case still
 * had the old version's holder for its state (the default), and the case's own holder where it was handed over
 * (a regie hand-over, or a table that accepted a referral): a new version changes defaults, not decisions.
 */
function migratedHolders(state: OpenCaseState, oldDefaults: Readonly<Record<string, string>>, newDefaults: Readonly<Record<string, string>>): Record<string, string> {
  const holders: Record<string, string> = { ...state.responsibilities };
  for (const [kind, holder] of Object.entries(newDefaults)) {
    const current = state.responsibilities[kind as keyof typeof state.responsibilities];
    if (current === undefined || current === oldDefaults[kind]) holders[kind] = holder;
  }
  return holders;
}

/**
 * How a term of deadline definition `id` goes on when the case moves from `from` to state `stateId` of `to`: `kept`
 * when both versions define it with the same start and length and it still applies there (it runs there, as its
 * `state` or one of its `runsIn`, or is paused there); `new-length` when it applies there with the same start but
 * another length (a term of the new length replaces it); null when it ends.
 */
function termAfterMigration(from: ModelDefinition, to: ModelDefinition, id: string, stateId: string): 'kept' | 'new-length' | null {
  const before = from.deadlines.find((d) => d.id === id);
  const after = to.deadlines.find((d) => d.id === id);
  if (!before || !after || !deadlineAppliesIn(after, stateId) || after.startsOn !== before.startsOn) return null;
  return after.duration.amount === before.duration.amount && after.duration.unit === before.duration.unit ? 'kept' : 'new-length';
}

function referToTable(command: ReferToTableCommand, state: OpenCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const model = pinnedModel(state, ctx);
  const allowed = stateOf(model, state.currentState).referrals ?? [];
  const table = command.table;
  if (typeof table !== 'string' || !allowed.includes(table)) {
    throw new DomainError(
      CASE_ERRORS.REFERRAL_NOT_ALLOWED,
      `state "${state.currentState}" does not allow a referral to table ${echoedValue(table, 'a table id')}`,
      { table: typeof table === 'string' ? echoedName(table, 'a table id') : null, state: state.currentState, allowed: [...allowed] },
    );
  }
  if (ctx.tables) {
    const entry = ctx.tables(table);
    if (!entry) throw new DomainError(CASE_ERRORS.TABLE_UNKNOWN, `table ${JSON.stringify(table)} is not configured`, { table });
    if (!entry.municipalities.includes(state.municipality)) {
      throw new DomainError(CASE_ERRORS.TABLE_NOT_SERVING_MUNICIPALITY, `table "${table}" does not serve ${state.municipality}`, {
        table,
        municipality: state.municipality,
      });
    }
  }
  // A referral the table returned, or the tables app rejected, does not count: the case may go to it again.
  const already = state.referrals.some((r) => r.table === table && r.stateVisit === state.stateEnteredAtVersion && r.outcome !== 'returned' && r.outcome !== 'rejected');
  if (already) return [];
  const reason = requireReason(command.reason);
  return [
    {
      type: 'CaseReferred',
      caseId: state.caseId,
      referralId: ctx.newId(),
      table,
      state: state.currentState,
      reason,
      actor: { ...command.actor },
      at: ctx.now.toISOString(),
    },
  ];
}

/**
 * A table's answer to a referral. On a case closed before the table answered, the answer is still recorded (the
 * referral is then no longer open), but nobody takes over anything from a closed case.
 */
function applyReferralOutcome(command: ApplyReferralOutcomeCommand, state: OpenCaseState | ClosedCaseState, ctx: CaseDecisionContext): CaseEvent[] {
  const referralId = requireText('referralId', command.referralId);
  const referral = state.referrals.find((r) => r.referralId === referralId);
  if (!referral) throw new DomainError(CASE_ERRORS.REFERRAL_NOT_FOUND, `the case has no referral ${referralId}`, { referralId });
  if (command.outcome !== 'accepted' && command.outcome !== 'returned' && command.outcome !== 'rejected') fieldInvalid('outcome', 'must be accepted, returned or rejected');
  if (typeof command.decidedBy !== 'object' || command.decidedBy === null) fieldInvalid('decidedBy', 'must name who decided');
  if (!isModelRole(command.decidedBy.role)) fieldInvalid('decidedBy.role', 'is not a known role');
  const decidedBy = { id: requireText('decidedBy.id', command.decidedBy.id), role: command.decidedBy.role };
  // Redelivery of the same outcome changes nothing; the table cannot change its mind afterwards. A rejection
  // recorded before rejections had their own outcome reads as a return: the same answer.
  if (referral.outcome === command.outcome || (command.outcome === 'rejected' && referral.outcome === 'returned')) return [];
  if (referral.outcome !== undefined) {
    throw new DomainError(CASE_ERRORS.REFERRAL_ALREADY_DECIDED, `referral ${referralId} was ${referral.outcome} already`, {
      referralId,
      outcome: referral.outcome,
    });
  }
  const at = ctx.now.toISOString();
  const actor = { ...command.actor };
  if (command.outcome === 'returned' || command.outcome === 'rejected') {
    const reason = requireReason(command.reason);
    const rejected = command.outcome === 'rejected' ? { rejected: true as const } : {};
    return [{ type: 'CaseReferralReturned', caseId: state.caseId, referralId, table: referral.table, reason, ...rejected, decidedBy, actor, at }];
  }
  const given = command.responsibilities ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) fieldInvalid('responsibilities', 'must be an object');
  const responsibilities: Record<string, string> = {};
  for (const [kind, holder] of Object.entries(given)) {
    if (!isResponsibilityKind(kind)) fieldInvalid(`responsibilities.${echoedName(kind, 'a responsibility')}`, 'is not a known responsibility');
    responsibilities[kind] = requireText(`responsibilities.${kind}`, holder);
  }
  const events: CaseEvent[] = [
    { type: 'CaseReferralAccepted', caseId: state.caseId, referralId, table: referral.table, responsibilities: { ...responsibilities }, decidedBy, actor, at },
  ];
  if (state.status === 'closed') return events;
  for (const [kind, holder] of Object.entries(responsibilities) as [ResponsibilityKind, string][]) {
    const current = state.responsibilities[kind] ?? null;
    if (current === holder) continue;
    events.push({
      type: 'RegieHandedOver',
      caseId: state.caseId,
      responsibility: kind,
      from: current,
      to: holder,
      reason: `Verwijzing naar ${referral.table} aanvaard`,
      actor,
      at,
    });
  }
  return events;
}

function recordDeadline(
  command: RecordDeadlineApproachingCommand | RecordDeadlineBreachedCommand,
  state: OpenCaseState | ClosedCaseState,
  ctx: CaseDecisionContext,
): CaseEvent[] {
  // Timers race with transitions: a deadline already closed, paused or recorded means nothing to do.
  const deadline = state.deadlines.find((d) => d.deadlineId === command.deadlineId);
  if (state.status === 'closed' || !deadline || deadline.status === 'paused' || deadline.breachedRecorded) return [];
  // A scheduler decides on a snapshot taken at the start of its round: a term paused and resumed since then is due
  // later than it saw. Only the moment as it stands now counts.
  const moment = command.type === 'RecordDeadlineBreached' ? deadline.dueAt : deadline.approachingAt;
  if (moment !== null && ctx.now.getTime() < Date.parse(moment)) return [];
  const common = {
    caseId: state.caseId,
    deadlineId: deadline.deadlineId,
    definitionId: deadline.definitionId,
    // Where the case is when the term comes due: a term may run on through several states (`runsIn`), and a carried
    // term's state may have been renamed by a migration.
    state: state.currentState,
    dueAt: deadline.dueAt,
    at: ctx.now.toISOString(),
  };
  if (command.type === 'RecordDeadlineBreached') return [{ type: 'DeadlineBreached', ...common }];
  if (deadline.approachingRecorded || deadline.approachingAt === null) return [];
  return [{ type: 'DeadlineApproaching', ...common }];
}

interface EnterStateArgs {
  caseId: string;
  model: ModelDefinition;
  target: ModelState;
  /** The case's open deadlines before the move. */
  existing: readonly CaseDeadline[];
  timing: { openedAt: string; signalReceivedAt: string; stateEnteredAt: string };
  /** The case's relation (for notification guards) and its essentiële naasten' signals (named in ReporterMayBeInformed). */
  reporters: { reporterRelation: ReporterRelation | null; essentialRelativeSignalIds?: readonly string[] };
  notify: boolean;
  ctx: CaseDecisionContext;
}

/**
 * What entering `target` implies besides the move itself: deadlines closed, paused, resumed or opened;
 * the state's notifications; and `CaseClosed` last when the state is terminal. A term runs in its `state` and its
 * `runsIn`: an instance is kept (resumed when paused) there, paused in its `pausedIn`, closed anywhere else; it is
 * opened on entering one of the states it runs in when the case has no instance of it.
 */
function enterState(args: EnterStateArgs): CaseEvent[] {
  const { caseId, model, target, ctx } = args;
  const at = ctx.now.toISOString();
  const terminal = target.terminal === true;
  const events: CaseEvent[] = [];
  const kept = new Set<string>();

  for (const d of args.existing) {
    const def = model.deadlines.find((x) => x.id === d.definitionId);
    if (!terminal && def && deadlineRunsIn(def, target.id)) {
      kept.add(def.id);
      if (d.status === 'paused') {
        const pausedAt = new Date(d.pausedAt ?? at);
        const pausedMs = Math.max(0, ctx.now.getTime() - pausedAt.getTime());
        events.push({
          type: 'DeadlineResumed',
          caseId,
          deadlineId: d.deadlineId,
          definitionId: d.definitionId,
          pausedMs,
          ...resumedMoments(d, def, pausedAt, pausedMs, ctx),
          at,
        });
      }
    } else if (!terminal && def?.pausedIn?.includes(target.id)) {
      kept.add(def.id);
      if (d.status === 'running') {
        events.push({ type: 'DeadlinePaused', caseId, deadlineId: d.deadlineId, definitionId: d.definitionId, state: target.id, at });
      }
    } else {
      events.push(closeDeadline(caseId, d, terminal ? 'case-closed' : 'state-left', at));
    }
  }

  for (const def of model.deadlines) {
    if (terminal || !deadlineRunsIn(def, target.id) || kept.has(def.id)) continue;
    const startedAt =
      def.startsOn === 'case-opened'
        ? args.timing.openedAt
        : def.startsOn === 'signal-received'
          ? args.timing.signalReceivedAt
          : args.timing.stateEnteredAt;
    events.push(termOpened(def, { caseId, deadlineId: ctx.newId(), state: target.id, startedAt, at, calendar: ctx.calendar }));
  }

  if (args.notify) {
    const { reporterRelation, essentialRelativeSignalIds } = args.reporters;
    for (const n of target.notifications ?? []) {
      if (!guardHolds(n.when, { reporterRelation })) continue;
      // Which reporters may be told: signal ids only. A case opened before they were recorded names none.
      const named = n.type === 'ReporterMayBeInformed' && essentialRelativeSignalIds?.length ? { essentialRelativeSignalIds: [...essentialRelativeSignalIds] } : {};
      events.push({
        type: n.type,
        caseId,
        modelId: model.id,
        modelVersion: model.version,
        state: target.id,
        audience: n.audience,
        reporterRelation,
        ...named,
        at,
      });
    }
  }

  if (terminal) {
    events.push({ type: 'CaseClosed', caseId, state: target.id, retentionClass: target.retentionClass ?? null, at });
  }
  return events;
}

function closeDeadline(caseId: string, d: CaseDeadline, reason: DeadlineClosed['reason'], at: string): DeadlineClosed {
  return { type: 'DeadlineClosed', caseId, deadlineId: d.deadlineId, definitionId: d.definitionId, reason, at };
}

function shift(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

/**
 * Where a paused term falls due when it resumes now, and when it is approaching.
 * - `working-days`: it keeps the working time it had left at the pause. The working days after the pause day up to
 *   and including its last day (the day before its due moment) are counted again from the resume day, as `dueAt`
 *   counts from a start (that day never counts), to the end of the last one, with the municipality's calendar. A
 *   pause costs the term the working days it took, never a weekend day or holiday, and it never falls due on one. A
 *   term paused on its last day still had part of that day: it is due at the end of the resume day, or of the next
 *   working day. A term already due when it was paused had nothing left: its due moment stays (it was breached, or
 *   its timer breaches it now); a pause never hides a breach.
 *   The days it had left are counted with the closing days its due moment was counted with (`closingDays`), not with
 *   today's: the list may have changed since (a restart with another file), and a closing day added meanwhile would
 *   otherwise take a working day the term still had, or one removed would give it an extra one. The days from the
 *   resume on are counted with today's list, and the new due moment records the closing days it was counted with.
 * - `calendar-days` and `hours`: the due moment moves on by the paused (wall-clock) time.
 * Approaching is then the lead time before the new due moment, as for a fresh term.
 */
function resumedMoments(
  d: CaseDeadline,
  def: ModelDeadline,
  pausedAt: Date,
  pausedMs: number,
  ctx: CaseDecisionContext,
): { dueAt: string; approachingAt: string | null; closingDays?: string[] } {
  const oldDue = new Date(d.dueAt);
  let due: Date;
  let counted: string[] = [];
  if (def.duration.unit === 'working-days') {
    // Unchanged, so still counted with the closing days it had.
    if (pausedAt.getTime() >= oldDue.getTime()) return { dueAt: d.dueAt, approachingAt: d.approachingAt, ...closingDaysField(d.closingDays) };
    const lastDay = amsterdamDateOf(new Date(oldDue.getTime() - 1));
    const left = workingDaysBetween(pausedAt, lastDay, calendarOfTerm(d.closingDays, ctx.calendar));
    const dueDay = left > 0 ? addWorkingDays(ctx.now, left, ctx.calendar) : firstWorkingDayOnOrAfter(ctx.now, ctx.calendar);
    due = endOfAmsterdamDay(dueDay);
    counted = closingDaysWithin(ctx.calendar, ctx.now, dueDay);
  } else {
    due = new Date(oldDue.getTime() + pausedMs);
  }
  const lead = def.approachingLeadTime;
  const approaching =
    d.approachingAt === null ? null : lead ? approachingAt(due, lead, ctx.calendar).toISOString() : shift(d.approachingAt, due.getTime() - oldDue.getTime());
  return { dueAt: due.toISOString(), approachingAt: approaching, ...closingDaysField(counted) };
}

/** Refuses a model version limited to other municipalities: another municipality's protocols are not the case's. */
function requireModelFor(model: ModelDefinition, municipality: string): void {
  if (!modelAppliesTo(model, municipality)) {
    throw new DomainError(CASE_ERRORS.MODEL_NOT_FOR_MUNICIPALITY, `model ${model.id} version ${model.version} is not for municipality ${municipality}`, {
      model: model.id,
      version: model.version,
      municipality,
    });
  }
}

function pinnedModel(state: OpenCaseState, ctx: CaseDecisionContext): ModelDefinition {
  const model = ctx.models(state.model.id, state.model.version);
  if (!model || model.id !== state.model.id || model.version !== state.model.version) {
    throw new DomainError(CASE_ERRORS.MODEL_UNKNOWN, `model ${state.model.id}@${state.model.version} is not available`, {
      modelId: state.model.id,
      version: state.model.version,
    });
  }
  return model;
}

function stateOf(model: ModelDefinition, id: string): ModelState {
  const found = model.states.find((s) => s.id === id);
  // Validated models and cases built from their events always find it; anything else is a bug.
  if (!found) throw new RangeError(`Model ${model.id}@${model.version} has no state "${id}"`);
  return found;
}

function requireExisting(state: CaseState): OpenCaseState | ClosedCaseState {
  if (state.status === 'none') throw new DomainError(CASE_ERRORS.NOT_FOUND, 'the case does not exist');
  return state;
}

function requireOpen(state: CaseState): OpenCaseState {
  const existing = requireExisting(state);
  if (existing.status === 'closed') {
    throw new DomainError(CASE_ERRORS.CLOSED, `case ${existing.caseId} is closed`, {
      caseId: existing.caseId,
      state: existing.currentState,
    });
  }
  return existing;
}

/** The command's `reasonWithheld` (set by the app for an erased case, with the reason left out), checked. */
function reasonWithheldOf(command: TakeTransitionCommand): ReasonWithheld | null {
  if (command.reasonWithheld === undefined) return null;
  if (command.reasonWithheld !== 'erased') fieldInvalid('reasonWithheld', 'must be erased');
  if (command.reason !== undefined) fieldInvalid('reason', 'is withheld: it is not given with reasonWithheld');
  return command.reasonWithheld;
}

function requireReason(value: unknown): string {
  const reason = optionalText('reason', value);
  if (reason === null) throw new DomainError(CASE_ERRORS.REASON_REQUIRED, 'a reason is required');
  return reason;
}

function optionalText(field: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') fieldInvalid(field, 'must be text');
  return isBlankText(value) ? null : value;
}

function requireText(field: string, value: unknown): string {
  if (!isVisibleText(value)) {
    throw new DomainError(CASE_ERRORS.FIELD_REQUIRED, `${field} is required`, { field });
  }
  return value;
}

/** The longest text of a transition's field, and the most texts in a list. */
const MAX_FIELD_LENGTH = 500;
const MAX_FIELD_ITEMS = 50;

/**
 * A required field says nothing when it is absent, blank (nothing visible: see `isBlankText`), or a list of nothing
 * but blanks (`[]` included).
 */
function isMissing(value: unknown): boolean {
  const isBlank = (v: unknown) => typeof v === 'string' && isBlankText(v);
  return value === undefined || value === null || isBlank(value) || (Array.isArray(value) && value.every(isBlank));
}

function isFieldValue(value: unknown): boolean {
  const isText = (v: unknown) => typeof v === 'string' && v.length <= MAX_FIELD_LENGTH;
  if (isText(value) || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return true;
  return Array.isArray(value) && value.length <= MAX_FIELD_ITEMS && value.every(isText);
}

function fieldInvalid(field: string, why: string): never {
  throw new DomainError(CASE_ERRORS.FIELD_INVALID, `${field} ${why}`, { field });
}

function assertNever(value: never): never {
  throw new RangeError(`Unknown case command: ${JSON.stringify(value)}`);
}
