import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { escalationScope } from '../src/liaison/escalation-scope.js';
import { PoliceRegionError } from '../src/liaison/police-region.error.js';

/**
 * Whose escalations a caller sees and acts on (`escalationScope`, the rule behind the liaison routes): a police
 * liaison those of their token's municipalities that the `politie` table serves, a coordinator all of theirs. The
 * routes themselves are tested in police-liaisons-only-see-the-police-region.spec.ts.
 */

const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
const AMSTERDAM = 'GM0363'; // not served by the shipped politie table
const liaison = (...municipalities: string[]) => ({ role: 'police-liaison' as const, municipalities });

/** What `call` throws, or null. */
function refusal(call: () => unknown): PoliceRegionError | null {
  try {
    call();
    return null;
  } catch (error) {
    return error as PoliceRegionError;
  }
}

describe('a police liaison', () => {
  it("sees the token's municipalities that the politie table serves, and none of the others", () => {
    expect(escalationScope(BUILT_IN_TABLES_CONFIG, liaison(AMSTERDAM, ENSCHEDE, HENGELO))).toEqual([ENSCHEDE, HENGELO]);
  });

  it('sees nothing with a token naming only municipalities outside the region (an empty list, not a refusal)', () => {
    expect(escalationScope(BUILT_IN_TABLES_CONFIG, liaison(AMSTERDAM))).toEqual([]);
  });

  it('may narrow it to one served municipality, and is refused one the politie table does not serve', () => {
    expect(escalationScope(BUILT_IN_TABLES_CONFIG, liaison(AMSTERDAM, ENSCHEDE), ENSCHEDE)).toEqual([ENSCHEDE]);
    const refused = refusal(() => escalationScope(BUILT_IN_TABLES_CONFIG, liaison(AMSTERDAM, ENSCHEDE), AMSTERDAM));
    expect(refused).toBeInstanceOf(PoliceRegionError);
    expect({ code: refused?.code, status: refused?.httpStatus }).toEqual({ code: 'LIAISON.MUNICIPALITY_NOT_SERVED', status: 403 });
  });
});

describe('a coordinator', () => {
  it('sees every municipality of the token, served or not: they follow up what reached no liaison', () => {
    const coordinator = { role: 'coordinator' as const, municipalities: [AMSTERDAM, ENSCHEDE] };
    expect(escalationScope(BUILT_IN_TABLES_CONFIG, coordinator)).toEqual([AMSTERDAM, ENSCHEDE]);
    expect(escalationScope(BUILT_IN_TABLES_CONFIG, coordinator, AMSTERDAM)).toEqual([AMSTERDAM]);
  });
});
