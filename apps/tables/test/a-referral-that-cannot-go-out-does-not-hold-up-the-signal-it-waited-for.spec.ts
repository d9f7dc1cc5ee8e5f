import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { AVE_MODEL, ONDERMIJNING_INTAKE_MODEL } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { appendSignals, COORDINATOR, draftSignals, registered, ScriptedCase, TABLES_APP } from './support/tables-fixtures.js';

/**
 * A referral whose signal facts have not arrived waits in `tables_pending_referrals`, and the batch that records the
 * last missing fact publishes it. One that cannot be published must not take that batch down: the healthy
 * `SignalReceived` would then be the dead letter, its fact never recorded, and every other referral (and complete
 * case for the police) waiting for it would wait for good. On real PostgreSQL and Kafka, giving up after two deliveries.
 */

let h: AppHarness;
const ENSCHEDE = 'GM0153';

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP], env: { CONSUMER_MAX_ATTEMPTS: '2' } });
});

afterAll(async () => {
  await h?.stop();
});

interface Letter {
  topic: string;
  message_key: string;
  message_value: string;
  headers: Record<string, string>;
  error_code: string;
  error: string;
  attempts: number;
}

const lettersOf = (key: string) =>
  h.query<Letter>("SELECT topic, message_key, message_value, headers, error_code, error, attempts FROM dead_letters WHERE origin = 'consumer:tables.case-events' AND message_key = $1 ORDER BY id", [key]);

const parked = async (referralId: string) => (await h.query('SELECT 1 FROM tables_pending_referrals WHERE referral_id = $1', [referralId])).length === 1;

/** A case in the RIEC state of `ondermijning-intake` with the given signals, whose sheet the tables app has. */
async function atTheRiec(signalIds: string[]): Promise<ScriptedCase> {
  const c = new ScriptedCase(h, ENSCHEDE);
  await c.open(ONDERMIJNING_INTAKE_MODEL, signalIds);
  await c.walkTo(ONDERMIJNING_INTAKE_MODEL, 'riec');
  await waitFor(async () => (await h.query<{ state: string }>("SELECT sheet->>'state' AS state FROM tables_case_sheets WHERE case_id = $1", [c.caseId]))[0]?.state === 'riec', { what: 'the sheet at the RIEC' });
  return c;
}

/** A `CaseReferred` of `c` as a router that left out when it was referred would send it. */
function referredWithoutAt(c: ScriptedCase, referralId: string) {
  const last = c.appended[c.appended.length - 1]!;
  return { ...last, id: randomUUID(), type: 'CaseReferred', payload: { caseId: c.caseId, referralId, table: 'riec', state: 'riec', reason: 'Verwijzing', actor: COORDINATOR } };
}

/**
 * The referral is in the register as rejected (`not-deliverable`, the dead letter's error code in the reason) and a
 * `ReferralRejected` for the router is on its way: the referral's only event, caused by the case event, with nothing shared.
 */
async function expectRejectedBack(c: ScriptedCase, referralId: string, errorCode: string, caused?: { id: string }): Promise<void> {
  const row = await registered(h, referralId);
  expect(row).toMatchObject({ status: 'rejected', rejection: 'not-deliverable', table_id: 'riec', case_id: c.caseId, municipality: ENSCHEDE, accept_by: null });
  expect(row.reason).toContain(errorCode);
  const events = await h.query<{ type: string; causation_id: string; payload: Record<string, unknown> }>('SELECT type, causation_id, payload FROM events WHERE stream_id = $1', [`referral-${referralId}`]);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type: 'ReferralRejected', payload: { referralId, caseId: c.caseId, table: 'riec', municipality: ENSCHEDE, rejection: 'not-deliverable' } });
  if (caused) expect(events[0]!.causation_id).toBe(caused.id);
  expect(await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [c.caseId])).toEqual([]);
}

/** The same without who referred it: what a publisher cannot build a referral from. */
function referredWithoutActor(c: ScriptedCase, referralId: string) {
  const referred = referredWithoutAt(c, referralId);
  const { actor: _left, ...payload } = referred.payload;
  return { ...referred, payload };
}

/** Every signal's fact is recorded, and no `SignalReceived` went to the dead letters. */
async function expectEveryFactRecorded(signalIds: string[]): Promise<void> {
  expect(await h.query('SELECT signal_id FROM tables_signal_facts WHERE signal_id = ANY($1)', [signalIds])).toHaveLength(signalIds.length);
  expect(await h.query("SELECT 1 FROM dead_letters WHERE origin = 'consumer:tables.case-events' AND topic = $1", [TOPICS.signals])).toEqual([]);
}

describe('a CaseReferred without when or by whom it was referred', () => {
  it('goes to the dead letters at its first delivery (MESSAGE.MALFORMED) and parks nothing; a referral waiting for the same signal goes out when it arrives', async () => {
    const late = draftSignals(h, ENSCHEDE);
    const [first, ...rest] = late.ids;
    await late.append([first!]);
    const good = await atTheRiec(late.ids);
    const waiting = await good.refer('riec', 'Ondermijning, feiten volgen');
    await waitFor(() => parked(waiting), { what: 'the good referral parked' });

    const bad = await atTheRiec(late.ids);
    const malformed = randomUUID();
    await h.produce(TOPICS.cases, [{ key: `case-${bad.caseId}`, value: JSON.stringify(referredWithoutAt(bad, malformed)) }]);
    const [letter] = await waitFor(async () => {
      const letters = await lettersOf(`case-${bad.caseId}`);
      return letters.length > 0 ? letters : undefined;
    }, { what: 'the malformed CaseReferred in the dead letters' });
    expect({ code: letter!.error_code, attempts: letter!.attempts, topic: letter!.topic }).toEqual({ code: 'MESSAGE.MALFORMED', attempts: 1, topic: TOPICS.cases });
    expect(letter!.error).toContain('at: missing');
    expect(await parked(malformed)).toBe(false);

    await late.append(rest);
    expect(await registered(h, waiting)).toMatchObject({ status: 'open', table_id: 'riec' });
    await expectEveryFactRecorded(late.ids);
  }, 120_000);

  it('is rejected back to its case as not-deliverable, referred when the case event occurred; a redelivery rejects it no second time', async () => {
    const signals = await appendSignals(h, ENSCHEDE);
    const c = await atTheRiec(signals.ids);
    const malformed = randomUUID();
    const referred = referredWithoutAt(c, malformed);
    await h.produce(TOPICS.cases, [{ key: `case-${c.caseId}`, value: JSON.stringify(referred) }]);
    await expectRejectedBack(c, malformed, 'MESSAGE.MALFORMED', referred);
    expect((await registered(h, malformed)).referred_at.toISOString()).toBe(new Date(referred.occurredAt).toISOString());

    await h.produce(TOPICS.cases, [{ key: `case-${c.caseId}`, value: JSON.stringify(referred) }]);
    await waitFor(async () => (await lettersOf(`case-${c.caseId}`)).length === 2, { what: 'the redelivered copy in the dead letters' });
    expect(await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`referral-${malformed}`])).toHaveLength(1);
  }, 120_000);
});

describe('a referral or complete case that cannot go out when its signal facts arrive', () => {
  it('goes to the dead letters alone: the facts are recorded, and the referral waiting with it goes out', async () => {
    const late = draftSignals(h, ENSCHEDE);
    const [first, ...rest] = late.ids;
    await late.append([first!]);

    // A good referral waiting for the last two signals.
    const good = await atTheRiec(late.ids);
    const waiting = await good.refer('riec', 'Ondermijning, feiten volgen');
    await waitFor(() => parked(waiting), { what: 'the good referral parked' });

    // A referral that parked before the input check refused a CaseReferred without its actor: publishing it throws.
    const bad = await atTheRiec(late.ids);
    const broken = randomUUID();
    const [sheet] = await h.query<{ sheet: unknown }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [bad.caseId]);
    await h.query('INSERT INTO tables_pending_referrals (referral_id, case_id, sheet, event, waiting_for) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::text[])', [
      broken,
      bad.caseId,
      JSON.stringify(sheet!.sheet),
      JSON.stringify(referredWithoutActor(bad, broken)),
      rest,
    ]);

    // An AVE 4 escalation raised before the same facts, whose parked case holds a shared note altered at rest: completing it cannot open the note.
    const ave = new ScriptedCase(h, ENSCHEDE);
    await ave.open(AVE_MODEL, late.ids);
    await ave.sealedNote('Gesprek met de wijkagent gevoerd', 'deelbaar');
    await ave.walkTo(AVE_MODEL, 'ave-4');
    const [escalation] = await waitFor(async () => {
      const rows = await h.query<{ escalation_id: string }>('SELECT escalation_id FROM tables_pending_escalation_facts WHERE case_id = $1', [ave.caseId]);
      return rows.length > 0 ? rows : undefined;
    }, { what: 'the escalation waiting for its facts' });
    await h.query(
      "UPDATE tables_pending_escalation_facts SET sheet = jsonb_set(sheet, '{sharedNotes,0,text}', to_jsonb((sheet #>> '{sharedNotes,0,text}') || '.x')) WHERE escalation_id = $1",
      [escalation!.escalation_id],
    );

    await late.append(rest);
    expect(await registered(h, waiting)).toMatchObject({ status: 'open', table_id: 'riec' });
    await expectEveryFactRecorded(late.ids);

    const [referralLetter] = await lettersOf(`case-${bad.caseId}`);
    expect(referralLetter).toMatchObject({ topic: TOPICS.cases, error_code: 'TypeError', attempts: 2, headers: { 'dead-letter-wait-list': 'tables_pending_referrals', 'dead-letter-id': broken } });
    expect(JSON.parse(referralLetter!.message_value).event.payload.referralId).toBe(broken);
    const [caseLetter] = await lettersOf(`case-${ave.caseId}`);
    expect(caseLetter).toMatchObject({ topic: TOPICS.cases, error_code: 'CRYPTO.DECRYPTION_FAILED', headers: { 'dead-letter-wait-list': 'tables_pending_escalation_facts', 'dead-letter-id': escalation!.escalation_id } });
    expect(await h.query('SELECT 1 FROM tables_pending_referrals WHERE referral_id = $1', [broken])).toEqual([]);
    // Nothing reached the RIEC; the case hears it was not delivered, so the coordinator does not wait for an answer.
    await expectRejectedBack(bad, broken, 'TypeError');
    expect(await h.query('SELECT 1 FROM tables_pending_escalation_facts WHERE escalation_id = $1', [escalation!.escalation_id])).toEqual([]);
    // The escalation itself stays as it was raised: only its complete case did not go out.
    expect((await h.query<{ n: string }>("SELECT count(*)::text AS n FROM events WHERE stream_id = $1 AND type = 'EscalationCaseSupplemented'", [`escalation-${escalation!.escalation_id}`]))[0]!.n).toBe('0');
  }, 180_000);
});
