import { AVE_MODEL } from '#domain';
import { waitFor, type AppHarness } from '../../../../test/support/app-harness.js';
import { COORDINATOR, type ScriptedCase } from '../../../tables/test/support/tables-fixtures.js';

/**
 * Takes an AVE 3 case to AVE 4, with what its model version requires for that (a reason, a category, fields), which
 * informs the mayor and so escalates to the police; resolves with the escalation id once the tables app raised it.
 */
export async function escalatedToThePolice(h: AppHarness, c: ScriptedCase): Promise<string> {
  const ave4 = AVE_MODEL.transitions.find((t) => t.name === 'opschalen-ave-4')!;
  await c.run({
    type: 'TakeTransition',
    transition: ave4.name,
    actor: COORDINATOR,
    ...(ave4.requires?.reason ? { reason: 'Maatschappelijke onrust' } : {}),
    ...(ave4.requires?.reasonCategories ? { reasonCategory: ave4.requires.reasonCategories[0] } : {}),
    ...(ave4.requires?.fields ? { fields: Object.fromEntries(ave4.requires.fields.map((f) => [f, `waarde ${f}`])) } : {}),
  });
  const row = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id::text AS escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `an escalation of case ${c.caseId}`,
  });
  return row.escalation_id;
}
