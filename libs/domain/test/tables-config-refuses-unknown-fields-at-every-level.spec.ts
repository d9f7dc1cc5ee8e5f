import { describe, expect, it } from '@jest/globals';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, validateTablesConfig, type TablesConfig } from '../src/index.js';

/**
 * A misspelt key in a tables configuration file is not a harmless extra: `reminderLeadtime` on a table means no
 * reminders at all, `ackTimeoutMinutez` on a tier leaves the real field missing or, worse, next to a valid one.
 * Every object of the file has a fixed set of fields, and any other key is refused naming its path, with the
 * known key it was probably meant to be.
 */

/** A mutable copy of the shipped configuration to break in one place. */
const copy = (): any => JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
const messages = (c: TablesConfig) => validateTablesConfig(c).map((p) => `${p.path}: ${p.message}`);
const TABLE_FIELDS = 'id, title, municipalities, topic, acceptanceDeadline, reminderLeadTime, receivesZorg, takesOver, profile';

describe('the tables configuration refuses a key it does not know, at every level', () => {
  it('the shipped configuration has none', () => {
    expect(validateTablesConfig(BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('at the top level', () => {
    const c = copy();
    c.tabels = [];
    expect(messages(c)).toEqual([`tabels: unknown field "tabels" (did you mean "tables"?); allowed: tables, escalation, calendars`]);
  });

  it('on a table: a misspelt reminderLeadTime would mean no reminders at all', () => {
    const c = copy();
    c.tables[2].reminderLeadtime = c.tables[2].reminderLeadTime;
    delete c.tables[2].reminderLeadTime;
    expect(messages(c)).toEqual([`tables[2].reminderLeadtime: table "zvh-casusoverleg": unknown field "reminderLeadtime" (did you mean "reminderLeadTime"?); allowed: ${TABLE_FIELDS}`]);
  });

  it('in a duration', () => {
    const c = copy();
    c.tables[0].acceptanceDeadline.amout = 3;
    expect(messages(c)).toEqual(['tables[0].acceptanceDeadline.amout: unknown field "amout" (did you mean "amount"?); allowed: amount, unit']);
  });

  it('in a sharing profile', () => {
    const c = copy();
    c.tables[0].profile.excludeFields = ['bsn'];
    expect(messages(c)).toEqual(['tables[0].profile.excludeFields: table "riec": unknown field "excludeFields"; allowed: legalBasis, processingActivity, fields']);
  });

  it('in escalation, a policy and a tier', () => {
    const c = copy();
    c.escalation.trigers = {};
    c.escalation.policies[0].fallback = true;
    c.escalation.policies[1].tiers[0].ackTimeoutMinutez = 10;
    expect(messages(c)).toEqual([
      'escalation.trigers: unknown field "trigers" (did you mean "triggers"?); allowed: triggers, policies',
      'escalation.policies[0].fallback: unknown field "fallback"; allowed: id, municipalities, tiers',
      'escalation.policies[1].tiers[0].ackTimeoutMinutez: unknown field "ackTimeoutMinutez" (did you mean "ackTimeoutMinutes"?); allowed: id, title, ackTimeoutMinutes, repeat',
    ]);
  });

  it('suggests a known key only when one is close', () => {
    const c = copy();
    c.tables[0].x = 1;
    c.tables[0].titles = 'RIEC';
    expect(messages(c)).toEqual([
      `tables[0].x: table "riec": unknown field "x"; allowed: ${TABLE_FIELDS}`,
      `tables[0].titles: table "riec": unknown field "titles" (did you mean "title"?); allowed: ${TABLE_FIELDS}`,
    ]);
    const t = copy();
    t.escalation.policies[0].tiers[0].it = 'x';
    expect(messages(t)).toEqual(['escalation.policies[0].tiers[0].it: unknown field "it" (did you mean "id"?); allowed: id, title, ackTimeoutMinutes, repeat']);
  });

  it('stops the start-up with TABLES.CONFIG_INVALID naming the path', () => {
    const c = copy();
    c.tables[2].reminderLeadtime = { amount: 1, unit: 'working-days' };
    expect(() => assertValidTablesConfig(c)).toThrow(/tables\[2\]\.reminderLeadtime: table "zvh-casusoverleg": unknown field "reminderLeadtime" \(did you mean "reminderLeadTime"\?\)/);
  });
});
