import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import { escalationReach } from '../src/liaison/escalation-reach.js';
import { withoutTheCase } from '../src/liaison/without-the-case.js';

/**
 * Who reaches one escalation (`escalationReach`, the rule behind reading one escalation and reporting back on it):
 * whoever's `escalationScope` holds its municipality, and, once the politie table no longer serves it, the liaison
 * who acknowledged it while their token still names it, who then sees it without the case (`withoutTheCase`). The
 * routes are tested in the-liaison-who-acknowledged-an-escalation-reports-back-on-it-after-its-municipality-leaves-the-police-region.spec.ts.
 */

const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
/** The built-in tables with Enschede taken out of the politie table's region. */
const WITHOUT_ENSCHEDE: TablesConfig = {
  ...BUILT_IN_TABLES_CONFIG,
  tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => (t.id === 'politie' ? { ...t, municipalities: t.municipalities.filter((m) => m !== ENSCHEDE) } : t)),
};
const liaison = (subject: string, ...municipalities: string[]) => ({ subject, role: 'police-liaison' as const, municipalities });
const escalation = (municipality: string, acknowledgedBy: string | null) => ({ municipality, acknowledgedBy: acknowledgedBy === null ? null : { id: acknowledgedBy, role: 'police-liaison' } });

describe('within the politie region', () => {
  it('a liaison of the municipality reaches its escalations, acknowledged by anyone or by nobody', () => {
    for (const acknowledgedBy of [null, 'agent-jansen', 'agent-de-vries']) {
      expect(escalationReach(BUILT_IN_TABLES_CONFIG, liaison('agent-jansen', ENSCHEDE), escalation(ENSCHEDE, acknowledgedBy))).toBe('served');
    }
  });

  it("a liaison whose token does not name the municipality does not, not even the one who acknowledged it", () => {
    expect(escalationReach(BUILT_IN_TABLES_CONFIG, liaison('agent-jansen', HENGELO), escalation(ENSCHEDE, 'agent-jansen'))).toBeNull();
  });
});

describe('once the politie table no longer serves the municipality', () => {
  it('the liaison who acknowledged the escalation still reaches it, as its acknowledger, while their token names the municipality', () => {
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', ENSCHEDE), escalation(ENSCHEDE, 'agent-jansen'))).toBe('acknowledged');
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', HENGELO, ENSCHEDE), escalation(ENSCHEDE, 'agent-jansen'))).toBe('acknowledged');
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', HENGELO), escalation(ENSCHEDE, 'agent-jansen'))).toBeNull();
  });

  it('no other liaison reaches it, nor the acknowledging liaison an escalation someone else or nobody acknowledged', () => {
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-de-vries', ENSCHEDE), escalation(ENSCHEDE, 'agent-jansen'))).toBeNull();
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', ENSCHEDE), escalation(ENSCHEDE, 'agent-de-vries'))).toBeNull();
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', ENSCHEDE), escalation(ENSCHEDE, null))).toBeNull();
  });

  it('the acknowledger is the same actor, subject and role: the same subject acknowledging in another role is not the liaison', () => {
    const inAnotherRole = { municipality: ENSCHEDE, acknowledgedBy: { id: 'agent-jansen', role: 'coordinator' } };
    expect(escalationReach(WITHOUT_ENSCHEDE, liaison('agent-jansen', ENSCHEDE), inAnotherRole)).toBeNull();
  });

  it('a coordinator of the municipality still reaches it: they follow up what no liaison serves', () => {
    expect(escalationReach(WITHOUT_ENSCHEDE, { subject: 'coordinator-anna', role: 'coordinator', municipalities: [ENSCHEDE] }, escalation(ENSCHEDE, 'agent-jansen'))).toBe('served');
  });
});

describe('the acknowledger sees the escalation without the case', () => {
  it('empties fields and case where an answer has them, and keeps everything else', () => {
    const raised = { eventId: 'e1', type: 'EscalationRaised', tiers: [{ id: 'dienstdoende-liaison' }], fields: ['subjectName'], case: { subjectName: ['J. de Vries'] } };
    expect(withoutTheCase(raised)).toEqual({ eventId: 'e1', type: 'EscalationRaised', tiers: [{ id: 'dienstdoende-liaison' }], fields: [], case: {} });
    const reported = { eventId: 'e2', type: 'EscalationReportedBack', outcome: 'actie-ondernomen', text: 'Bewoner aangesproken' };
    expect(withoutTheCase(reported)).toEqual(reported);
    expect(raised.case).toEqual({ subjectName: ['J. de Vries'] });
  });
});
