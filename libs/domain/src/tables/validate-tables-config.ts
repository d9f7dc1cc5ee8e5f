import { DURATION_UNITS, isResponsibilityKind, type ModelDuration } from '../models/model-definition.js';
import { DomainError } from '../shared/domain-error.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { categoryOf, isShareableField, NEVER_SHARED_FIELDS } from './shareable-field.js';
import type { EscalationTier, TablesConfig } from './table-definition.js';

const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const TABLE_TOPIC = /^signaalroute\.tables\.[a-z0-9-]+\.v[1-9]\d*$/;

/** One thing wrong with a configuration: where (a path such as `tables[0].profile.fields.ave[2]`) and what. */
export interface TablesConfigProblem {
  path: string;
  message: string;
}

/**
 * Checks a tables configuration and returns every problem (empty when valid). Profiles may only name
 * shareable fields; reporter identity and the BSN can never be named; a table that does not receive zorg
 * data (the RIEC) may not name a zorg field.
 */
export function validateTablesConfig(config: TablesConfig): TablesConfigProblem[] {
  const problems: TablesConfigProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (typeof config !== 'object' || config === null || !Array.isArray(config.tables)) {
    add('tables', 'must be a list of tables');
    return problems;
  }
  const seen = new Set<string>();
  config.tables.forEach((t, i) => {
    const at = `tables[${i}]`;
    if (typeof t !== 'object' || t === null) return add(at, 'must be an object');
    if (typeof t.id !== 'string' || !KEBAB_ID.test(t.id)) add(`${at}.id`, `"${String(t.id)}" is not a kebab-case table id`);
    else if (seen.has(t.id)) add(`${at}.id`, `table "${t.id}" is defined twice`);
    else seen.add(t.id);
    const name = `table "${String(t.id)}"`;
    if (typeof t.title !== 'string' || t.title.trim() === '') add(`${at}.title`, `${name} needs a title`);
    if (!Array.isArray(t.municipalities) || t.municipalities.length === 0) add(`${at}.municipalities`, `${name} must serve at least one municipality`);
    else (t.municipalities as readonly unknown[]).forEach((m, j) => !isMunicipalityCode(m) && add(`${at}.municipalities[${j}]`, `${name}: "${String(m)}" is not a CBS code (GM + 4 digits)`));
    if (typeof t.topic !== 'string' || !TABLE_TOPIC.test(t.topic)) add(`${at}.topic`, `${name}: topic must look like signaalroute.tables.<table>.v1`);
    checkDuration(`${at}.acceptanceDeadline`, t.acceptanceDeadline, add, false);
    if (t.reminderLeadTime !== undefined) checkDuration(`${at}.reminderLeadTime`, t.reminderLeadTime, add, true);
    if (typeof t.receivesZorg !== 'boolean') add(`${at}.receivesZorg`, `${name}: receivesZorg must be true or false`);
    if (typeof t.takesOver !== 'object' || t.takesOver === null) add(`${at}.takesOver`, `${name}: takesOver must be an object`);
    else
      for (const [kind, holder] of Object.entries(t.takesOver)) {
        if (!isResponsibilityKind(kind)) add(`${at}.takesOver.${kind}`, `${name}: "${kind}" is not a responsibility`);
        else if (typeof holder !== 'string' || holder.trim() === '') add(`${at}.takesOver.${kind}`, `${name}: the holder must be a name`);
      }
    const p = t.profile;
    if (typeof p !== 'object' || p === null) return add(`${at}.profile`, `${name} needs a sharing profile`);
    if (typeof p.legalBasis !== 'string' || p.legalBasis.trim() === '') add(`${at}.profile.legalBasis`, `${name}: the sharing profile needs a legal basis`);
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
  checkEscalation(config, add);
  return problems;
}

/**
 * Throws `TABLES.CONFIG_INVALID` listing every problem (details.problems) unless the configuration is
 * valid; the message names each path, so a bad profile stops the start-up saying which field is wrong.
 */
export function assertValidTablesConfig(config: TablesConfig): void {
  const problems = validateTablesConfig(config);
  if (problems.length > 0) {
    throw new DomainError('TABLES.CONFIG_INVALID', `invalid tables configuration:\n  - ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  - ')}`, { problems });
  }
}

function checkEscalation(config: TablesConfig, add: (path: string, message: string) => void): void {
  const e = config.escalation;
  if (typeof e !== 'object' || e === null) return add('escalation', 'needs triggers and policies');
  const t = e.triggers;
  if (typeof t !== 'object' || t === null) add('escalation.triggers', 'must be an object');
  else {
    if (!Array.isArray(t.notifications)) add('escalation.triggers.notifications', 'must be a list of event types');
    if (!Array.isArray(t.transitions)) add('escalation.triggers.transitions', 'must be a list');
    else t.transitions.forEach((x, i) => (!x || !KEBAB_ID.test(String(x.modelId)) || typeof x.to !== 'string' || !KEBAB_ID.test(x.to)) && add(`escalation.triggers.transitions[${i}]`, 'needs a modelId and a state id `to`'));
    if (!Array.isArray(t.deadlinesBreached)) add('escalation.triggers.deadlinesBreached', 'must be a list');
    else t.deadlinesBreached.forEach((x, i) => (!x || !KEBAB_ID.test(String(x.modelId))) && add(`escalation.triggers.deadlinesBreached[${i}]`, 'needs a modelId'));
  }
  if (!Array.isArray(e.policies)) return add('escalation.policies', 'must be a list of policies');
  const covered = new Map<string, string>();
  let fallbacks = 0;
  e.policies.forEach((p, i) => {
    const at = `escalation.policies[${i}]`;
    if (typeof p !== 'object' || p === null) return add(at, 'must be an object');
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
      if (typeof tier?.id !== 'string' || !KEBAB_ID.test(tier.id)) add(`${tat}.id`, 'must be a kebab-case id');
      else if (ids.has(tier.id)) add(`${tat}.id`, `tier "${tier.id}" is listed twice`);
      else ids.add(tier.id);
      if (typeof tier?.title !== 'string' || tier.title.trim() === '') add(`${tat}.title`, 'needs a title');
      if (!Number.isSafeInteger(tier?.ackTimeoutMinutes) || tier!.ackTimeoutMinutes < 1) add(`${tat}.ackTimeoutMinutes`, 'must be a whole number of minutes, at least 1');
      if (!Number.isSafeInteger(tier?.repeat) || tier!.repeat < 0 || tier!.repeat > 10) add(`${tat}.repeat`, 'must be a whole number from 0 to 10');
    });
  });
  if (fallbacks > 1) add('escalation.policies', "at most one policy may cover '*'");
}

function checkDuration(path: string, d: ModelDuration | undefined, add: (path: string, message: string) => void, zeroAllowed: boolean): void {
  if (typeof d !== 'object' || d === null || !(DURATION_UNITS as readonly unknown[]).includes(d.unit) || !Number.isSafeInteger(d.amount) || d.amount < (zeroAllowed ? 0 : 1)) {
    add(path, `must be { amount: a whole number${zeroAllowed ? '' : ' ≥ 1'}, unit: ${DURATION_UNITS.join(' | ')} }`);
  }
}
