import { describe, expect, it } from '@jest/globals';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, DomainError, policyFor, TWENTE_MUNICIPALITIES, validateTablesConfig, type TablesConfig } from '../src/index.js';

/**
 * Every municipality the `politie` table serves gets escalation tiers: a policy of its own, or the `'*'` policy.
 * Without either its escalations would go to the coordinator at once (as `tiers-exhausted`), though the configuration
 * says the police serve it. Such a configuration is refused at start-up (`TABLES.CONFIG_INVALID`), naming every
 * municipality left without tiers.
 */

const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
const AMSTERDAM = 'GM0363';
const UTRECHT = 'GM0344';

/** A mutable copy of the shipped configuration to change in one place. */
const copy = (): any => JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
const police = (c: any) => c.tables.find((t: any) => t.id === 'politie');
const withoutFallback = (c: any) => (c.escalation.policies = c.escalation.policies.filter((p: any) => p.municipalities !== '*'));
const messages = (c: TablesConfig) => validateTablesConfig(c).map((p) => `${p.path}: ${p.message}`);
const TIERS = BUILT_IN_TABLES_CONFIG.escalation.policies[0]!.tiers;

describe("a municipality the politie table serves, without a policy of its own and without a '*' policy", () => {
  it('is refused, naming every such municipality once, in the order the politie table lists them', () => {
    const c = copy();
    police(c).municipalities.push(AMSTERDAM, UTRECHT, AMSTERDAM);
    withoutFallback(c);
    expect(policyFor(c, AMSTERDAM)).toBeNull();
    expect(messages(c)).toEqual([
      "escalation.policies: the politie table serves GM0363, GM0344 but no escalation policy gives them tiers, so their escalations would go to the coordinator at once: add them to a policy or add a '*' policy",
    ]);
  });

  it('is refused at start-up as TABLES.CONFIG_INVALID, with the problem in details', () => {
    const c = copy();
    c.escalation.policies[0].municipalities = TWENTE_MUNICIPALITIES.filter((m) => m !== ENSCHEDE);
    withoutFallback(c);
    let thrown: unknown;
    try {
      assertValidTablesConfig(c);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: 'TABLES.CONFIG_INVALID',
      details: {
        problems: [
          {
            path: 'escalation.policies',
            message: "the politie table serves GM0153 but no escalation policy gives it tiers, so its escalations would go to the coordinator at once: add it to a policy or add a '*' policy",
          },
        ],
      },
    });
  });

  it('is refused when there are no policies at all', () => {
    const c = copy();
    police(c).municipalities = [ENSCHEDE, HENGELO];
    c.escalation.policies = [];
    expect(messages(c)).toEqual([expect.stringMatching(/^escalation\.policies: the politie table serves GM0153, GM0164 but no escalation policy gives them tiers/)]);
  });
});

describe('every municipality the politie table serves with tiers', () => {
  it("is accepted with the '*' policy covering those without a policy of their own (the shipped tables, and a region grown beyond Twente)", () => {
    expect(validateTablesConfig(BUILT_IN_TABLES_CONFIG)).toEqual([]);
    const c = copy();
    police(c).municipalities.push(AMSTERDAM);
    expect(messages(c)).toEqual([]);
  });

  it("is accepted without a '*' policy when each has a policy of its own", () => {
    const c = copy();
    police(c).municipalities.push(AMSTERDAM);
    withoutFallback(c);
    c.escalation.policies.push({ id: 'amsterdam', municipalities: [AMSTERDAM], tiers: TIERS });
    expect(messages(c)).toEqual([]);
  });

  it('is accepted without a politie table and without policies: no escalation reaches a liaison, none needs tiers', () => {
    const c = copy();
    c.tables = c.tables.filter((t: any) => t.id !== 'politie');
    c.escalation.policies = [];
    expect(messages(c)).toEqual([]);
  });
});

describe('a configuration already refused elsewhere', () => {
  it("is not refused again while a policy's municipalities are neither a list nor '*' (what it was meant to cover is unknown)", () => {
    const c = copy();
    withoutFallback(c);
    c.escalation.policies[0].municipalities = ENSCHEDE;
    expect(messages(c)).toEqual(["escalation.policies[0].municipalities: must list CBS codes, or be '*'"]);
  });

  it("is not refused again for the politie table's invalid codes (reported with the table)", () => {
    const c = copy();
    withoutFallback(c);
    police(c).municipalities.push('Enschede');
    expect(messages(c)).toEqual([expect.stringMatching(/^tables\[6\]\.municipalities\[14\]: table "politie": "Enschede" is not a CBS code/)]);
  });
});
