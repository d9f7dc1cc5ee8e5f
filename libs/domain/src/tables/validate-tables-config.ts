import { DURATION_UNITS, isNotificationType, isResponsibilityKind, NOTIFICATION_TYPES, type DurationUnit, type ModelDuration } from '../models/model-definition.js';
import { DomainError } from '../shared/domain-error.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { fieldsOf, unknownFields } from '../shared/known-fields.js';
import { isVisibleText } from '../shared/visible-text.js';
import { POLICE_TABLE } from './police-region.js';
import { categoryOf, isShareableField, NEVER_SHARED_FIELDS } from './shareable-field.js';
import type { EscalationPolicy, EscalationTier, EscalationTriggers, SharingProfile, TableDefinition, TablesConfig } from './table-definition.js';
import type { TablesConfigProblem } from './tables-config-problem.js';
import { calendarProblems } from './validate-calendars.js';

export type { TablesConfigProblem } from './tables-config-problem.js';

const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** A table topic, capturing the table id it names: `signaalroute.tables.<id>.v<N>` (N = 1, 2, ...). */
const TABLE_TOPIC = /^signaalroute\.tables\.([a-z0-9-]+)\.v[1-9]\d*$/;
/**
 * Longest acceptance deadline or reminder lead time, per unit: a year. A longer term is taken for a typo,
 * and a huge one would throw a RangeError when a referral's due moment is computed inside a consumer.
 */
const MAX_DURATION = { 'calendar-days': 365, 'working-days': 260, hours: 8_760 } as const satisfies Record<DurationUnit, number>;
/** Longest time a tier has to acknowledge: 7 days, in minutes (150000 for 15 would wait 104 days). */
const MAX_ACK_TIMEOUT_MINUTES = 7 * 24 * 60;
/** Most extra notifications of one tier before the next tier is tried. */
const MAX_REPEAT = 10;
/** The fields each kind of trigger entry has; any other field is refused (a misspelt `definitionId` would widen the trigger). */
const TRANSITION_TRIGGER_FIELDS: TriggerFields = {
  modelId: { required: true, what: 'a model id (kebab-case)', ok: isKebabId },
  to: { required: true, what: 'a state id (kebab-case)', ok: isKebabId },
};
const DEADLINE_TRIGGER_FIELDS: TriggerFields = {
  modelId: { required: true, what: 'a model id (kebab-case)', ok: isKebabId },
  definitionId: { required: false, what: 'a deadline id (non-empty text; leave it out for every deadline of the model)', ok: isVisibleText },
};
/** The fields of each object of the configuration; any other key is refused (a misspelt `reminderLeadTime` would mean no reminders). */
const CONFIG_FIELDS = fieldsOf<TablesConfig>({ tables: true, escalation: true, calendars: true });
const TABLE_FIELDS = fieldsOf<TableDefinition>({
  id: true,
  title: true,
  municipalities: true,
  topic: true,
  acceptanceDeadline: true,
  reminderLeadTime: true,
  receivesZorg: true,
  takesOver: true,
  profile: true,
});
const DURATION_FIELDS = fieldsOf<ModelDuration>({ amount: true, unit: true });
const PROFILE_FIELDS = fieldsOf<SharingProfile>({ legalBasis: true, processingActivity: true, fields: true });
const ESCALATION_FIELDS = fieldsOf<TablesConfig['escalation']>({ triggers: true, policies: true });
const TRIGGER_LISTS = fieldsOf<EscalationTriggers>({ notifications: true, transitions: true, deadlinesBreached: true });
const POLICY_FIELDS = fieldsOf<EscalationPolicy>({ id: true, municipalities: true, tiers: true });
const TIER_FIELDS = fieldsOf<EscalationTier>({ id: true, title: true, ackTimeoutMinutes: true, repeat: true });

/** What a field of a trigger entry must be: whether it must be present, a description, and the test. */
type TriggerFields = Record<string, { required: boolean; what: string; ok: (value: unknown) => boolean }>;
type Add = (path: string, message: string) => void;


/**
 * Checks a tables configuration and returns every problem (empty when valid). Profiles may only name
 * shareable fields; reporter identity and the BSN can never be named; a table that does not receive zorg
 * data (the RIEC) may not name a zorg field. Each table publishes on a topic of its own,
 * `signaalroute.tables.<its id>.v<N>`; escalation triggers name known notification types and only the fields
 * a trigger has; durations and acknowledgement times have upper bounds (a year, 7 days), so a typo is refused.
 * An escalation policy lists only municipalities the `politie` table serves (`'*'` is the fallback, used or not),
 * and every municipality the `politie` table serves gets tiers: a policy of its own or the `'*'` policy.
 * Every object has a fixed set of fields: any other key (a misspelt one) is refused, at every level. The optional
 * `calendars` (a municipality's closing days) are checked by `calendarProblems`, each problem with its code.
 */
export function validateTablesConfig(config: TablesConfig): TablesConfigProblem[] {
  const problems: TablesConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (typeof config !== 'object' || config === null || !Array.isArray(config.tables)) {
    add('tables', 'must be a list of tables');
    return problems;
  }
  checkKnownFields('', '', config, CONFIG_FIELDS, add);
  const seen = new Set<string>();
  config.tables.forEach((t, i) => {
    const at = `tables[${i}]`;
    if (typeof t !== 'object' || t === null) return add(at, 'must be an object');
    if (typeof t.id !== 'string' || !KEBAB_ID.test(t.id)) add(`${at}.id`, `"${String(t.id)}" is not a kebab-case table id`);
    else if (seen.has(t.id)) add(`${at}.id`, `table "${t.id}" is defined twice`);
    else seen.add(t.id);
    const name = `table "${String(t.id)}"`;
    checkKnownFields(at, `${name}: `, t, TABLE_FIELDS, add);
    if (!isVisibleText(t.title)) add(`${at}.title`, `${name} needs a title`);
    if (!Array.isArray(t.municipalities) || t.municipalities.length === 0) add(`${at}.municipalities`, `${name} must serve at least one municipality`);
    else (t.municipalities as readonly unknown[]).forEach((m, j) => !isMunicipalityCode(m) && add(`${at}.municipalities[${j}]`, `${name}: "${String(m)}" is not a CBS code (GM + 4 digits)`));
    const topicWhy = topicProblem(t.id, t.topic);
    if (topicWhy) add(`${at}.topic`, `${name}: ${topicWhy}`);
    checkDuration(`${at}.acceptanceDeadline`, t.acceptanceDeadline, add, 1);
    if (t.reminderLeadTime !== undefined) checkDuration(`${at}.reminderLeadTime`, t.reminderLeadTime, add, 0);
    if (typeof t.receivesZorg !== 'boolean') add(`${at}.receivesZorg`, `${name}: receivesZorg must be true or false`);
    if (typeof t.takesOver !== 'object' || t.takesOver === null) add(`${at}.takesOver`, `${name}: takesOver must be an object`);
    else
      for (const [kind, holder] of Object.entries(t.takesOver)) {
        if (!isResponsibilityKind(kind)) add(`${at}.takesOver.${kind}`, `${name}: "${kind}" is not a responsibility`);
        else if (!isVisibleText(holder)) add(`${at}.takesOver.${kind}`, `${name}: the holder must be a name`);
      }
    const p = t.profile;
    if (typeof p !== 'object' || p === null) return add(`${at}.profile`, `${name} needs a sharing profile`);
    checkKnownFields(`${at}.profile`, `${name}: `, p, PROFILE_FIELDS, add);
    if (!isVisibleText(p.legalBasis)) add(`${at}.profile.legalBasis`, `${name}: the sharing profile needs a legal basis`);
    if (typeof p.processingActivity !== 'string' || !KEBAB_ID.test(p.processingActivity)) add(`${at}.profile.processingActivity`, `${name}: the processing activity must be a kebab-case id`);
    if (typeof p.fields !== 'object' || p.fields === null) return add(`${at}.profile.fields`, `${name}: fields must map case types to field lists`);
    for (const [caseType, fields] of Object.entries(p.fields)) {
      const fat = `${at}.profile.fields.${caseType}`;
      if (!KEBAB_ID.test(caseType)) add(fat, `${name}: "${caseType}" is not a case type (model id)`);
      if (!Array.isArray(fields)) {
        add(fat, `${name}: the fields of case type "${caseType}" must be a list`);
        continue;
      }
      const listed = new Set<string>();
      fields.forEach((field, j) => {
        const path = `${fat}[${j}]`;
        if ((NEVER_SHARED_FIELDS as readonly unknown[]).includes(field)) {
          add(path, `${name}: field "${String(field)}" (case type ${caseType}) can never be shared: reporter identity and the BSN never leave the municipality`);
        } else if (!isShareableField(field)) {
          add(path, `${name}: unknown field "${String(field)}" in the sharing profile for case type ${caseType}`);
        } else if (listed.has(field)) {
          add(path, `${name}: field "${field}" is listed twice for case type ${caseType}`);
        } else if (categoryOf(field) === 'zorg' && t.receivesZorg === false) {
          add(path, `${name}: zorg field "${field}" may not reach this table (receivesZorg is false)`);
        }
        if (typeof field === 'string') listed.add(field);
      });
    }
  });
  checkTopicsUnique(config.tables, add);
  checkEscalation(config, add);
  problems.push(...calendarProblems(config));
  return problems;
}

/**
 * Throws `TABLES.CONFIG_INVALID` listing every problem (details.problems) unless the configuration is
 * valid; the message names each path (and a problem's code, where it has one), so a bad profile stops the
 * start-up saying which field is wrong.
 */
export function assertValidTablesConfig(config: TablesConfig): void {
  const problems = validateTablesConfig(config);
  if (problems.length > 0) {
    const lines = problems.map((p) => `${p.path}: ${p.message}${p.code ? ` (${p.code})` : ''}`);
    throw new DomainError('TABLES.CONFIG_INVALID', `invalid tables configuration:\n  - ${lines.join('\n  - ')}`, { problems });
  }
}

/**
 * A table's topic is its own: `signaalroute.tables.<its id>.v<N>`. Returns why not, or null. Naming another
 * table's id would publish this table's referrals (with whatever its profile allows, zorg fields included)
 * to that table's readers. While the id itself is invalid (reported there) only the shape is checked.
 */
function topicProblem(id: unknown, topic: unknown): string | null {
  const named = typeof topic === 'string' ? TABLE_TOPIC.exec(topic)?.[1] : undefined;
  const idValid = isKebabId(id);
  if (named !== undefined && (named === id || !idValid)) return null;
  const rule = `topic must look like signaalroute.tables.${idValid ? id : '<id>'}.v<N> (the table's own id, N = 1, 2, ...); got ${show(topic)}`;
  return named === undefined ? rule : `${rule}, which names table "${named}": that table's readers would receive this table's referrals`;
}

/** No two tables share a topic: each table reads its own topic, so a shared one hands referrals to the wrong table. */
function checkTopicsUnique(tables: TablesConfig['tables'], add: Add): void {
  const owners = new Map<string, number>();
  tables.forEach((t, i) => {
    if (typeof t !== 'object' || t === null || typeof t.topic !== 'string') return;
    const first = owners.get(t.topic);
    if (first === undefined) owners.set(t.topic, i);
    else add(`tables[${i}].topic`, `table "${String(t.id)}": topic "${t.topic}" is already the topic of table "${String(tables[first]!.id)}" (tables[${first}]); each table needs a topic of its own`);
  });
}

function checkEscalation(config: TablesConfig, add: Add): void {
  const e = config.escalation;
  if (typeof e !== 'object' || e === null) return add('escalation', 'needs triggers and policies');
  checkKnownFields('escalation', '', e, ESCALATION_FIELDS, add);
  checkTriggers(e.triggers, add);
  if (!Array.isArray(e.policies)) return add('escalation.policies', 'must be a list of policies');
  const covered = new Map<string, string>();
  let fallbacks = 0;
  e.policies.forEach((p, i) => {
    const at = `escalation.policies[${i}]`;
    if (typeof p !== 'object' || p === null) return add(at, 'must be an object');
    checkKnownFields(at, '', p, POLICY_FIELDS, add);
    if (typeof p.id !== 'string' || !KEBAB_ID.test(p.id)) add(`${at}.id`, `"${String(p.id)}" is not a kebab-case policy id`);
    if (p.municipalities === '*') fallbacks++;
    else if (!Array.isArray(p.municipalities) || p.municipalities.length === 0) add(`${at}.municipalities`, "must list CBS codes, or be '*'");
    else
      (p.municipalities as readonly unknown[]).forEach((m, j) => {
        if (!isMunicipalityCode(m)) add(`${at}.municipalities[${j}]`, `"${String(m)}" is not a CBS code`);
        else if (covered.has(m as string)) add(`${at}.municipalities[${j}]`, `${String(m)} already has policy "${covered.get(m as string)}"`);
        else covered.set(m as string, String(p.id));
      });
    if (!Array.isArray(p.tiers) || p.tiers.length === 0) return add(`${at}.tiers`, 'needs at least one tier');
    const ids = new Set<string>();
    (p.tiers as readonly (EscalationTier | null | undefined)[]).forEach((tier, j) => {
      const tat = `${at}.tiers[${j}]`;
      if (isRecord(tier)) checkKnownFields(tat, '', tier, TIER_FIELDS, add);
      if (typeof tier?.id !== 'string' || !KEBAB_ID.test(tier.id)) add(`${tat}.id`, 'must be a kebab-case id');
      else if (ids.has(tier.id)) add(`${tat}.id`, `tier "${tier.id}" is listed twice`);
      else ids.add(tier.id);
      if (!isVisibleText(tier?.title)) add(`${tat}.title`, 'needs a title');
      if (!isWholeNumberIn(tier?.ackTimeoutMinutes, 1, MAX_ACK_TIMEOUT_MINUTES)) add(`${tat}.ackTimeoutMinutes`, `must be a whole number of minutes from 1 to ${MAX_ACK_TIMEOUT_MINUTES} (7 days); got ${show(tier?.ackTimeoutMinutes)}`);
      if (!isWholeNumberIn(tier?.repeat, 0, MAX_REPEAT)) add(`${tat}.repeat`, `must be a whole number from 0 to ${MAX_REPEAT}; got ${show(tier?.repeat)}`);
    });
  });
  if (fallbacks > 1) add('escalation.policies', "at most one policy may cover '*'");
  checkPoliciesWithinPoliceRegion(config.tables, e.policies, add);
  checkPoliceRegionHasTiers(config.tables, e.policies, add);
}

/** The `politie` tables of the configuration being checked (one when valid; a second is reported as defined twice). */
function policeTablesOf(tables: TablesConfig['tables']): TablesConfig['tables'] {
  return tables.filter((t) => isRecord(t) && t.id === POLICE_TABLE);
}

/**
 * A policy lists only municipalities the `politie` table serves. An escalation of any other reaches no liaison: it
 * is raised undelivered and goes to the coordinator at once (`raiseUnservedEscalation`), so the policy's tiers could
 * never apply to it. That is a mistake, refused like a misspelt key rather than warned about: a misspelt code on
 * either list, or a region changed on one side only, would otherwise silently send that municipality's escalations
 * to the coordinator instead of its liaisons. One problem per policy, naming it and every such municipality.
 * `'*'` names no municipality: it is the fallback for any the `politie` table serves without a policy of its own,
 * and may go unused (as in the built-in tables, where Twente has its own policy), ready for a municipality the
 * region gains; without a `politie` table it too can never apply, and is refused like the others (every escalation
 * would go to the coordinator, and nothing at start-up would say so). Skipped while a `politie` table's municipalities
 * are not a list (reported with the table).
 */
function checkPoliciesWithinPoliceRegion(tables: TablesConfig['tables'], policies: readonly unknown[], add: Add): void {
  const police = policeTablesOf(tables);
  if (police.some((t) => !Array.isArray(t.municipalities))) return;
  const region = new Set<unknown>(police.flatMap((t) => t.municipalities));
  const noPoliceTable = `there is no ${POLICE_TABLE} table, so no escalation reaches a liaison (each goes to the coordinator at once); add a ${POLICE_TABLE} table or remove this policy`;
  policies.forEach((p, i) => {
    if (!isRecord(p)) return;
    const path = `escalation.policies[${i}].municipalities`;
    if (p.municipalities === '*') {
      if (police.length === 0) add(path, `policy ${show(p.id)} can never apply: ${noPoliceTable}`);
      return;
    }
    if (!Array.isArray(p.municipalities)) return;
    const unserved = [...new Set((p.municipalities as readonly unknown[]).filter((m) => isMunicipalityCode(m) && !region.has(m)))];
    if (unserved.length === 0) return;
    const [them, their] = unserved.length === 1 ? ['it', 'its'] : ['them', 'their'];
    const why =
      police.length === 0
        ? noPoliceTable
        : `the ${POLICE_TABLE} table does not serve ${them}, so ${their} escalations reach no liaison (they go to the coordinator at once); ` +
          `add ${them} to the ${POLICE_TABLE} table's municipalities, or remove ${them} from this policy`;
    add(path, `policy ${show(p.id)} can never apply to ${unserved.join(', ')}: ${why}`);
  });
}

/**
 * Every municipality the `politie` table serves gets tiers: a policy lists it, or there is a `'*'` policy. Without
 * either, `policyFor` finds no policy and each of its escalations goes to the coordinator at once (shown as
 * `tiers-exhausted`), though the configuration says the police serve it: refused, naming every such municipality
 * in the politie table's order, once. Skipped while the politie table's municipalities or a policy's are not a
 * list or `'*'` (reported there: what that policy was meant to cover is unknown); invalid codes are reported with
 * the table.
 */
function checkPoliceRegionHasTiers(tables: TablesConfig['tables'], policies: readonly unknown[], add: Add): void {
  const police = policeTablesOf(tables);
  if (police.some((t) => !Array.isArray(t.municipalities))) return;
  if (policies.some((p) => !isRecord(p) || (p.municipalities !== '*' && !Array.isArray(p.municipalities)))) return;
  const listed = policies as readonly { municipalities: '*' | readonly unknown[] }[];
  if (listed.some((p) => p.municipalities === '*')) return;
  const covered = new Set<unknown>(listed.flatMap((p) => p.municipalities));
  const without = [...new Set(police.flatMap((t) => t.municipalities).filter((m) => isMunicipalityCode(m) && !covered.has(m)))];
  if (without.length === 0) return;
  const [them, their] = without.length === 1 ? ['it', 'its'] : ['them', 'their'];
  add(
    'escalation.policies',
    `the ${POLICE_TABLE} table serves ${without.join(', ')} but no escalation policy gives ${them} tiers, so ${their} escalations would go to the coordinator at once: ` +
      `add ${them} to a policy or add a '*' policy`,
  );
}

/**
 * `escalation.triggers`: exactly the lists `notifications`, `transitions` and `deadlinesBreached`.
 * Notifications must be notification types the models raise (a misspelt one never escalates, a case event
 * such as `CaseOpened` would escalate every case); transition and deadline entries have only their own
 * fields. Model ids are not looked up: a municipality may publish models of its own.
 */
function checkTriggers(triggers: unknown, add: Add): void {
  const at = 'escalation.triggers';
  if (!isRecord(triggers)) return add(at, 'must be an object { notifications, transitions, deadlinesBreached }');
  checkKnownFields(at, '', triggers, TRIGGER_LISTS, add);
  const { notifications, transitions, deadlinesBreached } = triggers;
  if (!Array.isArray(notifications)) add(`${at}.notifications`, 'must be a list of notification types');
  else checkNotificationTriggers(`${at}.notifications`, notifications, add);
  if (!Array.isArray(transitions)) add(`${at}.transitions`, 'must be a list of { modelId, to }');
  else transitions.forEach((x, i) => checkTriggerEntry(`${at}.transitions[${i}]`, x, TRANSITION_TRIGGER_FIELDS, add));
  if (!Array.isArray(deadlinesBreached)) add(`${at}.deadlinesBreached`, 'must be a list of { modelId, definitionId? }');
  else deadlinesBreached.forEach((x, i) => checkTriggerEntry(`${at}.deadlinesBreached[${i}]`, x, DEADLINE_TRIGGER_FIELDS, add));
}

/** Each notification trigger is one of `NOTIFICATION_TYPES`, listed once. */
function checkNotificationTriggers(at: string, notifications: readonly unknown[], add: Add): void {
  const listed = new Set<unknown>();
  notifications.forEach((n, i) => {
    if (!isNotificationType(n)) add(`${at}[${i}]`, `${show(n)} is not a notification type (${NOTIFICATION_TYPES.join(', ')})`);
    else if (listed.has(n)) add(`${at}[${i}]`, `"${n}" is listed twice`);
    listed.add(n);
  });
}

/** A trigger entry is an object with only the `fields` given, the required ones present, each of its kind. */
function checkTriggerEntry(at: string, entry: unknown, fields: TriggerFields, add: Add): void {
  if (!isRecord(entry)) return add(at, `must be an object { ${Object.keys(fields).join(', ')} }`);
  checkKnownFields(at, '', entry, Object.keys(fields), add);
  for (const [key, rule] of Object.entries(fields)) {
    const value = entry[key];
    if (value === undefined ? rule.required : !rule.ok(value)) add(`${at}.${key}`, `must be ${rule.what}; got ${show(value)}`);
  }
}

/** Refuses every field of `record` (at path `at`; '' at the top) not in `known`, each message after `prefix`. */
function checkKnownFields(at: string, prefix: string, record: object, known: readonly string[], add: Add): void {
  for (const { key, message } of unknownFields(record, known)) add(at ? `${at}.${key}` : key, `${prefix}${message}`);
}

/**
 * A duration is `{ amount, unit }` (no other field) with a whole amount from `min` up to a year in its unit
 * (MAX_DURATION): 365 calendar days, 260 working days or 8760 hours.
 */
function checkDuration(path: string, d: unknown, add: Add, min: 0 | 1): void {
  if (isRecord(d)) checkKnownFields(path, '', d, DURATION_FIELDS, add);
  const unit = isRecord(d) ? d.unit : undefined;
  if (!isRecord(d) || !(DURATION_UNITS as readonly unknown[]).includes(unit)) {
    return add(path, `must be { amount: a whole number${min === 1 ? ' ≥ 1' : ''}, unit: ${DURATION_UNITS.join(' | ')} }`);
  }
  const max = MAX_DURATION[unit as DurationUnit];
  if (!isWholeNumberIn(d.amount, min, max)) add(path, `must be { amount: a whole number from ${min} to ${max}, unit: ${String(unit)} } (at most a year); got ${show(d.amount)}`);
}

/** True when `value` is a safe integer from `min` to `max`. */
function isWholeNumberIn(value: unknown, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

function isKebabId(value: unknown): value is string {
  return typeof value === 'string' && KEBAB_ID.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it would be written in the configuration file (`"MayorInfomed"`, `42`, `undefined`). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
