import { describe, expect, it } from '@jest/globals';
import {
  assertValidTablesConfig,
  BUILT_IN_MODELS,
  BUILT_IN_TABLES_CONFIG,
  DomainError,
  TWENTE_MUNICIPALITIES,
  validateTablesConfig,
  type TablesConfig,
} from '../src/index.js';

/** A mutable copy of the shipped configuration to break in one place. */
const copy = (): any => JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
const tableOf = (c: any, id: string) => c.tables.find((t: any) => t.id === id);
const messages = (c: TablesConfig) => validateTablesConfig(c).map((p) => `${p.path}: ${p.message}`);

describe('the shipped tables configuration', () => {
  it('is valid and has the seven tables of the issue', () => {
    expect(validateTablesConfig(BUILT_IN_TABLES_CONFIG)).toEqual([]);
    expect(BUILT_IN_TABLES_CONFIG.tables.map((t) => t.id).sort()).toEqual(
      ['jeugdgroepenoverleg', 'lokale-ondermijningstafel', 'politie', 'riec', 'zvh-casusoverleg', 'zvh-jor', 'zvh-topx'].sort(),
    );
  });

  it('lets the RIEC and ZVH serve the 14 Twente municipalities, each on its own topic', () => {
    expect(TWENTE_MUNICIPALITIES).toHaveLength(14);
    for (const id of ['riec', 'zvh-casusoverleg', 'zvh-jor', 'zvh-topx']) expect([...tableOf(BUILT_IN_TABLES_CONFIG, id).municipalities].sort()).toEqual([...TWENTE_MUNICIPALITIES].sort());
    for (const t of BUILT_IN_TABLES_CONFIG.tables) expect(t.topic).toBe(`signaalroute.tables.${t.id}.v1`);
  });

  it('covers every table a built-in model refers to, for that model', () => {
    for (const model of BUILT_IN_MODELS) {
      for (const table of new Set(model.states.flatMap((s) => s.referrals ?? []))) {
        expect({ model: model.id, table, covered: Object.hasOwn(tableOf(BUILT_IN_TABLES_CONFIG, table).profile.fields, model.id) }).toEqual({ model: model.id, table, covered: true });
      }
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(BUILT_IN_TABLES_CONFIG.tables[0]!.profile.fields)).toBe(true);
  });
});

describe('a configuration with a mistake is refused, naming where', () => {
  it('a profile naming an unknown field', () => {
    const c = copy();
    tableOf(c, 'riec').profile.fields['ondermijning-intake'].push('kentekens');
    expect(messages(c)).toEqual([expect.stringMatching(/^tables\[0\]\.profile\.fields\.ondermijning-intake\[12\]: table "riec": unknown field "kentekens"/)]);
    const error = (() => {
      try {
        assertValidTablesConfig(c);
      } catch (e) {
        return e as DomainError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('TABLES.CONFIG_INVALID');
    expect(error.message).toContain('unknown field "kentekens"');
  });

  it.each(['bsn', 'reporter', 'reporterRef', 'reporterRelation'])('a profile naming %s, which never leaves the municipality', (field) => {
    const c = copy();
    tableOf(c, 'zvh-casusoverleg').profile.fields.ave.push(field);
    expect(messages(c)).toEqual([expect.stringContaining(`field "${field}" (case type ave) can never be shared`)]);
  });

  it.each(['concern', 'urgency', 'wvggz'])('zorg field %s in the RIEC profile', (field) => {
    const c = copy();
    tableOf(c, 'riec').profile.fields['ondermijning-intake'].push(field);
    expect(messages(c)).toEqual([expect.stringContaining(`zorg field "${field}" may not reach this table`)]);
  });

  it.each<[string, (c: any) => void, RegExp]>([
    ['a duplicate table', (c) => c.tables.push(copy().tables[0]), /table "riec" is defined twice/],
    ['a bad municipality code', (c) => (tableOf(c, 'riec').municipalities = ['Enschede']), /"Enschede" is not a CBS code/],
    ['no municipalities', (c) => (tableOf(c, 'riec').municipalities = []), /must serve at least one municipality/],
    ['a bad topic', (c) => (tableOf(c, 'riec').topic = 'riec'), /topic must look like signaalroute\.tables/],
    ['a zero acceptance deadline', (c) => (tableOf(c, 'riec').acceptanceDeadline = { amount: 0, unit: 'working-days' }), /acceptanceDeadline: must be/],
    ['an unknown duration unit', (c) => (tableOf(c, 'riec').reminderLeadTime = { amount: 2, unit: 'weeks' }), /reminderLeadTime: must be/],
    ['an unknown responsibility taken over', (c) => (tableOf(c, 'riec').takesOver = { regie: 'riec' }), /"regie" is not a responsibility/],
    ['no legal basis', (c) => (tableOf(c, 'riec').profile.legalBasis = ' '), /needs a legal basis/],
    ['a field listed twice', (c) => tableOf(c, 'riec').profile.fields['ondermijning-intake'].push('theme'), /"theme" is listed twice/],
    ['a policy without tiers', (c) => (c.escalation.policies[0].tiers = []), /needs at least one tier/],
    ['a tier without a timeout', (c) => (c.escalation.policies[0].tiers[0].ackTimeoutMinutes = 0), /ackTimeoutMinutes: must be a whole number of minutes/],
    ['a negative repeat', (c) => (c.escalation.policies[0].tiers[0].repeat = -1), /repeat: must be a whole number from 0 to 10/],
    ['a municipality in two policies', (c) => c.escalation.policies.push({ id: 'enschede', municipalities: ['GM0153'], tiers: c.escalation.policies[0].tiers }), /GM0153 already has policy "twente"/],
    ['two fallback policies', (c) => c.escalation.policies.push({ ...c.escalation.policies[1], id: 'nog-een' }), /at most one policy may cover '\*'/],
  ])('%s', (_name, breakIt, expected) => {
    const c = copy();
    breakIt(c);
    const found = messages(c);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(expected);
  });

  it('reports every problem at once', () => {
    const c = copy();
    tableOf(c, 'riec').profile.fields['ondermijning-intake'].push('a', 'b');
    tableOf(c, 'politie').profile.fields.ave.push('c');
    expect(messages(c)).toHaveLength(3);
  });
});
