import { describe, expect, it } from '@jest/globals';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, TWENTE_MUNICIPALITIES, validateTablesConfig, type TablesConfig } from '../src/index.js';

/**
 * An escalation policy lists only municipalities the `politie` table serves: an escalation of any other reaches no
 * liaison (the coordinator is alerted at once), so the policy could never apply to it. Such a configuration is
 * refused at start-up, naming the policy and those municipalities. `'*'` is the fallback: allowed even when every
 * municipality the politie table serves has a policy of its own, as in the shipped tables, but not without a politie
 * table.
 */

const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
const AMSTERDAM = 'GM0363';
const UTRECHT = 'GM0344';

/** A mutable copy of the shipped configuration to change in one place. */
const copy = (): any => JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
const police = (c: any) => c.tables.find((t: any) => t.id === 'politie');
const messages = (c: TablesConfig) => validateTablesConfig(c).map((p) => `${p.path}: ${p.message}`);
const TIERS = BUILT_IN_TABLES_CONFIG.escalation.policies[0]!.tiers;

describe('an escalation policy naming municipalities the politie table does not serve', () => {
  it('is refused, naming the policy and each such municipality once', () => {
    const c = copy();
    c.escalation.policies.push({ id: 'randstad', municipalities: [AMSTERDAM, UTRECHT, AMSTERDAM], tiers: TIERS });
    expect(messages(c)).toEqual([
      'escalation.policies[2].municipalities[2]: GM0363 already has policy "randstad"',
      'escalation.policies[2].municipalities: policy "randstad" can never apply to GM0363, GM0344: the politie table does not serve them, so their escalations reach no liaison ' +
        "(they go to the coordinator at once); add them to the politie table's municipalities, or remove them from this policy",
    ]);
    expect(() => assertValidTablesConfig(c)).toThrow(/policy "randstad" can never apply to GM0363, GM0344/);
  });

  it('is refused when only part of it lies outside the region: that part never applies', () => {
    const c = copy();
    police(c).municipalities = TWENTE_MUNICIPALITIES.filter((m) => m !== ENSCHEDE);
    expect(messages(c)).toEqual([
      'escalation.policies[0].municipalities: policy "twente" can never apply to GM0153: the politie table does not serve it, so its escalations reach no liaison ' +
        "(they go to the coordinator at once); add it to the politie table's municipalities, or remove it from this policy",
    ]);
  });

  it('is refused, every listed policy, when there is no politie table at all', () => {
    const c = copy();
    c.tables = c.tables.filter((t: any) => t.id !== 'politie');
    expect(messages(c)).toEqual([
      expect.stringMatching(/^escalation\.policies\[0\]\.municipalities: policy "twente" can never apply to GM0141, .*: there is no politie table, so no escalation reaches a liaison/),
      expect.stringMatching(/^escalation\.policies\[1\]\.municipalities: policy "\S+" can never apply: there is no politie table/),
    ]);
  });

  it('is accepted once the region and the policy agree (the municipality left both)', () => {
    const c = copy();
    police(c).municipalities = [ENSCHEDE, HENGELO];
    c.escalation.policies[0].municipalities = [HENGELO];
    expect(messages(c)).toEqual([]);
  });
});

describe("the '*' fallback policy", () => {
  it('is accepted although the shipped politie table serves only Twente, which has its own policy: it may go unused', () => {
    const fallback = BUILT_IN_TABLES_CONFIG.escalation.policies.find((p) => p.municipalities === '*');
    expect(fallback).toBeDefined();
    expect([...police(BUILT_IN_TABLES_CONFIG).municipalities].sort()).toEqual([...TWENTE_MUNICIPALITIES].sort());
    expect(validateTablesConfig(BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('is refused without a politie table: it could never apply, and every escalation would go to the coordinator unannounced', () => {
    const c = copy();
    c.tables = c.tables.filter((t: any) => t.id !== 'politie');
    c.escalation.policies = c.escalation.policies.filter((p: any) => p.municipalities === '*');
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.policies\[0\]\.municipalities: policy "\S+" can never apply: there is no politie table/)]);
  });
});

describe('a politie table whose municipalities are not a list', () => {
  it('is reported with the table only, not again for every policy', () => {
    const c = copy();
    police(c).municipalities = 'GM0153';
    expect(messages(c)).toEqual([expect.stringMatching(/^tables\[6\]\.municipalities: table "politie" must serve at least one municipality$/)]);
  });
});
